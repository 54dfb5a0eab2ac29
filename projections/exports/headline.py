"""The headline indicators: the few figures a report opens with, each with its k-check."""

from projections.exports.columns import Record, Table, decimal, integer, string
from projections.exports.datasets import Data
from projections.exports.referral_figures import SUPPRESSED, median
from projections.exports.suppression import shown, small_any

INDICATORS = Table(
    name="indicators",
    folder="aggregates",
    row="a headline indicator of the network",
    columns=(
        string("indicator", "Name of the indicator (see label)."),
        string("label", "What it measures, in words."),
        decimal("value", "Its value (blank if suppressed)."),
        integer("young_people", "Distinct young people behind it (blank if suppressed)."),
        SUPPRESSED,
    ),
    sort=(),
)


def indicators(data: Data, k: int) -> list[Record]:
    people = data["young_people"]
    referrals = data["referrals"]
    completed = [r for r in referrals if r["closed_loop"]]
    responded = [r for r in referrals if r["days_to_response"] is not None]
    delivered = [i for i in data["interventions"] if not i["retracted"]]
    accepted = [h for h in data["handovers"] if h["status"] == "ACCEPTED"]
    minutes = sum(int(str(i["duration_minutes"] or 0)) for i in delivered)
    rate = round(len(completed) / len(referrals), 4) if referrals else None
    rows: list[tuple[str, str, float | int | None, list[Record], list[list[Record]]]] = [
        ("young_people", "Young people in the export", len(people), people, []),
        (
            "young_people_open",
            "Young people whose case is open",
            sum(1 for p in people if p["status"] == "OPEN"),
            [p for p in people if p["status"] == "OPEN"],
            [],
        ),
        ("referrals_made", "Referrals made", len(referrals), referrals, []),
        (
            "closed_loop_rate",
            "Share of referrals whose service was delivered (completed / made)",
            rate,
            referrals,
            [completed, [r for r in referrals if not r["closed_loop"]]],
        ),
        (
            "median_days_to_response",
            "Median days from a referral to its first answer",
            median([float(str(r["days_to_response"])) for r in responded]),
            responded,
            [],
        ),
        (
            "median_days_to_completion",
            "Median days from a referral to its completion",
            median([float(str(r["days_to_completion"])) for r in completed]),
            completed,
            [],
        ),
        ("handovers_accepted", "Handovers of the lead accepted", len(accepted), accepted, []),
        ("interventions", "Interventions delivered (not retracted)", len(delivered), delivered, []),
        ("hours_delivered", "Hours of interventions", round(minutes / 60, 1), delivered, []),
    ]
    return [
        indicator(name, label, value, _people(behind), [_people(g) for g in also], k)
        for name, label, value, behind, also in rows
    ]


def indicator(
    name: str, label: str, value: float | None, people: int, also: list[int], k: int
) -> Record:
    """An indicator's row: hidden when the young people behind it, or behind any of the groups
    it is computed from (`also`: both sides of a rate), are fewer than k."""
    hidden = small_any((people, *also), k)
    return {
        "indicator": name,
        "label": label,
        "value": shown(None if value is None else float(value), hidden),
        "young_people": shown(people, hidden),
        "suppressed": hidden,
    }


def _people(records: list[Record]) -> int:
    return len({r["young_person"] for r in records})
