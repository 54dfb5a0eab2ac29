"""Keyset pages: opaque cursors that encode the sort key of the last row seen.

A page costs the same at any depth (no OFFSET), and a cursor stays valid while rows are added.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import orjson

T = TypeVar("T")
MAX_PAGE = 500
DEFAULT_PAGE = 50


class InvalidCursorError(ValueError):
    """A cursor that this server did not issue."""


class InvalidPageSizeError(ValueError):
    """`first` outside what a page may hold."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[tuple[str, T]]
    """Each item with its cursor."""
    has_next: bool
    has_previous: bool

    @property
    def end_cursor(self) -> str | None:
        return self.items[-1][0] if self.items else None

    @property
    def start_cursor(self) -> str | None:
        return self.items[0][0] if self.items else None


def encode(kind: str, key: Sequence[object]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([kind, *key])).decode("ascii")


def decode(kind: str, cursor: str, arity: int) -> list[object]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeError):
        raise InvalidCursorError("the cursor is not one this server issued") from None
    if not isinstance(values, list) or len(values) != arity + 1 or values[0] != kind:
        raise InvalidCursorError("the cursor belongs to another list")
    return values[1:]


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 0 <= first <= MAX_PAGE:
        msg = f"first must be between 0 and {MAX_PAGE}"
        raise InvalidPageSizeError(msg)
    return first
