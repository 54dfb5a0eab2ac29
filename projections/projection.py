"""What a projection is: a name, a code version, its tables, and a handler per event it reads.

Handlers write SQL with `{table}` placeholders; the runner binds them to the physical tables of
the generation being written, which is how a rebuild writes new tables while the old ones serve.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from projections.store import Params, Row, Tx


@dataclass(frozen=True)
class Recorded:
    """One event as a projection sees it: decoded, with its place in the log."""

    position: int
    name: str
    """`Class.Event`, e.g. `CaseReferrals.ReferralMade`: the topic without its module."""
    stream_id: UUID
    version: int
    recorded_at: datetime
    event: Any


@dataclass(frozen=True)
class Table:
    columns: str
    indexes: tuple[str, ...] = ()
    """Index definitions: `(cols)` or `(cols) WHERE …`; named after the table and their rank."""


class Writer:
    """A transaction bound to one generation's physical table names."""

    def __init__(self, tx: Tx, tables: dict[str, str]) -> None:
        self.tx = tx
        self.tables = tables

    def execute(self, statement: str, params: Params = ()) -> None:
        self.tx.execute(statement.format_map(self.tables), params)

    def executemany(self, statement: str, rows: Sequence[Params]) -> None:
        self.tx.executemany(statement.format_map(self.tables), rows)

    def fetchone(self, statement: str, params: Params = ()) -> Row | None:
        return self.tx.fetchone(statement.format_map(self.tables), params)

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]:
        return self.tx.fetchall(statement.format_map(self.tables), params)


Handler = Callable[[Writer, Recorded], None]


class Projection:
    name: ClassVar[str]
    version: ClassVar[int]
    tables: ClassVar[dict[str, Table]]
    handlers: ClassVar[dict[str, list[Handler]]]

    @classmethod
    def physical(cls, generation: int) -> dict[str, str]:
        return {logical: f"{cls.name}_{logical}_g{generation}" for logical in cls.tables}

    @classmethod
    def create(cls, tx: Tx, generation: int) -> None:
        for logical, physical in cls.physical(generation).items():
            table = cls.tables[logical]
            tx.execute(f"CREATE TABLE IF NOT EXISTS {physical} ({table.columns})")
            for rank, index in enumerate(table.indexes):
                tx.execute(f"CREATE INDEX IF NOT EXISTS {physical}_i{rank} ON {physical} {index}")

    @classmethod
    def drop(cls, tx: Tx, generation: int) -> None:
        for physical in cls.physical(generation).values():
            tx.execute(f"DROP TABLE IF EXISTS {physical}")


def handles(registry: dict[str, list[Handler]], *names: str) -> Callable[[Handler], Handler]:
    """Registers a handler for the named events; an event may have several, run in order."""

    def register(handler: Handler) -> Handler:
        for name in names:
            registry.setdefault(name, []).append(handler)
        return handler

    return register
