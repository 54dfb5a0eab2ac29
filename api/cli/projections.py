"""`parcours projections …`: run the worker, see where each projection stands, rebuild one."""

import json
import threading
import time
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from api.cli.app import app, err, opened, out
from api.cli.until_signalled import run_until_signalled
from projections.positions import FAILED, Generation
from projections.runner import ProjectionRunner

projections_app = typer.Typer(help="The read models: worker, status, rebuild.")
app.add_typer(projections_app, name="projections")


@projections_app.command("run")
def run(
    once: Annotated[bool, typer.Option(help="Catch up once, run the policies, and exit.")] = False,
) -> None:
    """Run the projection worker (one leader at a time; others wait their turn)."""
    with opened() as parcours:
        runner = parcours.projections
        if once:
            run_until_signalled(lambda stop: _run_once(runner, stop))
        else:
            err.print("projection worker started; waiting for leadership")
            run_until_signalled(runner.run)
        _fail_if_failed(runner.generations())


def _run_once(runner: ProjectionRunner, stop: threading.Event) -> None:
    while not runner.leadership.try_acquire():
        if stop.wait(1.0):
            return
    try:
        runner.prepare()
        read = runner.catch_up()
        runner.run_policies()
        err.print(f"caught up: {read} events read")
    finally:
        runner.leadership.release()


@projections_app.command("status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Each projection generation: position, lag behind the log, status and last error."""
    with opened() as parcours:
        head = parcours.projections.source.head()
        generations = parcours.projections.generations()
        held = parcours.projections.facts_held_at(generations)
    if as_json:
        typer.echo(json.dumps([_as_dict(g, head) for g in generations]))
    else:
        out.print(_table(generations, head))
    if held is not None:
        err.print(
            f"[yellow]the other projections wait at position {held} until the access facts"
            " (cases) are live again[/yellow]"
        )
    _fail_if_failed(generations)


@projections_app.command("rebuild")
def rebuild(
    names: Annotated[list[str] | None, typer.Argument(help="Projections (default: all).")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the swap.")] = 3600.0,
) -> None:
    """Rebuild into new tables from zero; the old ones serve until the new ones caught up."""
    with opened() as parcours:
        runner = parcours.projections
        chosen = names or list(runner.projections)
        unknown = sorted(set(chosen) - set(runner.projections))
        if unknown:
            listed = escape(", ".join(unknown))
            err.print(f"[red]error[/red]: names: unknown projection(s) {listed}")
            raise typer.Exit(2)
        wanted = {name: runner.request_rebuild(name) for name in chosen}
        _until_swapped(runner, wanted, timeout)
        out.print("rebuilt and swapped in: " + ", ".join(f"{n} (g{g})" for n, g in wanted.items()))


def _until_swapped(runner: ProjectionRunner, wanted: dict[str, int], timeout: float) -> None:
    """Builds here when no worker leads; otherwise waits for the leading worker to swap."""
    deadline = time.monotonic() + timeout
    while True:
        if runner.leadership.try_acquire():
            try:
                runner.catch_up()
            finally:
                runner.leadership.release()
        served = {g.name: g.generation for g in runner.generations() if g.served}
        if all(served.get(name) == generation for name, generation in wanted.items()):
            return
        if time.monotonic() > deadline:
            err.print("[red]error[/red]: timeout: the rebuild has not been swapped in yet")
            raise typer.Exit(1)
        time.sleep(0.5)


def _as_dict(g: Generation, head: int) -> dict[str, object]:
    return {
        "name": g.name,
        "generation": g.generation,
        "version": g.version,
        "status": g.status,
        "served": g.served,
        "position": g.position,
        "lag": max(head - g.position, 0),
        "error": g.error,
        "failed_position": g.failed_position,
        "updated_at": g.updated_at,
    }


def _table(generations: list[Generation], head: int) -> Table:
    table = Table(title=f"projections (log head: {head})")
    for column in ("name", "gen", "status", "served", "position", "lag", "error"):
        table.add_column(column)
    for g in generations:
        error = "" if g.error is None else f"at {g.failed_position}: {g.error}"
        table.add_row(
            g.name,
            str(g.generation),
            g.status,
            "yes" if g.served else "",
            str(g.position),
            str(max(head - g.position, 0)),
            error,
        )
    return table


def _fail_if_failed(generations: list[Generation]) -> None:
    failed = [g for g in generations if g.status == FAILED]
    for g in failed:
        err.print(
            f"[red]projection {g.name} (generation {g.generation}) failed at position "
            f"{g.failed_position}[/red]: {escape(str(g.error))}"
        )
    if failed:
        raise typer.Exit(1)
