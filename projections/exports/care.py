"""Needs, goals, consents and programme enrolments: the structure of each path, no text.

Descriptions, purposes and notes are sealed free text in the ledger and are never exported.
Case-level ids (need, goal, consent) are pseudonymised like the young person's, so an
intervention or a referral can still be joined to the need it serves.
"""

from domain.vocabulary import ConsentGiver, GoalStatus, NeedStatus, Sensitivity
from projections.exports import sql
from projections.exports.columns import (
    Table,
    association,
    boolean,
    day,
    integer,
    pseudonym,
    string,
)
from projections.exports.values import DOMAINS

SENSITIVITIES = tuple(s.value for s in Sensitivity)

NEEDS = Table(
    name="needs",
    row="a need identified for a young person in a domain",
    columns=(
        pseudonym("need", "the need"),
        pseudonym("young_person", "the young person"),
        string("domain", "Domain of the need.", *DOMAINS),
        string("sensitivity", "Consent sensitivity of the domain.", *SENSITIVITIES),
        integer("severity", "Severity from 1 (light) to 5 (acute), as assessed."),
        day("identified_on", "Day the need was identified."),
        association("identified_by_association_id", "whose worker identified it"),
        string("status", "OPEN, MET or CLOSED.", *(s.value for s in NeedStatus)),
        day("met_on", "Day the need was marked as met."),
        day("closed_on", "Day the need was closed without being met."),
    ),
    sort=("young_person", "identified_on", "need"),
)

GOALS = Table(
    name="goals",
    row="a goal of a young person's action plan, with its latest progress",
    columns=(
        pseudonym("goal", "the goal"),
        pseudonym("young_person", "the young person"),
        string("domain", "Domain of the goal.", *DOMAINS),
        day("target_date", "Target day agreed for the goal, if any."),
        integer("progress", "Latest reviewed progress, 0 to 100 (100 once achieved)."),
        string("status", "OPEN, ACHIEVED or DROPPED.", *(s.value for s in GoalStatus)),
        day("added_on", "Day the goal was added."),
        association("added_by_association_id", "whose worker added it"),
        day("last_reviewed_on", "Day of the latest review, achievement or drop."),
    ),
    sort=("young_person", "added_on", "goal"),
)

CONSENTS = Table(
    name="consents",
    row="a consent to share case content, as given (and possibly withdrawn); no purpose text",
    columns=(
        pseudonym("consent", "the consent"),
        pseudonym("young_person", "the young person"),
        string("sensitivities", "Sensitivities covered, comma-separated, sorted."),
        boolean("covers_general", "Covers GENERAL content."),
        boolean("covers_health", "Covers HEALTH content (mental, physical health, addiction)."),
        boolean("covers_justice", "Covers JUSTICE content."),
        string(
            "scope",
            "ALL_INVOLVED (every involved association) or NAMED (named associations only).",
            "ALL_INVOLVED",
            "NAMED",
        ),
        integer("named_associations", "How many associations are named (0 for ALL_INVOLVED)."),
        string("given_by", "Who gave it.", *(g.value for g in ConsentGiver)),
        day("given_on", "Day it was given."),
        day("expires_on", "Day it expires, if any."),
        day("withdrawn_on", "Day it was withdrawn, if it was."),
    ),
    sort=("young_person", "given_on", "consent"),
)

ENROLMENTS = Table(
    name="programme_enrolments",
    row="a young person's enrolment in an integrated programme",
    columns=(
        pseudonym("young_person", "the young person"),
        string("programme_id", "Id of the programme (see programmes.programme_id)."),
        day("enrolled_on", "Day of enrolment in the programme."),
        day("left_on", "Day the young person left the programme, if they did."),
    ),
    sort=("young_person", "programme_id", "enrolled_on"),
)


NEEDS_SQL = f"""
SELECT
    {sql.pseudonym("need", "n.need_id")} AS need,
    {sql.pseudonym("young_person", "n.young_person_id")} AS young_person,
    n.domain,
    {sql.sensitivity("n.domain")} AS sensitivity,
    n.severity,
    {sql.day("n.identified_at")} AS identified_on,
    n.identified_by AS identified_by_association_id,
    n.status,
    {sql.day("n.met_at")} AS met_on,
    {sql.day("n.closed_at")} AS closed_on
FROM src_needs n JOIN kept USING (young_person_id)
"""

GOALS_SQL = f"""
SELECT
    {sql.pseudonym("goal", "g.goal_id")} AS goal,
    {sql.pseudonym("young_person", "g.young_person_id")} AS young_person,
    g.domain,
    {sql.day("g.target_date")} AS target_date,
    g.progress,
    g.status,
    {sql.day("g.added_at")} AS added_on,
    g.added_by AS added_by_association_id,
    {sql.day("g.reviewed_at")} AS last_reviewed_on
FROM src_goals g JOIN kept USING (young_person_id)
"""

CONSENTS_SQL = f"""
SELECT
    {sql.pseudonym("consent", "c.consent_id")} AS consent,
    {sql.pseudonym("young_person", "c.young_person_id")} AS young_person,
    array_to_string(list_sort(covered), ',') AS sensitivities,
    list_contains(covered, 'GENERAL') AS covers_general,
    list_contains(covered, 'HEALTH') AS covers_health,
    list_contains(covered, 'JUSTICE') AS covers_justice,
    CASE WHEN c.recipients IS NULL THEN 'ALL_INVOLVED' ELSE 'NAMED' END AS scope,
    coalesce(len(string_split(c.recipients, ',')), 0) AS named_associations,
    c.given_by,
    {sql.day("c.given_at")} AS given_on,
    {sql.day("c.expires_on")} AS expires_on,
    {sql.day("c.withdrawn_at")} AS withdrawn_on
FROM (SELECT *, string_split(sensitivities, ',') AS covered FROM src_consents) c
JOIN kept USING (young_person_id)
"""

ENROLMENTS_SQL = f"""
SELECT
    {sql.pseudonym("young_person", "e.young_person_id")} AS young_person,
    e.programme_id,
    {sql.day("e.enrolled_at")} AS enrolled_on,
    {sql.day("e.left_at")} AS left_on
FROM src_enrolments e JOIN kept USING (young_person_id)
"""
