"""The shape of an exported table: named, typed, described columns.

One description serves three readers: the CSV and Parquet writers (types), the codebook (words)
and the tests (every column of every file is described). A column is declared once, here, so a
file can never carry a column the codebook does not explain.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import pyarrow as pa

Kind = Literal["string", "integer", "decimal", "date", "boolean"]
Value = str | int | float | date | bool | None
Record = Mapping[str, Value]

ARROW: dict[Kind, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "decimal": pa.float64(),
    "date": pa.date32(),
    "boolean": pa.bool_(),
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    description: str
    values: tuple[str, ...] = ()
    """The closed list of codes a `string` column may hold, when it is a code list."""


@dataclass(frozen=True)
class Table:
    """A file of the export: its name (the file stem), what one row is, and its columns."""

    name: str
    row: str
    columns: tuple[Column, ...]
    sort: tuple[str, ...]
    """The columns rows are sorted by: what makes the CSV bytes reproducible."""
    folder: str = "data"
    notes: tuple[str, ...] = field(default=())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, ARROW[c.kind]) for c in self.columns])

    def ordered(self, records: Sequence[Record]) -> list[Record]:
        """The records sorted by `sort`, then by every column: a total order, so rows come out
        the same whatever order the store returned them in. `None` sorts first. Without `sort`
        (aggregates, built in a fixed order) the records keep their order."""
        if not self.sort:
            return list(records)
        keys = (*self.sort, *self.names)
        return sorted(records, key=lambda r: tuple(_sortable(r[name]) for name in keys))


def _sortable(value: Value) -> tuple[bool, str]:
    return (value is not None, "" if value is None else _text(value))


def _text(value: Value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return f"{value:020d}" if value >= 0 else f"-{-value:019d}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def string(name: str, description: str, *values: str) -> Column:
    return Column(name, "string", description, tuple(values))


def integer(name: str, description: str) -> Column:
    return Column(name, "integer", description)


def decimal(name: str, description: str) -> Column:
    return Column(name, "decimal", description)


def day(name: str, description: str) -> Column:
    return Column(name, "date", description)


def boolean(name: str, description: str) -> Column:
    return Column(name, "boolean", description)


def pseudonym(name: str, what: str) -> Column:
    """A pseudonymised identifier: the same within a study, unrelated between studies."""
    return string(name, f"Pseudonym of {what} (keyed HMAC-SHA256 under the study's secret).")


def association(name: str, role: str) -> Column:
    return string(name, f"Id of the association {role} (see associations.association_id).")
