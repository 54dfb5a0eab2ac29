"""The root `parcours` command and its shared plumbing (settings, errors, the operator actor)."""

import getpass
import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version as installed_version

import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError
from rich.console import Console
from rich.markup import escape

from api.bootstrap import Parcours, build
from api.settings import Settings
from domain.actor import Actor
from domain.errors import DomainError
from domain.ledger import Clock, utc_now
from domain.vocabulary import Role
from projections.outage import outage_message

app = typer.Typer(name="parcours", help="The shared ledger of a network of associations.")
err = Console(stderr=True, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def operator() -> Actor:
    """The person at the terminal: an operator with network-admin rights on this instance."""
    return Actor(user_id=f"cli:{getpass.getuser()}", role=Role.NETWORK_ADMIN)


def settings_from_environment() -> Settings:
    """The settings, or exit 2 with each bad one named as the operator set it."""
    try:
        return Settings()
    except ValidationError as error:
        for problem in error.errors():
            where = variable(problem["loc"])
            err.print(f"[red]error[/red]: {escape(where)}: {escape(problem['msg'])}")
        raise typer.Exit(2) from None
    except SettingsError as error:  # a list or a mapping that is not JSON, before validation
        named = re.search(r'field "([^"]+)"', str(error))
        where = variable((named.group(1),) if named else ())
        err.print(f"[red]error[/red]: {escape(where)}: must be JSON (a list or an object)")
        raise typer.Exit(2) from None


def variable(location: tuple[int | str, ...]) -> str:
    """The environment variable a setting's error is about (`PARCOURS_KEY_CACHE_SECONDS`, an
    item as `PARCOURS_CORS_ORIGINS[1]`): the operator set that, not the model's field name.
    An error about several settings together has no location, and is about the settings."""
    if not location:
        return "settings"
    field, *within = location
    prefix = Settings.model_config.get("env_prefix") or ""
    return prefix + str(field).upper() + "".join(f"[{part}]" for part in within)


@contextmanager
def opened(clock: Clock = utc_now) -> Iterator[Parcours]:
    """The instance, built from the environment (with `clock`: the simulator's); bad settings,
    refusals and a store outage exit with a clear line."""
    settings = settings_from_environment()
    try:
        parcours = build(settings, clock=clock)
    except Exception as error:
        _unavailable(error)
        raise
    try:
        yield parcours
    except DomainError as error:
        where = f"{error.field}: " if error.field else ""
        err.print(f"[red]error[/red] {error.code}: {escape(where)}{escape(error.message)}")
        raise typer.Exit(2) from None
    except Exception as error:
        _unavailable(error)
        raise
    finally:
        parcours.close()


def _unavailable(error: Exception) -> None:
    """A busy or unreachable store is said plainly (exit 3: try again), not as a traceback."""
    message = outage_message(error)
    if message is not None:
        err.print(f"[red]error[/red] UNAVAILABLE: {escape(message)}")
        raise typer.Exit(3) from None


@app.command()
def version() -> None:
    """Print the installed version of Parcours."""
    out.print(installed_version("parcours"))
