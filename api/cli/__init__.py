"""The `parcours` command line: a thin edge over the same factory as the API."""

from api.cli import (
    association,
    audit,
    backup,
    demo,
    erase,
    export,
    importing,
    keys,
    projections,
    serve,
    simulate,
    token,
)
from api.cli.app import app

COMMANDS = (
    association,
    audit,
    backup,
    demo,
    erase,
    export,
    importing,
    keys,
    projections,
    serve,
    simulate,
    token,
)
"""Modules whose import registers their sub-commands on `app`."""


def main() -> None:
    app(prog_name="parcours")


__all__ = ["app", "main"]
