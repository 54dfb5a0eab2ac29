"""The `parcours` command line: a thin edge over the same factory as the API."""

from api.cli.app import app, main

__all__ = ["app", "main"]
