"""`parcours simulate`: seed a realistic network in simulated business time, then project it.

The instance is built here rather than with `opened()` because the ledger must read the
simulator's clock, not the wall clock: expiries and "not in the future" checks follow the
simulated months. Settings errors and refusals end the command the same way `opened()` does.
"""

import json
import time
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli.app import app, err, opened, out
from api.simulation import SimulatedClock, SimulationSummary, simulate
from projections.runner import ProjectionRunner


@app.command("simulate")
def simulate_command(
    young_people: Annotated[
        int, typer.Option("--young-people", min=1, help="Young people enrolled over the period.")
    ] = 300,
    months: Annotated[int, typer.Option(min=1, max=120, help="Months of network life.")] = 18,
    seed: Annotated[int, typer.Option(help="Same seed, same history (ids aside).")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="End with a JSON line.")] = False,
) -> None:
    """Seed a realistic demo network through the ledger's commands, then run the projections."""
    clock = SimulatedClock()
    began = time.perf_counter()
    with opened(clock) as parcours:
        if held := parcours.ledger.recorder.max_notification_id():
            err.print(f"note: the instance already holds {held} events; a new network joins them")
        with _progress() as progress:
            task = progress.add_task("simulating", total=None, unit="days")
            summary = simulate(
                parcours.ledger,
                clock,
                young_people=young_people,
                months=months,
                seed=seed,
                expiry_days=parcours.settings.referral_expiry_days,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
        projected = _project(parcours.projections)
    seconds = round(time.perf_counter() - began, 1)
    if as_json:
        typer.echo(json.dumps({**summary.as_dict(), "projected": projected, "seconds": seconds}))
    else:
        out.print(_report(summary, projected, seconds))


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )


def _project(runner: ProjectionRunner) -> int | None:
    """Catches the read models up once, batch by batch; None when a running worker leads."""
    if not runner.leadership.try_acquire():
        err.print("a projection worker is running: it will catch up with the new events")
        return None
    try:
        runner.prepare()
        behind = max(runner.source.head() - runner.served_position(), 0)
        read = 0
        with _progress() as progress:
            task = progress.add_task("projecting", total=behind, unit="events")
            while batch := runner.catch_up(max_batches=1):
                read += batch
                progress.update(task, completed=min(read, behind))
        return read
    finally:
        runner.leadership.release()


def _report(summary: SimulationSummary, projected: int | None, seconds: float) -> Table:
    cast = summary.cast
    table = Table(
        title=(
            f"{summary.young_people} young people, {summary.months} months "
            f"({summary.started_at:%Y-%m-%d} → {summary.ended_at:%Y-%m-%d}), seed {summary.seed}: "
            f"{summary.total_events} events in {seconds} s"
        )
    )
    table.add_column("what")
    table.add_column("count", justify="right")
    for kind, count in summary.events.items():
        table.add_row(kind, str(count))
    for outcome, count in summary.outcomes.items():
        if outcome.startswith(("referral declined", "referral withdrawn", "handover", "case")):
            table.add_row(f"[dim]{outcome}[/dim]", str(count))
    for refusal, count in summary.refused.items():
        table.add_row(f"[yellow]refused {refusal}[/yellow]", str(count))
    table.add_row(
        "associations / territories / programmes",
        f"{len(cast.associations)} / {len(cast.territories)} / {len(cast.programmes)}",
    )
    table.add_row("projected events", "worker running" if projected is None else str(projected))
    return table
