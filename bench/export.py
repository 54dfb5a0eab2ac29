"""P8: the evaluation export against DuckDB writing the very same rows to Parquet itself."""

import tempfile
import time
from pathlib import Path

import duckdb

from bench.bulk import memory_bound
from bench.ceilings import source_read_seconds
from bench.dataset import Dataset
from bench.processes import parcours, python_child
from bench.report import AT_LEAST, Ceiling, Row, row
from bench.stats import median, spread

FULL_EVENTS = 1_000_000
BOUND_SECONDS = 15.0
STUDY = "bench-evaluation"


def _duckdb_copy_seconds(export: Path) -> float:
    """DuckDB's own COPY … TO parquet of every table our export wrote, loaded beforehand."""
    db = duckdb.connect()
    tables = sorted(export.glob("data/*.csv")) or sorted(export.glob("**/*.csv"))
    for n, csv in enumerate(tables):
        db.execute(f"CREATE TABLE t{n} AS SELECT * FROM read_csv_auto(?)", [str(csv)])  # noqa: S608
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        for n in range(len(tables)):
            db.execute(f"COPY t{n} TO '{out}/t{n}.parquet' (FORMAT PARQUET)")
        return time.perf_counter() - started


def export_row(data: Dataset, runs: int, work: Path, small: Dataset) -> Row:
    parcours(["export", "study", "create", STUDY], data.settings)
    parcours(["export", "study", "create", STUDY], small.settings)
    small_peak = python_child("export", small.settings, STUDY, str(work / "export-small"))[
        "peak_rss_mb"
    ]
    rates: list[float] = []
    exported_rows = 0.0
    baselines: list[float] = []
    peaks: list[float] = []
    seconds: list[float] = []
    for n in range(runs):
        out = work / f"export-{n}"
        result = python_child("export", data.settings, STUDY, str(out))
        exported_rows = result["rows"]
        rates.append(exported_rows / result["seconds"])
        seconds.append(result["seconds"])
        peaks.append(result["peak_rss_mb"])
        baselines.append(result["rows"] / _duckdb_copy_seconds(out))
    ratios = [o / b for o, b in zip(rates, baselines, strict=True)]
    read = [source_read_seconds(data.settings) for _ in range(runs)]
    source_rows, reading = read[0][0], min(taken for _, taken in read)  # a bound: the fastest
    for_full = median(seconds) * FULL_EVENTS / data.events
    bound = (
        f"<= {BOUND_SECONDS:g} s for 1M events ({for_full:.1f} s scaled from this run)",
        for_full <= BOUND_SECONDS,
    )
    exported = row(
        "P8",
        f"evaluation export of {data.events:,} events to Parquet (+CSV, report)",
        median(rates),
        median(baselines),
        "rows/s",
        median(ratios),
        (AT_LEAST, 0.3),
        extra=[bound, memory_bound((small.events, small_peak), (data.events, max(peaks)))],
        spread=spread(ratios),
        peak_rss_mb=max(peaks),
    )
    # Any export reads its rows out of the store and writes them to Parquet at least once:
    # PostgreSQL's own binary COPY out, then DuckDB's own COPY to Parquet (the baseline).
    least = reading + exported_rows / median(baselines)
    exported.ceiling = Ceiling(
        exported_rows / least / median(baselines),
        f"PostgreSQL handing out the {source_rows:,} rows the export reads (binary COPY,"
        f" discarded: {reading:.2f} s), then DuckDB writing the exported rows to Parquet"
        f" ({exported_rows / median(baselines):.2f} s)",
    )
    return exported
