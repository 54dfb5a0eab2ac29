"""The aggregate tables, counted by the staging database over the staged datasets.

The record-level functions of `headline`, `referral_figures`, `network_figures` and `retention`
define every published figure and its k-check; they hold every row in memory, which an export
of a large network cannot afford. Here DuckDB counts each cell (rows, distinct young people,
sums, the one or two middle values of a median) over the very rows the dataset files hold,
and the few cells are then published in Python exactly as those functions publish them:
same rounding, same suppression, same order (groups in the order of their first row, as a
dict fills; the report shows records in that order). The tests check both agree.
"""

from datetime import date
from typing import Any

from domain.vocabulary import DeclineReason
from projections.exports.columns import Record
from projections.exports.headline import indicator
from projections.exports.network_figures import (
    NO_PROGRAMME,
    complete_handovers,
    complete_interventions,
    coverage_cell,
    handovers_of,
    interventions_in,
)
from projections.exports.referral_figures import (
    BINS,
    complete_funnel,
    complete_times,
    funnel_stage,
    median,
    time_bin,
)
from projections.exports.retention import (
    ALL,
    DAYS_PER_MONTH,
    MONTHS,
    complete_cohorts,
    retained,
)
from projections.exports.staging import Staging

STAGES: tuple[tuple[str, str], ...] = (
    ("MADE", "TRUE"),
    ("ACCEPTED", "accepted_on IS NOT NULL"),
    ("COMPLETED", "completed_on IS NOT NULL"),
    ("DECLINED", "declined_on IS NOT NULL"),
    ("WITHDRAWN", "withdrawn_on IS NOT NULL"),
    ("EXPIRED", "expired_on IS NOT NULL"),
    ("STILL_OPEN", "status IN ('MADE', 'ACCEPTED')"),
    *((f"DECLINED:{r.value}", f"decline_reason = '{r.value}'") for r in DeclineReason),
)
"""`referral_figures.STAGES`, as conditions on a row of `ds_referrals`."""


def _one(staging: Staging, statement: str) -> tuple[Any, ...]:
    found = staging.db.execute(statement).fetchone()
    assert found is not None
    return found


def _all(staging: Staging, statement: str) -> list[tuple[Any, ...]]:
    return staging.db.execute(statement).fetchall()


def _tally(staging: Staging, table: str, condition: str) -> tuple[int, int]:
    """Rows meeting a condition, and the distinct young people behind them."""
    rows, people = _one(
        staging,
        f"SELECT count(*), count(DISTINCT young_person) FROM {table} WHERE {condition}",
    )
    return int(rows), int(people)


def _median(staging: Staging, measure: str, condition: str) -> float | None:
    """`referral_figures.median`, given only the one or two middle values."""
    where = f"FROM ds_referrals WHERE {condition}"
    (count,) = _one(staging, f"SELECT count({measure}) {where}")
    if not count:
        return None
    middle = _all(
        staging,
        f"SELECT {measure} {where} AND {measure} IS NOT NULL ORDER BY {measure}"
        f" LIMIT {2 - count % 2} OFFSET {(count - 1) // 2}",
    )
    return median([float(value) for (value,) in middle])


def indicators(staging: Staging, k: int) -> list[Record]:
    people = _tally(staging, "ds_young_people", "TRUE")
    open_people = _tally(staging, "ds_young_people", "status = 'OPEN'")
    referrals = _tally(staging, "ds_referrals", "TRUE")
    completed = _tally(staging, "ds_referrals", "closed_loop")
    not_completed = _tally(staging, "ds_referrals", "NOT closed_loop")
    responded = _tally(staging, "ds_referrals", "days_to_response IS NOT NULL")
    accepted = _tally(staging, "ds_handovers", "status = 'ACCEPTED'")
    delivered = _tally(staging, "ds_interventions", "NOT retracted")
    (minutes,) = _one(
        staging,
        "SELECT coalesce(sum(coalesce(duration_minutes, 0)), 0) FROM ds_interventions"
        " WHERE NOT retracted",
    )
    rate = round(completed[0] / referrals[0], 4) if referrals[0] else None
    rows: list[tuple[str, str, float | int | None, tuple[int, int], list[tuple[int, int]]]] = [
        ("young_people", "Young people in the export", people[0], people, []),
        (
            "young_people_open",
            "Young people whose case is open",
            open_people[0],
            open_people,
            [],
        ),
        ("referrals_made", "Referrals made", referrals[0], referrals, []),
        (
            "closed_loop_rate",
            "Share of referrals whose service was delivered (completed / made)",
            rate,
            referrals,
            [completed, not_completed],
        ),
        (
            "median_days_to_response",
            "Median days from a referral to its first answer",
            _median(staging, "days_to_response", "TRUE"),
            responded,
            [],
        ),
        (
            "median_days_to_completion",
            "Median days from a referral to its completion",
            _median(staging, "days_to_completion", "closed_loop"),
            completed,
            [],
        ),
        ("handovers_accepted", "Handovers of the lead accepted", accepted[0], accepted, []),
        ("interventions", "Interventions delivered (not retracted)", delivered[0], delivered, []),
        ("hours_delivered", "Hours of interventions", round(int(minutes) / 60, 1), delivered, []),
    ]
    return [
        indicator(name, label, value, behind[1], [group[1] for group in also], k)
        for name, label, value, behind, also in rows
    ]


