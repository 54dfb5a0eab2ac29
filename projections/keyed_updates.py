"""UPDATEs of rows named by a key, sent many at a time as one `UPDATE … FROM (VALUES …)`.

A rebuild answers every referral and ends every involvement by an UPDATE naming its row by
key (`WHERE referral_id = ?`): 9,990 and 5,550 of them for 123k events, each a statement of
its own in the pipeline, each splitting the run of inserts held before it (8,325 more single
statements). The writer holds such updates (`Writer`) and sends those of one wave — distinct
keys, so no row is updated twice by one statement — together: the SET and WHERE clauses are
the handler's own, their parameters read from the VALUES rows, cast to the types of the
columns they are compared with or assigned to (an all-NULL column of VALUES would otherwise be
text). A 123k-event rebuild: 11.3 → 10.2 s, 26.6k single statements → 1.5k.

Only what can be read without guessing is batched: one table, `column = ?` conditions joined
by AND (the first one is the key) beside conditions without parameters or text constants,
assignments to columns other than the key whose parameter is the value itself or its
`COALESCE` with the column, no subquery, no comment, and columns of the types in `CARRIED`.
Parameters must be of the Python type their column takes (`carries`), so that a cast never
accepts what the statement sent alone would refuse. Anything else is sent as it is.
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from projections.store import numbered_rows

_UPDATE = re.compile(r"\s*UPDATE \{(\w+)\} SET (.+?) WHERE (.+?)\s*", re.IGNORECASE | re.DOTALL)
_ASSIGNMENT = re.compile(r"\s*(\w+)\s*=\s*(.+?)\s*", re.DOTALL)
_KEYED_CONDITION = re.compile(r"\s*(\w+)\s*=\s*\?\s*")
_OTHER_ROWS = re.compile(r"\b(SELECT|FROM|RETURNING)\b", re.IGNORECASE)
"""A subquery, another table or a result: what a batched statement could not keep."""
_AND = re.compile(r"\s+AND\s+", re.IGNORECASE)
_CONSTRAINT_WORDS = {"PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "CONSTRAINT", "EXCLUDE"}
_COMMENT = re.compile(r"--|/\*")
_QUOTED = re.compile(r"'(?:[^']|'')*'")
_OWN_VALUE = re.compile(
    r"\?|COALESCE\(\s*(\w+)\s*,\s*\?\s*\)|COALESCE\(\s*\?\s*,\s*(\w+)\s*\)", re.IGNORECASE
)
"""An assigned expression whose parameter is the column's own new value: `?`, or its COALESCE
with the column itself (in either order)."""

CARRIED: dict[str, type] = {"TEXT": str, "BIGINT": int, "INTEGER": int, "SMALLINT": int}
"""The column types a batched update casts its parameters to, and the Python type each takes:
a text `'5'` and `'05'` are two keys in Python and in a TEXT column alike."""


@dataclass(frozen=True)
class KeyedUpdate:
    """An UPDATE's clauses, with the column each of its parameters belongs to."""

    table: str
    key: str
    key_at: int
    """The index of the key's parameter."""
    assignments: tuple[tuple[str, str], ...]
    conditions: tuple[str, ...]
    columns: tuple[str, ...]
    """The column of each parameter, in the statement's order."""

    def carries(self, types: Mapping[str, str], params: Sequence[object]) -> bool:
        """Whether these parameters can go in a batch: every column is of a carried type and
        every value is of that type's Python type, or None (the key is never None)."""
        for column, value in zip(self.columns, params, strict=True):
            declared = types.get(column)
            if declared is None or (value is not None and type(value) is not CARRIED[declared]):
                return False
        return params[self.key_at] is not None

    def statement_for(self, physical: str, types: Mapping[str, str], rows: int) -> str:
        """The batched statement for `rows` rows of parameters, as `$n` placeholders."""
        casts = iter(f"CAST(v.p{n} AS {types[column]})" for n, column in enumerate(self.columns, 1))
        assigned = ", ".join(
            f"{column} = {_fill(expression, casts)}" for column, expression in self.assignments
        )
        where = " AND ".join(_fill(condition, casts) for condition in self.conditions)
        width = len(self.columns)
        names = ", ".join(f"p{n}" for n in range(1, width + 1))
        source = f"(VALUES {numbered_rows(rows, width)}) AS v({names})"
        return f"UPDATE {physical} SET {assigned} FROM {source} WHERE {where}"


def _fill(text: str, casts: Iterator[str]) -> str:
    return re.sub(r"\?", lambda _: next(casts), text)


@cache
def keyed_update(statement: str) -> KeyedUpdate | None:
    """The update's parts, or None when it is not one this module can batch."""
    match = _UPDATE.fullmatch(statement)
    if (
        match is None
        or _OTHER_ROWS.search(statement)
        or _COMMENT.search(statement)
        or statement.count("{") != 1
        or any("?" in quoted for quoted in _QUOTED.findall(statement))
    ):
        return None
    table, set_clause, where_clause = match.groups()
    if any(c in where_clause for c in "()'") or re.search(r"\bOR\b", where_clause, re.I):
        return None
    assignments: list[tuple[str, str]] = []
    columns: list[str] = []
    for item in _top_level(set_clause):
        assigned = _ASSIGNMENT.fullmatch(item)
        if assigned is None:
            return None
        column, expression = assigned.groups()
        if "?" in expression and not _own_value(column, expression):
            return None
        assignments.append((column, expression))
        columns.extend([column] * expression.count("?"))
    conditions = tuple(_AND.split(where_clause.strip()))
    key: str | None = None
    key_at = 0
    for condition in conditions:
        keyed = _KEYED_CONDITION.fullmatch(condition)
        if keyed is None:
            if "?" in condition:
                return None
            continue
        if key is None:
            key, key_at = keyed.group(1), len(columns)
        columns.append(keyed.group(1))
    if key is None or any(column == key for column, _ in assignments):
        return None
    return KeyedUpdate(table, key, key_at, tuple(assignments), conditions, tuple(columns))


def _own_value(column: str, expression: str) -> bool:
    own = _OWN_VALUE.fullmatch(expression)
    return own is not None and (own.group(1) or own.group(2) or column) == column


def _top_level(clause: str) -> list[str]:
    """The clause cut at the commas outside parentheses and text constants."""
    items: list[str] = []
    depth, quoted, start = 0, False, 0
    for at, char in enumerate(clause):
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        elif not quoted and depth == 0 and char == ",":
            items.append(clause[start:at])
            start = at + 1
    items.append(clause[start:])
    return items


def column_types(columns: str) -> dict[str, str]:
    """The declared type of each column of a carried type (`CARRIED`), from a `Table`'s column
    definitions; a column of any other type is left out, and no update of it is batched."""
    types: dict[str, str] = {}
    for item in _top_level(columns):
        words = item.split()
        if len(words) < 2 or words[0].upper() in _CONSTRAINT_WORDS:
            continue
        declared = words[1].upper()
        if declared in CARRIED:
            types[words[0]] = declared
    return types
