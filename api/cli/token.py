"""`parcours token issue`: mint a bearer token for the API from the terminal.

For development, tests and service accounts; people in production log in through the network's
identity provider. The token is printed alone on the last line so scripts can take `tail -n1`.
"""

from datetime import UTC, datetime
from typing import Annotated, NoReturn
from uuid import UUID

import typer
from rich.markup import escape

from api.auth.durations import DEFAULT_TTL, MAX_TTL, parse_ttl
from api.auth.errors import AuthConfigurationError, InvalidTokenRequest
from api.auth.tokens import instance_tokens_from_settings
from api.auth.viewer import TOKEN_ROLES, role_named
from api.cli.app import app, err, settings_from_environment
from api.settings import Settings

token_app = typer.Typer(help="Bearer tokens for the API.")
app.add_typer(token_app, name="token")

_ROLES = ", ".join(role.value for role in TOKEN_ROLES)


@token_app.command("issue")
def issue(
    user: Annotated[str, typer.Option("--user", help="The user id, recorded as who acted.")],
    role: Annotated[str, typer.Option("--role", help=f"One of {_ROLES}.")],
    association: Annotated[
        str | None,
        typer.Option("--association", help="The association's id (WORKER and COORDINATOR)."),
    ] = None,
    ttl: Annotated[
        str,
        typer.Option("--ttl", help=f"Lifetime: 90s, 30m, 8h, 7d (at most {MAX_TTL.days}d)."),
    ] = f"{int(DEFAULT_TTL.total_seconds()) // 3600}h",
) -> None:
    """Issue a token signed with this instance's secret; the token is the last line."""
    settings = _settings()
    try:
        chosen_role = role_named(role.strip().upper())
        lifetime = parse_ttl(ttl)
        tokens = instance_tokens_from_settings(settings)
        if tokens is None:
            _fail("PARCOURS_JWT_SECRET", "is not set; without it this instance issues no tokens")
        now = datetime.now(UTC)
        token = tokens.issue(user, chosen_role, _association(association), ttl=lifetime, now=now)
    except InvalidTokenRequest as error:
        _fail(f"--{error.field}", error.message)
    except AuthConfigurationError as error:
        _fail("settings", str(error))
    until = (now + lifetime).strftime("%Y-%m-%d %H:%M UTC")
    err.print(f"token for {escape(user)} as {chosen_role.value}, valid until {until}:")
    typer.echo(token)


def _association(text: str | None) -> UUID | None:
    if text is None:
        return None
    try:
        return UUID(text.strip())
    except ValueError:
        raise InvalidTokenRequest(
            "the association id must be a UUID", field="association"
        ) from None


def _settings() -> Settings:
    """The settings alone: issuing a token opens no database."""
    return settings_from_environment()


def _fail(where: str, message: str) -> NoReturn:
    err.print(f"[red]error[/red]: {where}: {escape(message)}")
    raise typer.Exit(2)
