"""Retention over time: of the young people enrolled in a period, how many are still supported
1, 3, 6… months later.

Only young people whose follow-up window has fully elapsed by the export's as-at day are
counted for a given month ("observed"), so a recent cohort is never shown as better retained
merely because nobody had time to leave. A month is 30.4375 days. Retention and its complement
(those who left) are both checked against k, since either can be read off the other.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from projections.exports.columns import Record, Table, decimal, integer, string
from projections.exports.datasets import Data
from projections.exports.referral_figures import SUPPRESSED
from projections.exports.suppression import complemented, shown, small_any

MONTHS = (1, 3, 6, 12, 18, 24)
DAYS_PER_MONTH = 30.4375
ALL = "ALL"

RETENTION = Table(
    name="retention",
    folder="aggregates",
    row="a cohort of enrolment (a quarter, or ALL) followed for a number of months",
    columns=(
        string("cohort", "Quarter of enrolment (YYYY-Qn), or ALL."),
        integer("months", "Months since enrolment."),
        integer("cohort_size", "Young people enrolled in the cohort (blank if suppressed)."),
        integer("observed", "Of those, enrolled at least that long before the as-at day."),
        integer("still_enrolled", "Of the observed, whose case was still open after that long."),
        decimal("retention_rate", "still_enrolled / observed, to 4 decimals."),
        SUPPRESSED,
    ),
    sort=(),
)


def retention(data: Data, k: int, as_at: date | None) -> list[Record]:
    cohorts: dict[str, list[Record]] = defaultdict(list)
    for person in data["young_people"]:
        enrolled = person["enrolled_on"]
        if isinstance(enrolled, date):
            cohorts[ALL].append(person)
            cohorts[f"{enrolled.year}-Q{(enrolled.month - 1) // 3 + 1}"].append(person)
    records: list[Record] = []
    for cohort in sorted(cohorts, key=lambda c: (c != ALL, c)):
        members = cohorts[cohort]
        for months in MONTHS:
            threshold = months * DAYS_PER_MONTH
            observed = [p for p in members if _followed(p, as_at) >= threshold]
            still = [p for p in observed if _stayed(p) >= threshold]
            records.append(retained((cohort, months), len(members), len(observed), len(still), k))
    return complete_cohorts(records)


def complete_cohorts(records: Sequence[Record]) -> list[Record]:
    """Secondary suppression of retention: at each number of months, the quarters' cohorts add
    up to ALL. The second cohort hidden is chosen by `observed` (those followed that long),
    which `still_enrolled` and those who left come from: a recent cohort observed by nobody yet
    hides nothing."""
    groups: list[tuple[int, list[int]]] = []
    for months in MONTHS:
        rows = {str(r["cohort"]): i for i, r in enumerate(records) if r["months"] == months}
        if ALL in rows:
            groups.append((rows[ALL], [i for cohort, i in rows.items() if cohort != ALL]))
    figures = ("cohort_size", "observed", "still_enrolled", "retention_rate")
    return complemented(records, groups, figures, "observed")


def retained(key: tuple[str, int], members: int, observed: int, still: int, k: int) -> Record:
    """A cohort `months` after enrolment: hidden when any count, or those who left, is small."""
    cohort, months = key
    hidden = small_any((members, observed, still, observed - still), k)
    rate = round(still / observed, 4) if observed else None
    return {
        "cohort": cohort,
        "months": months,
        "cohort_size": shown(members, hidden),
        "observed": shown(observed, hidden),
        "still_enrolled": shown(still, hidden),
        "retention_rate": shown(rate, hidden),
        "suppressed": hidden,
    }


def _followed(person: Record, as_at: date | None) -> int:
    """Days from enrolment to the as-at day: how long this person could be followed."""
    enrolled = person["enrolled_on"]
    if as_at is None or not isinstance(enrolled, date):
        return 0
    return (as_at - enrolled).days


def _stayed(person: Record) -> float:
    """Days the case stayed open (open cases: for ever, as far as anyone can tell)."""
    if person["closed_on"] is None:
        return float("inf")
    return float(str(person["days_enrolled"]))
