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
by AND (the first one is the key), assignments to columns other than the key, no subquery.
Anything else returns None here and is sent as it is.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

_UPDATE = re.compile(r"\s*UPDATE \{(\w+)\} SET (.+?) WHERE (.+?)\s*", re.IGNORECASE | re.DOTALL)
_ASSIGNMENT = re.compile(r"\s*(\w+)\s*=\s*(.+?)\s*", re.DOTALL)
_KEYED_CONDITION = re.compile(r"\s*(\w+)\s*=\s*\?\s*")
_OTHER_ROWS = re.compile(r"\b(SELECT|FROM|RETURNING)\b", re.IGNORECASE)
"""A subquery, another table or a result: what a batched statement could not keep."""
_AND = re.compile(r"\s+AND\s+", re.IGNORECASE)
_CONSTRAINT_WORDS = {"PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "CONSTRAINT", "EXCLUDE"}


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

    def fits(self, types: Mapping[str, str]) -> bool:
        """Whether every column it assigns or compares has a known type."""
        return all(column in types for column in self.columns)

    def statement_for(self, physical: str, types: Mapping[str, str], rows: int) -> str:
        """The batched statement for `rows` rows of parameters, as `$n` placeholders."""
        casts = iter(f"CAST(v.p{n} AS {types[column]})" for n, column in enumerate(self.columns, 1))
        assigned = ", ".join(
            f"{column} = {_fill(expression, casts)}" for column, expression in self.assignments
        )
        where = " AND ".join(_fill(condition, casts) for condition in self.conditions)
        width = len(self.columns)
        values = ", ".join(
            "(" + ", ".join(f"${row * width + n}" for n in range(1, width + 1)) + ")"
            for row in range(rows)
        )
        names = ", ".join(f"p{n}" for n in range(1, width + 1))
        source = f"(VALUES {values}) AS v({names})"
        return f"UPDATE {physical} SET {assigned} FROM {source} WHERE {where}"


def _fill(text: str, casts: Iterator[str]) -> str:
    return re.sub(r"\?", lambda _: next(casts), text)


@cache
def keyed_update(statement: str) -> KeyedUpdate | None:
    """The update's parts, or None when it is not one this module can batch."""
    match = _UPDATE.fullmatch(statement)
    if match is None or _OTHER_ROWS.search(statement) or statement.count("{") != 1:
        return None
    table, set_clause, where_clause = match.groups()
    if "(" in where_clause or re.search(r"\bOR\b", where_clause, re.IGNORECASE):
        return None
    assignments: list[tuple[str, str]] = []
    columns: list[str] = []
    for item in _top_level(set_clause):
        assigned = _ASSIGNMENT.fullmatch(item)
        if assigned is None:
            return None
        column, expression = assigned.groups()
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
    """Each column's declared type, from a `Table`'s column definitions."""
    types: dict[str, str] = {}
    for item in _top_level(columns):
        words = item.split()
        if len(words) >= 2 and words[0].upper() not in _CONSTRAINT_WORDS:
            types[words[0]] = words[1]
    return types