def funnel(staging: Staging, k: int) -> list[Record]:
    made = _tally(staging, "ds_referrals", "TRUE")[0]
    return complete_funnel(
        [
            funnel_stage(stage, *_tally(staging, "ds_referrals", condition), made, k)
            for stage, condition in STAGES
        ]
    )


def times(staging: Staging, k: int) -> list[Record]:
    records: list[Record] = []
    for measure in ("days_to_response", "days_to_completion"):
        for limits in BINS:
            _, low, high = limits
            upper = "" if high is None else f" AND {measure} < {high!r}"
            chosen, people = _tally(staging, "ds_referrals", f"{measure} >= {low!r}{upper}")
            records.append(time_bin(measure, limits, chosen, people, k))
    return complete_times(records)


def coverage(staging: Staging, k: int) -> list[Record]:
    needs = {
        (str(territory), str(domain)): (int(rows), int(people))
        for territory, domain, rows, people in _all(
            staging,
            "SELECT p.territory, n.domain, count(*), count(DISTINCT n.young_person)"
            " FROM ds_needs n JOIN ds_young_people p USING (young_person)"
            " WHERE n.status = 'OPEN' AND p.status = 'OPEN' GROUP BY ALL",
        )
    }
    capacity = {
        (str(territory), str(domain)): int(declared)
        for territory, domain, declared in _all(
            staging,
            "SELECT a.territory, c.domain, sum(coalesce(c.monthly_capacity, 0))"
            " FROM ds_competences c JOIN ds_associations a USING (association_id) GROUP BY ALL",
        )
    }
    return [
        coverage_cell(cell, *needs.get(cell, (0, 0)), capacity.get(cell, 0), k)
        for cell in sorted({*needs, *capacity})
    ]


def handovers_between(staging: Staging, k: int) -> list[Record]:
    names = dict(_all(staging, "SELECT association_id, name FROM ds_associations"))
    return complete_handovers(
        [
            handovers_of(names, (origin, target, status), int(rows), int(people), k)
            for origin, target, status, rows, people in _all(
                staging,
                "SELECT from_association_id, to_association_id, status, count(*),"
                " count(DISTINCT young_person) FROM ds_handovers GROUP BY ALL"
                " ORDER BY min(rowid)",
            )
        ]
    )


def interventions_by(staging: Staging, k: int) -> list[Record]:
    names = dict(_all(staging, "SELECT programme_id, name FROM ds_programmes"))
    return complete_interventions(
        [
            interventions_in(names, (domain, programme), int(rows), int(people), int(minutes), k)
            for domain, programme, rows, people, minutes in _all(
                staging,
                f"SELECT domain, coalesce(nullif(programme_id, ''), '{NO_PROGRAMME}'), count(*),"
                " count(DISTINCT young_person), sum(coalesce(duration_minutes, 0))"
                " FROM ds_interventions WHERE NOT retracted GROUP BY ALL ORDER BY min(rowid)",
            )
        ]
    )


def retention(staging: Staging, k: int, as_at: date | None) -> list[Record]:
    followed = "0" if as_at is None else f"DATE '{as_at.isoformat()}' - enrolled_on"
    months = ", ".join(str(m) for m in MONTHS)
    found = _all(
        staging,
        f"""
        WITH people AS (
            SELECT enrolled_on, {followed} AS followed,
                CASE WHEN closed_on IS NULL THEN 'inf'::DOUBLE ELSE days_enrolled END AS stayed
            FROM ds_young_people WHERE enrolled_on IS NOT NULL
        ),
        cohorts AS (
            SELECT '{ALL}' AS cohort, * FROM people
            UNION ALL
            SELECT year(enrolled_on) || '-Q' || quarter(enrolled_on), * FROM people
        )
        SELECT cohort, months, count(*),
            count(*) FILTER (followed >= months * {DAYS_PER_MONTH!r}),
            count(*) FILTER (followed >= months * {DAYS_PER_MONTH!r}
                AND stayed >= months * {DAYS_PER_MONTH!r})
        FROM cohorts, (SELECT unnest([{months}]) AS months) GROUP BY ALL
        """,
    )
    counts = {(str(c), int(m)): (int(a), int(b), int(s)) for c, m, a, b, s in found}
    return complete_cohorts(
        [
            retained((cohort, months_after), *counts[cohort, months_after], k)
            for cohort in sorted({c for c, _ in counts}, key=lambda c: (c != ALL, c))
            for months_after in MONTHS
        ]
    )
