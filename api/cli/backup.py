"""`parcours backup` and `parcours restore`: the event store's history, portable, verifiable."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from api.backup import BackupError, backup, restore
from api.cli.app import app, err, opened, out


@app.command("backup")
def backup_command(
    out_file: Annotated[Path, typer.Option("--out", help="A new file for the backup.")],
) -> None:
    """Copy every stored event, chain link and command receipt (ciphertext; no keys) into one
    file."""
    with opened() as parcours:
        try:
            report = backup(parcours, out_file)
        except BackupError as error:
            err.print(f"[red]error[/red]: --out: {escape(str(error))}")
            raise typer.Exit(2) from None
    out.print(
        f"backed up {report.events} events, {report.links} chain links and"
        f" {report.receipts} command receipts to {escape(str(out_file))}"
    )


@app.command("restore")
def restore_command(
    backup_file: Annotated[Path, typer.Argument(help="A file made by `parcours backup`.")],
) -> None:
    """Restore into an empty instance, re-apply erasures; then run `audit verify` and
    `audit replay` (the read models rebuild from the restored history)."""
    if not backup_file.is_file():
        err.print(f"[red]error[/red]: backup_file: {escape(str(backup_file))} is not a file")
        raise typer.Exit(2)
    with opened() as parcours:
        try:
            report = restore(parcours, backup_file)
        except BackupError as error:
            err.print(f"[red]error[/red]: {escape(str(error))}")
            raise typer.Exit(2) from None
    out.print(
        f"restored {report.events} events, {report.links} chain links and"
        f" {report.receipts} command receipts; "
        f"{report.erasures_reapplied} erasure(s) re-applied to the key store"
    )
