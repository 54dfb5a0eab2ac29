"""Referral aggregates: the funnel (how far referrals get) and how long answers take.

The closed-loop rate — the share of referrals whose service was delivered — is the network's
key indicator; the funnel shows where the others stop. Each cell counts referrals and the
distinct young people behind them; the latter decides suppression.
"""

from collections.abc import Callable, Sequence

from domain.vocabulary import DeclineReason
from projections.exports.columns import Record, Table, boolean, decimal, integer, string
from projections.exports.datasets import Data
from projections.exports.suppression import complemented, complemented_by_published, shown, small

SUPPRESSED = boolean("suppressed", "Figures blanked: between 1 and k-1 young people behind them.")
PEOPLE = integer("young_people", "Distinct young people behind the cell (blank if suppressed).")

STAGES: tuple[tuple[str, Callable[[Record], bool]], ...] = (
    ("MADE", lambda _: True),
    ("ACCEPTED", lambda r: r["accepted_on"] is not None),
    ("COMPLETED", lambda r: r["completed_on"] is not None),
    ("DECLINED", lambda r: r["declined_on"] is not None),
    ("WITHDRAWN", lambda r: r["withdrawn_on"] is not None),
    ("EXPIRED", lambda r: r["expired_on"] is not None),
    ("STILL_OPEN", lambda r: r["status"] in ("MADE", "ACCEPTED")),
    *(
        (f"DECLINED:{reason.value}", lambda r, v=reason.value: r["decline_reason"] == v)
        for reason in DeclineReason
    ),
)

FUNNEL = Table(
    name="referral_funnel",
    folder="aggregates",
    row="a stage of the referral funnel, over every referral of the export",
    columns=(
        string(
            "stage",
            "MADE; ever ACCEPTED; COMPLETED (loop closed); DECLINED (and per"
            " reason, DECLINED:<reason>); WITHDRAWN; EXPIRED; STILL_OPEN (made or accepted).",
        ),
        integer("referrals", "Referrals that reached the stage (blank if suppressed)."),
        PEOPLE,
        decimal("share_of_made", "referrals / referrals made, to 4 decimals (blank: suppressed)."),
        SUPPRESSED,
    ),
    sort=(),
)

BINS: tuple[tuple[str, float, float | None], ...] = (
    ("under 1 day", 0.0, 1.0),
    ("1-3 days", 1.0, 3.0),
    ("3-7 days", 3.0, 7.0),
    ("7-14 days", 7.0, 14.0),
    ("14-30 days", 14.0, 30.0),
    ("30-60 days", 30.0, 60.0),
    ("60 days or more", 60.0, None),
)

TIMES = Table(
    name="referral_times",
    folder="aggregates",
    row="a bin of the distribution of days to response, or to completion, of referrals",
    columns=(
        string(
            "measure",
            "days_to_response or days_to_completion (see referrals).",
            "days_to_response",
            "days_to_completion",
        ),
        string("bin", "The bin's label."),
        decimal("from_days", "Lower bound, included."),
        decimal("to_days", "Upper bound, excluded (blank: no upper bound)."),
        integer("referrals", "Referrals in the bin (blank if suppressed)."),
        PEOPLE,
        SUPPRESSED,
    ),
    sort=(),
)


def funnel(data: Data, k: int) -> list[Record]:
    referrals = data["referrals"]
    made = len(referrals)
    records: list[Record] = []
    for stage, reached in STAGES:
        chosen = [r for r in referrals if reached(r)]
        records.append(funnel_stage(stage, len(chosen), _people(chosen), made, k))
    return complete_funnel(records)


END_STATES = ("COMPLETED", "DECLINED", "WITHDRAWN", "EXPIRED", "STILL_OPEN")
"""Where every referral made ends up, one state each: they add up to MADE."""


def complete_funnel(records: Sequence[Record]) -> list[Record]:
    """Secondary suppression of the funnel: the end states add up to the referrals made, the
    decline reasons to those declined."""
    at = {str(r["stage"]): i for i, r in enumerate(records)}
    return complemented(records, _funnel_equations(at), FUNNEL_FIGURES, "referrals")


FUNNEL_FIGURES = ("referrals", "young_people", "share_of_made")


def _funnel_equations(at: dict[str, int]) -> list[tuple[int, list[int]]]:
    """The funnel's own equations, by the index of each stage."""
    return [
        (at["MADE"], [at[stage] for stage in END_STATES]),
        (at["DECLINED"], [i for stage, i in at.items() if stage.startswith("DECLINED:")]),
    ]


def complete_together(
    stages: Sequence[Record], bins: Sequence[Record], completed_known: bool
) -> tuple[list[Record], list[Record]]:
    """Secondary suppression across the funnel and the answer times, whose figures tie them:
    the days-to-completion bins add up to COMPLETED, and the days-to-response bins to ACCEPTED
    and DECLINED together (every answer is one or the other). A cell hidden in one table came
    back from the other — ACCEPTED, hidden, was the response bins minus DECLINED. When the
    headline's closed-loop rate is published (`completed_known`), COMPLETED is known whatever
    the funnel hides, so it cannot be the funnel's second hidden cell."""
    cells = [*stages, *bins]
    at = {str(r["stage"]): i for i, r in enumerate(stages)}
    measured = {
        measure: [n for n, r in enumerate(cells) if r.get("measure") == measure]
        for measure in ("days_to_response", "days_to_completion")
    }
    groups = [
        *_funnel_equations(at),
        (at["COMPLETED"], measured["days_to_completion"]),
        (at["ACCEPTED"], [at["DECLINED"], *measured["days_to_response"]]),
    ]
    known = frozenset({at["COMPLETED"]} if completed_known else ())
    done = complemented(cells, groups, FUNNEL_FIGURES, "referrals", known)
    return done[: len(stages)], done[len(stages) :]


def funnel_stage(stage: str, referrals: int, people: int, made: int, k: int) -> Record:
    hidden = small(people, k)
    return {
        "stage": stage,
        "referrals": shown(referrals, hidden),
        "young_people": shown(people, hidden),
        "share_of_made": shown(round(referrals / made, 4) if made else None, hidden),
        "suppressed": hidden,
    }


def times(data: Data, k: int) -> list[Record]:
    records: list[Record] = []
    for measure in ("days_to_response", "days_to_completion"):
        measured = [r for r in data["referrals"] if r[measure] is not None]
        for label, low, high in BINS:
            chosen = [r for r in measured if _within(r[measure], low, high)]
            records.append(time_bin(measure, (label, low, high), len(chosen), _people(chosen), k))
    return complete_times(records)


def complete_times(records: list[Record]) -> list[Record]:
    """The bins of a measure add up to the referrals it was measured on, which the funnel
    publishes (those answered, those completed)."""
    return complemented_by_published(
        records, lambda r: str(r["measure"]), ("referrals", "young_people"), "referrals"
    )


def time_bin(
    measure: str, limits: tuple[str, float, float | None], referrals: int, people: int, k: int
) -> Record:
    label, low, high = limits
    hidden = small(people, k)
    return {
        "measure": measure,
        "bin": label,
        "from_days": low,
        "to_days": high,
        "referrals": shown(referrals, hidden),
        "young_people": shown(people, hidden),
        "suppressed": hidden,
    }


def _people(records: list[Record]) -> int:
    return len({r["young_person"] for r in records})


def _within(value: object, low: float, high: float | None) -> bool:
    days = float(str(value))
    return days >= low and (high is None or days < high)


def median(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return round((ordered[middle - 1] + ordered[middle]) / 2, 2)
