"""A benchmark row: ours against the machine's raw limit, the bar, and whether it is met."""

import json
import operator
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

AT_LEAST = ">="
AT_MOST = "<="
_COMPARE: dict[str, Callable[[float, float], bool]] = {AT_LEAST: operator.ge, AT_MOST: operator.le}


@dataclass(frozen=True)
class Ceiling:
    """The best ratio the bar's prescribed work leaves on this machine (`bench/ceilings.py`),
    and what was timed to find it."""

    ratio: float
    basis: str


@dataclass
class Row:
    id: str
    what: str
    ours: float
    baseline: float
    unit: str
    ratio: float
    bar: str
    meets: bool
    spread: str = ""
    """min-max of the ratio (or of ours) over the runs, so noise is visible."""
    peak_rss_mb: float | None = None
    notes: list[str] = field(default_factory=list)
    ceiling: Ceiling | None = None
    """Never changes `meets`: it tells whether the bar is within this machine's reach."""


def row(
    id: str,
    what: str,
    ours: float,
    baseline: float,
    unit: str,
    ratio: float,
    bar: tuple[str, float],
    extra: Sequence[tuple[str, bool]] = (),
    spread: str = "",
    peak_rss_mb: float | None = None,
) -> Row:
    """A row whose `meets` is the ratio against the bar and every extra (label, met) bound."""
    comparison, limit = bar
    met = _COMPARE[comparison](ratio, limit) and all(ok for _, ok in extra)
    label = f"ratio {comparison} {limit:g}" + "".join(f"; {text}" for text, _ in extra)
    return Row(
        id,
        what,
        round(ours, 3),
        round(baseline, 3),
        unit,
        round(ratio, 3),
        label,
        met,
        spread,
        None if peak_rss_mb is None else round(peak_rss_mb, 1),
    )


def print_table(rows: Sequence[Row], console: Console) -> None:
    table = Table(title="Parcours against the raw limits of this machine")
    for column in (
        "id",
        "what",
        "ours",
        "baseline",
        "unit",
        "ratio",
        "bar",
        "meets",
        "ceiling",
        "spread",
        "peak RSS MB",
    ):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r.id,
            r.what,
            f"{r.ours:g}",
            f"{r.baseline:g}",
            r.unit,
            f"{r.ratio:.3g}",
            r.bar,
            "[green]yes[/green]" if r.meets else "[red]no[/red]",
            "" if r.ceiling is None else f"{r.ceiling.ratio:.3g}",
            r.spread,
            "" if r.peak_rss_mb is None else f"{r.peak_rss_mb:g}",
        )
    console.print(table)
    for r in rows:
        if r.ceiling is not None:
            console.print(f"{r.id}: ceiling {r.ceiling.ratio:.3g}: {r.ceiling.basis}")
        for note in r.notes:
            console.print(f"{r.id}: {note}")


def write_json(rows: Sequence[Row], path: Path) -> None:
    path.write_text(json.dumps([asdict(r) for r in rows], indent=2) + "\n")


class Rows:
    """The rows measured so far, each printed and (with --json) written the moment it is measured,
    so a failure late in a two-hour run does not lose the rows before it."""

    def __init__(self, console: Console, json: Path | None) -> None:
        self.rows: list[Row] = []
        self.console = console
        self.json = json

    def keep(self, measured: Row) -> None:
        self.rows.append(measured)
        self.console.print(
            f"{measured.id}: ratio {measured.ratio:.3g} ({measured.bar}) "
            f"{'meets' if measured.meets else 'does not meet'}"
        )
        if self.json is not None:
            write_json(self.sorted(), self.json)

    def sorted(self) -> list[Row]:
        return sorted(self.rows, key=lambda r: r.id)
