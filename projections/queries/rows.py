"""Helpers shared by the directory's queries: batches of ids, keyset pages in position order,
and the conversion of stored values (text times and days, nullable integers) to plain data."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import TypeVar

from projections.queries import paging
from projections.queries.paging import Page

T = TypeVar("T")


def marks(ids: Sequence[object]) -> str:
    """One `?` per id, for `IN (…)`: a whole batch in one query."""
    return ", ".join("?" * len(ids))


def where(conditions: Sequence[str]) -> str:
    return f" WHERE {' AND '.join(conditions)}" if conditions else ""


def after_position(
    conditions: list[str],
    params: list[object],
    kind: str,
    after: str | None,
    comparison: str = "position > ?",
) -> None:
    """Adds the keyset condition of a cursor issued by `page` (rows past its position)."""
    if after is not None:
        (position,) = paging.decode(kind, after, paging.is_position)
        conditions.append(comparison)
        params.append(position)


def page(
    kind: str, found: Sequence[T], positions: Sequence[int], has_next: bool, after: str | None
) -> Page[T]:
    """A page whose cursors encode each row's log position."""
    return Page(
        items=[(paging.encode(kind, [p]), item) for p, item in zip(positions, found, strict=True)],
        has_next=has_next,
        has_previous=after is not None,
    )


def literal(value: str) -> str:
    """`value` matched literally by `LIKE … ESCAPE '!'` (a domain has `_`, a LIKE wildcard)."""
    return value.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def text(value: object) -> str | None:
    return None if value is None else str(value)


def integer(value: object) -> int:
    """PostgreSQL and SQLite both give ints, but a driver may give another number type."""
    return int(str(value))


def integer_or_none(value: object) -> int | None:
    return None if value is None else integer(value)


def moment_of(value: object) -> datetime:
    return datetime.fromisoformat(str(value))


def moment_or_none(value: object) -> datetime | None:
    return None if value is None else moment_of(value)


def day_of(value: object) -> date:
    return date.fromisoformat(str(value))


def day_or_none(value: object) -> date | None:
    return None if value is None else day_of(value)
