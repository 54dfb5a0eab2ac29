"""The young people file: one row per young person, with nothing that names or dates them.

The outcome is derived, not recorded: the ledger keeps why a case was closed as sealed free
text, which an export never carries. What the network does record in structure — needs met,
goals achieved — says whether a closed path brought results.
"""

from projections.exports import sql
from projections.exports.columns import (
    Table,
    association,
    day,
    integer,
    pseudonym,
    string,
)

OUTCOMES = ("IN_PROGRESS", "CLOSED_WITH_RESULTS", "CLOSED_WITHOUT_RESULTS")

YOUNG_PEOPLE = Table(
    name="young_people",
    row="a young person enrolled in the network (erased young people are left out entirely)",
    columns=(
        pseudonym("young_person", "the young person"),
        string("birth_year_band", "Five-year band of the year of birth, e.g. 2005-2009."),
        string("territory", "Territory of the young person as recorded at enrolment."),
        association("lead_association_id", "leading the case at the export's position"),
        day("enrolled_on", "Day of enrolment (business time, UTC)."),
        day("closed_on", "Day the case was closed, empty while open (a reopened case is open)."),
        string("status", "OPEN or CLOSED at the export's position.", "OPEN", "CLOSED"),
        integer(
            "days_enrolled",
            "Whole days from enrolment to closure, or to the export's as-at day while open.",
        ),
        integer("needs_identified", "Needs identified for the young person."),
        integer("needs_met", "Of those, needs marked as met."),
        integer("goals_set", "Goals of the action plan."),
        integer("goals_achieved", "Of those, goals achieved."),
        integer("interventions", "Interventions recorded and not retracted."),
        string(
            "outcome",
            "IN_PROGRESS while open; once closed, CLOSED_WITH_RESULTS if at least one need was"
            " met or one goal achieved, else CLOSED_WITHOUT_RESULTS.",
            *OUTCOMES,
        ),
    ),
    sort=("young_person",),
)


YOUNG_PEOPLE_SQL = f"""
WITH
needs AS (
    SELECT young_person_id, count(*) AS identified, count(*) FILTER (status = 'MET') AS met
    FROM src_needs GROUP BY young_person_id
),
goals AS (
    SELECT young_person_id, count(*) AS set, count(*) FILTER (status = 'ACHIEVED') AS achieved
    FROM src_goals GROUP BY young_person_id
),
delivered AS (
    SELECT young_person_id, count(*) AS interventions
    FROM src_interventions WHERE retracted_at IS NULL GROUP BY young_person_id
),
cases AS (
    SELECT c.*, kept.birth_year_band,
        {sql.day("c.enrolled_at")} AS enrolled_on, {sql.day("c.closed_at")} AS closed_on
    FROM src_cases c JOIN kept USING (young_person_id)
)
SELECT
    {sql.pseudonym("young_person", "c.young_person_id")} AS young_person,
    c.birth_year_band,
    c.territory,
    c.lead_association_id,
    c.enrolled_on,
    c.closed_on,
    CASE WHEN c.closed_on IS NULL THEN 'OPEN' ELSE 'CLOSED' END AS status,
    coalesce(c.closed_on, $as_at) - c.enrolled_on AS days_enrolled,
    coalesce(n.identified, 0) AS needs_identified,
    coalesce(n.met, 0) AS needs_met,
    coalesce(g.set, 0) AS goals_set,
    coalesce(g.achieved, 0) AS goals_achieved,
    coalesce(d.interventions, 0) AS interventions,
    CASE
        WHEN c.closed_on IS NULL THEN 'IN_PROGRESS'
        WHEN coalesce(n.met, 0) + coalesce(g.achieved, 0) > 0 THEN 'CLOSED_WITH_RESULTS'
        ELSE 'CLOSED_WITHOUT_RESULTS'
    END AS outcome
FROM cases c
LEFT JOIN needs n USING (young_person_id)
LEFT JOIN goals g USING (young_person_id)
LEFT JOIN delivered d USING (young_person_id)
"""
"""Counts are over the kept young people's rows only, as every case source is joined to them."""
