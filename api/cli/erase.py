"""`parcours erase`: carry out an erasure request (GDPR art. 17) from the terminal."""

from typing import Annotated
from uuid import UUID

import typer

from api.cli.app import app, err, opened, operator, out


@app.command()
def erase(
    young_person_id: Annotated[str, typer.Argument(help="The young person's id (a UUID).")],
    reason: Annotated[str, typer.Option(help="The request being carried out (no personal data).")],
) -> None:
    """Record the erasure and destroy the young person's key: their data becomes unreadable."""
    try:
        target = UUID(young_person_id)
    except ValueError:
        err.print("[red]error[/red]: young_person_id: not a UUID")
        raise typer.Exit(2) from None
    with opened() as parcours:
        parcours.ledger.erase_young_person(operator(), target, reason=reason)
    out.print(f"erased {target}: the key is destroyed; the history stays verifiable")
