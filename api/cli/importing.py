"""`parcours import FILE.jsonl`: history migrated from a legacy system, one command per line."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from api.cli.app import app, err, opened, out
from api.importing.history import DEFAULT_CHUNK, ImportFailed, import_history


@app.command(name="import")
def import_file(
    file: Annotated[Path, typer.Argument(help="JSON lines, one command each (see README).")],
    chunk: Annotated[int, typer.Option(min=1, max=10_000, help="Commands per transaction.")] = (
        DEFAULT_CHUNK
    ),
) -> None:
    """Record every command of FILE, validated like any command; stops at the first invalid
    line (the lines before it are recorded; importing again skips what is already recorded)."""
    if not file.is_file():
        err.print(f"[red]error[/red]: file: {escape(str(file))} is not a readable file")
        raise typer.Exit(2)
    total = _count_lines(file)
    with opened() as parcours, file.open("rb") as lines, _bar() as bar:
        task = bar.add_task("importing", total=total)
        try:
            report = import_history(
                parcours.ledger, lines, chunk, lambda done: bar.advance(task, done)
            )
        except ImportFailed as failure:
            err.print(f"[red]error[/red] {failure.error.code}: {escape(str(failure))}")
            raise typer.Exit(2) from None
    out.print(
        f"imported {report.lines} lines in {report.chunks} transactions"
        f" ({report.chunks_run_one_by_one} run line by line after a collision)"
    )


def _count_lines(file: Path) -> int:
    with file.open("rb") as lines:
        return sum(1 for line in lines if line.strip())


def _bar() -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )
