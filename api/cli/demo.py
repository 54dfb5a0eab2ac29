"""`parcours demo tokens`: ready-to-paste tokens for the seeded demo network's people."""

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import typer
from rich.markup import escape

from api.auth.tokens import instance_tokens_from_settings
from api.bootstrap import Parcours
from api.cli.app import app, err, opened, out
from api.graphql.ids import to_global
from domain.vocabulary import Role
from projections.queries.cases import case_overview

demo_app = typer.Typer(help="The demo network.")
app.add_typer(demo_app, name="demo")

Person = dict[str, Any]


@demo_app.command("tokens")
def tokens(
    seed_file: Annotated[Path, typer.Option(help="The JSON line `parcours simulate` printed.")],
) -> None:
    """Print a token for each kind of user of the demo, and a young person to look at."""
    try:
        seed: dict[str, Any] = json.loads(seed_file.read_text().strip().splitlines()[-1])
        cast: dict[str, Any] = seed["cast"]
        showcase = [UUID(s) for s in seed["showcase"]]
    except (OSError, ValueError, KeyError, IndexError) as error:
        err.print(f"[red]error[/red]: --seed-file: not a simulation summary ({escape(str(error))})")
        raise typer.Exit(2) from None
    with opened() as parcours:
        case = case_overview(parcours.read_store, showcase[0]) if showcase else None
        lead = None if case is None else case.lead_association_id
        associations: list[Person] = cast["associations"]
        first = next((a for a in associations if a["id"] == lead), associations[0])
        second = next(a for a in associations if a["id"] != first["id"])
        people: list[tuple[str, Person, str | None]] = [
            ("worker", first["workers"][0], first["name"]),
            ("worker of another association", second["workers"][0], second["name"]),
            ("coordinator", first["coordinator"], first["name"]),
            ("network admin", cast["admin"], None),
            ("auditor", {"user_id": "auditeur", "role": "AUDITOR", "association_id": None}, None),
            (
                "evaluator",
                {"user_id": "evaluatrice", "role": "EVALUATOR", "association_id": None},
                None,
            ),
        ]
        _print_tokens(parcours, people)
    if showcase:
        young_person = to_global("YoungPerson", showcase[0])
        out.print(f"\na young person {escape(first['name'])} leads: {escape(str(young_person))}")


def _print_tokens(parcours: Parcours, people: list[tuple[str, Person, str | None]]) -> None:
    issuer = instance_tokens_from_settings(parcours.settings)
    assert issuer is not None, "outside production the instance always signs its tokens"
    for label, person, where in people:
        association = person["association_id"]
        token = issuer.issue(
            person["user_id"],
            Role(person["role"]),
            None if association is None else UUID(association),
            ttl=timedelta(hours=12),
        )
        suffix = f" ({where})" if where else ""
        who = escape(f"{person['user_id']}{suffix}")
        out.print(f"\n[bold]{escape(label)}[/bold] {who}:\n{token}")
