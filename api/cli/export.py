"""`parcours export …`: evaluation studies and their pseudonymised, reproducible exports.

An operator of the instance creates a study once (its secret goes to the key store), then
exports for it as often as needed; `--at-position N` reproduces an earlier export exactly.
"""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from api.bootstrap import Parcours
from api.cli.app import app, err, opened, operator, out
from domain.errors import RuleViolation
from projections.exports.errors import ExportError
from projections.exports.suppression import DEFAULT_K

export_app = typer.Typer(help="Pseudonymised evaluation exports and their studies.")
study_app = typer.Typer(help="Evaluation studies: one pseudonymisation secret each.")
export_app.add_typer(study_app, name="study")
app.add_typer(export_app, name="export")


@study_app.command("create")
def create_study(
    name: Annotated[str, typer.Argument(help="The study's name, e.g. evaluation-2026.")],
) -> None:
    """Create a study: registered in the ledger (audited, listed to evaluators) with a secret of
    its own in the key store, so its pseudonyms are stable across its exports and unrelated to
    any other study's."""
    from api.evaluation import study_secrets  # noqa: PLC0415 - pyarrow/matplotlib load lazily

    with opened() as parcours:
        secrets = study_secrets(parcours)
        try:
            secrets.checked(name)
            _register(parcours, name, secrets.exists(name))
            secrets.create(name)
        except ExportError as error:
            _refuse(error, "NAME")
    out.print(f"study {escape(name)} created: its secret is in the instance's key store")


def _register(parcours: Parcours, name: str, has_secret: bool) -> None:
    """Records the study in the ledger; a study registered earlier whose secret was never made
    (an interrupted create) only gets its secret."""
    try:
        parcours.ledger.register_study(operator(), name=name)
    except RuleViolation as refusal:
        if refusal.code != "STUDY_EXISTS" or has_secret:
            raise


@export_app.command("evaluation")
def evaluation(
    out_dir: Annotated[Path, typer.Option("--out", help="A new or empty directory.")],
    study: Annotated[str, typer.Option(help="The study the pseudonyms belong to.")],
    at_position: Annotated[
        int | None,
        typer.Option("--at-position", help="Export as at this ledger position (reproduce)."),
    ] = None,
    k: Annotated[
        int, typer.Option("--k", min=1, help="Suppress cells of fewer than k young people.")
    ] = DEFAULT_K,
) -> None:
    """Write datasets (CSV + Parquet), aggregates, report.html, the codebook and the manifest."""
    from api.evaluation import run_export  # noqa: PLC0415 - pyarrow/matplotlib load lazily

    with (
        opened() as parcours,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar,
    ):
        task = bar.add_task("export", total=None)

        def progress(what: str, done: int, total: int) -> None:
            bar.update(task, description=what, completed=done, total=total)

        try:
            manifest = run_export(
                parcours,
                study,
                out_dir,
                at_position=at_position,
                k=k,
                progress=progress,
                reader=operator(),
            )
        except ExportError as error:
            _refuse(error)
    ledger = manifest.content["ledger"]
    position = ledger["position"] if isinstance(ledger, dict) else "?"
    into = escape(str(out_dir))
    out.print(f"exported study {escape(study)} as at position {position} into {into}")
    out.print(f"manifest: {escape(str(manifest.path))} ({len(manifest.files)} files)")


def _refuse(error: ExportError, where: str | None = None) -> None:
    """One line naming the option (or argument) at fault, exit status 2."""
    where = where or f"--{error.field.replace('_', '-')}"
    err.print(f"[red]error[/red] {error.code}: {escape(str(where))}: {escape(error.message)}")
    raise typer.Exit(2)
