"""The `parcours` command line: a thin edge over the same factory as the API."""

from api.cli import association, projections, token
from api.cli.app import app

COMMANDS = (association, projections, token)
"""Modules whose import registers their sub-commands on `app`."""


def main() -> None:
    app(prog_name="parcours")


__all__ = ["app", "main"]
