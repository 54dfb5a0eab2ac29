"""Needs, goals, consents and programme enrolments: the structure of each path, no text.

Descriptions, purposes and notes are sealed free text in the ledger and are never exported.
Case-level ids (need, goal, consent) are pseudonymised like the young person's, so an
intervention or a referral can still be joined to the need it serves.
"""

from domain.vocabulary import ConsentGiver, GoalStatus, NeedStatus, Sensitivity
from projections.exports.columns import (
    Record,
    Table,
    association,
    boolean,
    day,
    integer,
    pseudonym,
    string,
)
from projections.exports.context import Context
from projections.exports.values import DOMAINS, day_of, integer_or_none, sensitivity

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


def needs(ctx: Context) -> list[Record]:
    return [
        {
            "need": ctx.hidden("need", n["need_id"]),
            "young_person": ctx.person(n["young_person_id"]),
            "domain": str(n["domain"]),
            "sensitivity": sensitivity(n["domain"]),
            "severity": integer_or_none(n["severity"]),
            "identified_on": day_of(n["identified_at"]),
            "identified_by_association_id": _text(n["identified_by"]),
            "status": str(n["status"]),
            "met_on": day_of(n["met_at"]),
            "closed_on": day_of(n["closed_at"]),
        }
        for n in ctx.rows("needs")
    ]


def goals(ctx: Context) -> list[Record]:
    return [
        {
            "goal": ctx.hidden("goal", g["goal_id"]),
            "young_person": ctx.person(g["young_person_id"]),
            "domain": str(g["domain"]),
            "target_date": day_of(g["target_date"]),
            "progress": integer_or_none(g["progress"]),
            "status": str(g["status"]),
            "added_on": day_of(g["added_at"]),
            "added_by_association_id": _text(g["added_by"]),
            "last_reviewed_on": day_of(g["reviewed_at"]),
        }
        for g in ctx.rows("goals")
    ]


def consents(ctx: Context) -> list[Record]:
    records: list[Record] = []
    for c in ctx.rows("consents"):
        covered = sorted(str(c["sensitivities"]).split(","))
        named = [] if c["recipients"] is None else str(c["recipients"]).split(",")
        records.append(
            {
                "consent": ctx.hidden("consent", c["consent_id"]),
                "young_person": ctx.person(c["young_person_id"]),
                "sensitivities": ",".join(covered),
                "covers_general": "GENERAL" in covered,
                "covers_health": "HEALTH" in covered,
                "covers_justice": "JUSTICE" in covered,
                "scope": "ALL_INVOLVED" if c["recipients"] is None else "NAMED",
                "named_associations": len(named),
                "given_by": str(c["given_by"]),
                "given_on": day_of(c["given_at"]),
                "expires_on": day_of(c["expires_on"]),
                "withdrawn_on": day_of(c["withdrawn_at"]),
            }
        )
    return records


def enrolments(ctx: Context) -> list[Record]:
    return [
        {
            "young_person": ctx.person(e["young_person_id"]),
            "programme_id": str(e["programme_id"]),
            "enrolled_on": day_of(e["enrolled_at"]),
            "left_on": day_of(e["left_at"]),
        }
        for e in ctx.rows("enrolments")
    ]


def _text(value: object) -> str | None:
    return None if value is None else str(value)
