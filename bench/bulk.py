"""P3 (bulk import of history) and P4 (rebuilding every projection), on one imported history."""

from bench import raw
from bench.dataset import Dataset
from bench.processes import python_child
from bench.report import AT_LEAST, Ceiling, Row, row
from bench.stats import median, spread

FULL_EVENTS = 1_000_000
REBUILD_BOUND_SECONDS = 60.0


def import_row(data: Dataset, runs: int) -> Row:
    ours = data.events / data.import_seconds
    rows = raw.stored_events(data.settings.database_schema, data.events)
    baselines = [raw.copy_rate(rows) for _ in range(runs)]
    ratios = [ours / b for b in baselines]
    decided = python_child("import-in-memory", data.settings, str(data.requested))
    imported = row(
        "P3",
        "bulk import of history (JSON lines, validated like any command)",
        ours,
        median(baselines),
        "events/s",
        median(ratios),
        (AT_LEAST, 0.4),
        spread=spread(ratios),
    )
    in_memory = decided["events"] / decided["seconds"]
    imported.ceiling = Ceiling(
        in_memory / median(baselines),
        f"the same history imported into an in-memory ledger: {in_memory:,.0f} events/s",
    )
    return imported


MEMORY_GROWTH_BOUND = 1.5
"""Constant memory: peak RSS on the large history at most this times the small one's."""


def memory_bound(small: tuple[int, float], large: tuple[int, float]) -> tuple[str, bool]:
    (few, few_peak), (many, many_peak) = small, large
    label = (
        f"peak RSS {many_peak:.0f} MB at {many:,} events <= {MEMORY_GROWTH_BOUND:g}x"
        f" {few_peak:.0f} MB at {few:,}"
    )
    return label, many_peak <= MEMORY_GROWTH_BOUND * few_peak


def rebuild_row(data: Dataset, runs: int, small: tuple[int, float]) -> Row:
    results = [python_child("rebuild", data.settings) for _ in range(runs)]
    rates = [r["events"] / r["seconds"] for r in results]
    baselines = [raw.keyset_rate(data.settings.database_schema)[0] for _ in range(runs)]
    ratios = [o / b for o, b in zip(rates, baselines, strict=True)]
    seconds_for_full = FULL_EVENTS / median(rates)
    bound = (
        f"<= {REBUILD_BOUND_SECONDS:g} s for 1M events ({seconds_for_full:.0f} s at this rate)",
        seconds_for_full <= REBUILD_BOUND_SECONDS,
    )
    peak = max(r["peak_rss_mb"] for r in results)
    rebuilt = row(
        "P4",
        f"rebuild every projection from {data.events:,} events",
        median(rates),
        median(baselines),
        "events/s",
        median(ratios),
        (AT_LEAST, 0.2),
        extra=[bound, memory_bound(small, (data.events, peak))],
        spread=spread(ratios),
        peak_rss_mb=peak,
    )
    decoded = [python_child("decode", data.settings) for _ in range(runs)]
    decoding = [d["events"] / d["seconds"] for d in decoded]
    rebuilt.ceiling = Ceiling(
        max(d / b for d, b in zip(decoding, baselines, strict=True)),  # a bound: the best run
        f"the log read and decoded as a rebuild does, nothing applied:"
        f" {max(decoding):,.0f} events/s (the fastest run)",
    )
    busy = [r["cpu_seconds"] / r["seconds"] for r in results]
    rebuilt.notes.append(
        f"the rebuilding process ran {median(busy):.0%} of the time (CPU over wall clock);"
        " the rest it waited for PostgreSQL or for a core"
    )
    return rebuilt
