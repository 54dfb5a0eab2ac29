"""Keyset pages: opaque cursors that encode the sort key of the last row seen.

A page costs the same at any depth (no OFFSET), and a cursor stays valid while rows are added.
A cursor is decoded against the kinds of the values its list writes (`is_position`, `is_moment`,
`is_identifier`) and refused unless it holds exactly those: its values go to SQL as parameters,
and a forged one (a position past 64 bits, a list, a NUL in a string) failed in the driver,
answered as an unexpected error instead of a refused cursor.
"""

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

import orjson

from projections.store import moment

T = TypeVar("T")
MAX_PAGE = 500
DEFAULT_PAGE = 50
MAX_CURSOR = 1000
"""The longest cursor decoded: the longest the server writes (a timeline's) is under 300
characters, and a forged one of nested lists made the JSON decoder recurse out of its stack."""

Check = Callable[[object], bool]
"""Whether a cursor's value is one its list could have written."""

_LARGEST_POSITION = 2**63
_IDENTIFIER = re.compile(r"[0-9A-Za-z/_:.-]{1,100}")


def is_position(value: object) -> bool:
    """A log position: an integer the drivers bind as a signed 64-bit one."""
    return type(value) is int and 0 <= value < _LARGEST_POSITION


def is_moment(value: object) -> bool:
    """A time exactly as the read models write one (`moment`)."""
    if not isinstance(value, str):
        return False
    try:
        return moment(datetime.fromisoformat(value)) == value
    except (ValueError, OverflowError):  # year 1 at +01:00 has no UTC time
        return False


def is_identifier(value: object) -> bool:
    """An id the server made (a UUID, an entry id): letters, digits and `/_:.-`, bounded."""
    return isinstance(value, str) and _IDENTIFIER.fullmatch(value) is not None


class InvalidCursorError(ValueError):
    """A cursor that this server did not issue."""

    code = "INVALID_CURSOR"
    field = "after"


class InvalidPageSizeError(ValueError):
    """`first` outside what a page may hold."""

    code = "INVALID_PAGE_SIZE"
    field = "first"


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


def decode(kind: str, cursor: str, *kinds: Check) -> list[object]:
    """The values of a cursor of list `kind`, each checked against the kind it must have."""
    if len(cursor) > MAX_CURSOR:
        raise InvalidCursorError("the cursor is not one this server issued")
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeError, RecursionError):
        raise InvalidCursorError("the cursor is not one this server issued") from None
    if not isinstance(values, list) or len(values) != len(kinds) + 1 or values[0] != kind:
        raise InvalidCursorError("the cursor belongs to another list")
    if not all(check(value) for check, value in zip(kinds, values[1:], strict=True)):
        raise InvalidCursorError("the cursor is not one this server issued")
    return values[1:]


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 0 <= first <= MAX_PAGE:
        msg = f"first must be between 0 and {MAX_PAGE}"
        raise InvalidPageSizeError(msg)
    return first
