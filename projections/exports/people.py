"""The young people file: one row per young person, with nothing that names or dates them.

The outcome is derived, not recorded: the ledger keeps why a case was closed as sealed free
text, which an export never carries. What the network does record in structure — needs met,
goals achieved — says whether a closed path brought results.
"""

from collections import Counter

from projections.exports.columns import (
    Record,
    Table,
    association,
    day,
    integer,
    pseudonym,
    string,
)
from projections.exports.context import Context
from projections.exports.values import day_of

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


def young_people(ctx: Context) -> list[Record]:
    needs, met = Counter[str](), Counter[str]()
    for need in ctx.rows("needs"):
        needs[str(need["young_person_id"])] += 1
        met[str(need["young_person_id"])] += need["status"] == "MET"
    goals, achieved = Counter[str](), Counter[str]()
    for goal in ctx.rows("goals"):
        goals[str(goal["young_person_id"])] += 1
        achieved[str(goal["young_person_id"])] += goal["status"] == "ACHIEVED"
    interventions = Counter(
        str(i["young_person_id"]) for i in ctx.rows("interventions") if i["retracted_at"] is None
    )
    records: list[Record] = []
    for case in ctx.rows("cases"):
        key = str(case["young_person_id"])
        enrolled, closed = day_of(case["enrolled_at"]), day_of(case["closed_at"])
        end = closed or ctx.as_at
        results = met[key] + achieved[key] > 0
        records.append(
            {
                "young_person": ctx.person(key),
                "birth_year_band": ctx.birth_bands.get(key),
                "territory": str(case["territory"]),
                "lead_association_id": str(case["lead_association_id"]),
                "enrolled_on": enrolled,
                "closed_on": closed,
                "status": "OPEN" if closed is None else "CLOSED",
                "days_enrolled": None if end is None or enrolled is None else (end - enrolled).days,
                "needs_identified": needs[key],
                "needs_met": met[key],
                "goals_set": goals[key],
                "goals_achieved": achieved[key],
                "interventions": interventions[key],
                "outcome": _outcome(closed is not None, results),
            }
        )
    return records


def _outcome(closed: bool, results: bool) -> str:
    if not closed:
        return "IN_PROGRESS"
    return "CLOSED_WITH_RESULTS" if results else "CLOSED_WITHOUT_RESULTS"
