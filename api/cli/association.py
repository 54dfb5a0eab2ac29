"""`parcours association …`: register the network's associations from the terminal."""

import json
import re
from typing import Annotated

import typer
from rich.markup import escape

from api.cli.app import app, opened, operator, out
from domain.errors import InvalidInput
from domain.network.association import Association, Competence, competence
from domain.vocabulary import Domain

association_app = typer.Typer(help="Associations of the network.")
app.add_typer(association_app, name="association")


def parse_competence(text: str) -> Competence:
    """`DOMAIN` or `DOMAIN:CAPACITY`, e.g. `HOUSING:12` (12 young people a month)."""
    name, _, capacity = text.partition(":")
    try:
        domain = Domain[name.strip().upper()]
    except KeyError:
        known = ", ".join(d.value for d in Domain)
        raise InvalidInput(f"unknown domain {name!r}; one of {known}", field="competence") from None
    if capacity and not re.fullmatch(r"[0-9]+", capacity.strip()):  # "²".isdigit() holds
        raise InvalidInput("capacity must be a whole number, as in HOUSING:12", field="competence")
    return competence(domain, int(capacity) if capacity else None, None)


@association_app.command("register")
def register(
    name: Annotated[str, typer.Option(help="The association's name.")],
    territory: Annotated[str, typer.Option(help="Where it works (e.g. a département code).")],
    competences: Annotated[
        list[str] | None,
        typer.Option("--competence", help="DOMAIN:MONTHLY_CAPACITY, repeatable."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="End with a JSON line.")] = False,
) -> None:
    """Register an association with its territory and competences."""
    with opened() as parcours:
        declared = tuple(parse_competence(text) for text in competences or [])
        association_id = parcours.ledger.register_association(
            operator(), name=name, territory=territory, competences=declared
        )
        # What was recorded (trimmed by the domain's rules), not what was typed.
        registered = parcours.ledger.load(Association, association_id, "association_id")
    name, territory = registered.name, registered.territory
    if as_json:
        typer.echo(json.dumps({"id": str(association_id), "name": name, "territory": territory}))
    else:
        out.print(f"registered {escape(name)} ({escape(territory)}): {association_id}")
