"""`scripts/bench [--quick] [--json FILE]`: every bar of DESIGN.md, each ratio measured side by
side with its raw baseline in this one run."""

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bench import bulk, export, timeline, visibility, writes
from bench.dataset import Dataset, import_into
from bench.processes import python_child
from bench.report import Rows, print_table
from bench.store import drop, fresh_schema

console = Console(width=220)


@dataclass(frozen=True)
class Sizes:
    commands: int
    """P1: sequential commands per run (P2: the same number spread over 16 writers)."""
    runs: int
    events: int
    """P3, P4, P5 and P8 run on a history of this many events."""
    small: int
    large: int
    """P6 compares the timeline's latency in stores of these sizes."""
    seconds: float
    """Duration of each HTTP load and of P7's steady writing."""


QUICK = Sizes(commands=1000, runs=3, events=200_000, small=10_000, large=200_000, seconds=10)
FULL = Sizes(commands=3000, runs=5, events=1_000_000, small=100_000, large=10_000_000, seconds=30)


def run(sizes: Sizes, work: Path, rows: Rows) -> None:
    for measured in writes.measure(work, sizes.commands, sizes.runs):
        rows.keep(measured)
    console.print(f"P1/P2 done; importing {sizes.events:,} events")
    schemas: list[str] = []
    try:
        small = _dataset(sizes.small, work, schemas)
        small_peak = python_child("rebuild", small.settings)["peak_rss_mb"]
        main = _dataset(sizes.events, work, schemas)
        rows.keep(bulk.import_row(main, sizes.runs))
        rows.keep(bulk.rebuild_row(main, max(2, sizes.runs - 1), (small.events, small_peak)))
        rows.keep(timeline.throughput_row(main, sizes.seconds, sizes.runs))
        rows.keep(visibility.visibility_row(sizes.seconds, sizes.runs, work))
        rows.keep(export.export_row(main, max(2, sizes.runs - 1), work, small))
        console.print(f"importing {sizes.large:,} events for P6")
        large = main if sizes.large == sizes.events else _dataset(sizes.large, work, schemas)
        if large is not main:
            python_child("rebuild", large.settings)
        rows.keep(timeline.scale_row(small, large, sizes.seconds, sizes.runs))
    finally:
        for schema in schemas:
            drop(schema)


def _dataset(events: int, work: Path, schemas: list[str]) -> Dataset:
    schema = fresh_schema(f"h{events}")
    schemas.append(schema)
    return import_into(schema, events, work)


def main(
    quick: Annotated[bool, typer.Option(help="Every measurement, at sizes for ~15 min.")] = False,
    json: Annotated[Path | None, typer.Option(help="Also write the rows to this file.")] = None,
) -> None:
    """Measure P1-P8 on PostgreSQL against this machine's raw limits, in one run."""
    work = Path(tempfile.mkdtemp(prefix="parcours-bench-"))
    measured = Rows(console, json)
    try:
        run(QUICK if quick else FULL, work, measured)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = measured.sorted()
    print_table(rows, console)
    if not all(r.meets for r in rows):
        raise typer.Exit(1)


if __name__ == "__main__":
    typer.run(main)
