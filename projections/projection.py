"""What a projection is: a name, a code version, its tables, and a handler per event it reads.

Handlers write SQL with `{table}` placeholders; the runner binds them to the physical tables of
the generation being written, which is how a rebuild writes new tables while the old ones serve.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from operator import itemgetter
from typing import Any, ClassVar
from uuid import UUID

from projections.memo import Memo
from projections.store import Params, Row, Tx, moment


class Recorded:
    """One event as a projection sees it: its place in the log, and the event itself.

    The event is decoded when a handler first asks for it, once for every projection: a
    rebuild reads the whole log, and about half of it (command receipts…) is of kinds no
    projection handles, which are never decoded at all.
    """

    __slots__ = (
        "_decode",
        "_event",
        "_recorded_moment",
        "_stream",
        "name",
        "position",
        "stream_id",
        "version",
    )

    def __init__(
        self, position: int, name: str, stream_id: UUID, version: int, decode: Callable[[], Any]
    ) -> None:
        self.position = position
        self.name = name
        """`Class.Event`, e.g. `CaseReferrals.ReferralMade`: the topic without its module."""
        self.stream_id = stream_id
        self.version = version
        self._decode: Callable[[], Any] | None = decode
        self._event: Any = None
        self._stream: str | None = None
        self._recorded_moment: str | None = None

    @property
    def event(self) -> Any:
        decode = self._decode  # read once: another thread may be decoding it too
        if decode is not None:
            self._event = decode()
            self._decode = None
        return self._event

    @property
    def recorded_at(self) -> datetime:
        recorded: datetime = self.event.timestamp
        return recorded

    @property
    def stream(self) -> str:
        """The stream's id as the read tables keep it: made once, though several projections
        and handlers of one event ask for it."""
        stream = self._stream
        if stream is None:
            stream = self._stream = str(self.stream_id)
        return stream

    @property
    def recorded_moment(self) -> str:
        """`moment(recorded_at)`, made once for the handlers that write it (most do)."""
        recorded = self._recorded_moment
        if recorded is None:
            recorded = self._recorded_moment = moment(self.recorded_at)
        return recorded

    def __repr__(self) -> str:
        return f"Recorded({self.position}, {self.name!r}, {self.stream_id}, {self.version})"


def occurred(r: Recorded) -> str:
    """When the event says it happened (`occurred_at`), or else when it was recorded."""
    occurred_at = getattr(r.event, "occurred_at", None)
    return r.recorded_moment if occurred_at is None else moment(occurred_at)


@dataclass(frozen=True)
class Table:
    columns: str
    indexes: tuple[str, ...] = ()
    """Index definitions: `(cols)` or `(cols) WHERE …`; named after the table and their rank."""


class Writer:
    """A transaction bound to one generation's physical table names, batching inserts.

    Most events only add rows, and one statement per row made a rebuild pay a round trip per
    row. So an INSERT into a single table is held back and sent later with the inserts of the
    same statement, in one `executemany`. Held rows are sent, in order, before any other
    statement or read touches their table, and by `flush` at the end of the batch: what every
    statement sees is exactly what it would have seen, one statement at a time.

    Held runs of a plain INSERT go by COPY where the transaction can (PostgreSQL, not
    pipelined: COPY cannot run in pipeline mode); in a pipelined transaction by multi-row
    INSERTs (`insert_rows`), which ride the pipeline without a round trip; on SQLite by
    `executemany`.

    `memo` keeps facts the handlers wrote and look up again (see `projections.memo`); the
    runner gives one per generation, a writer made without one has its own.
    """

    def __init__(
        self,
        tx: Tx,
        tables: dict[str, str],
        *,
        pipelined: bool = False,
        memo: Memo | None = None,
    ) -> None:
        self.tx = tx
        self.memo = Memo() if memo is None else memo
        self._copy = None if pipelined else getattr(tx, "copy", None)
        self._insert_rows = getattr(tx, "insert_rows", None)
        self.tables = tables
        self._held: dict[str, list[tuple[str, list[Params]]]] = {}

    def execute(self, statement: str, params: Params = ()) -> None:
        touched = _tables_of(statement)
        if len(touched) == 1 and statement.lstrip()[:6].upper() == "INSERT":
            self._hold(touched[0], statement, params)
            return
        self._flush(touched)
        self.tx.execute(statement.format_map(self.tables), params)

    def executemany(self, statement: str, rows: Sequence[Params]) -> None:
        self._flush(_tables_of(statement))
        self.tx.executemany(statement.format_map(self.tables), rows)

    def fetchone(self, statement: str, params: Params = ()) -> Row | None:
        self._flush(_tables_of(statement))
        return self.tx.fetchone(statement.format_map(self.tables), params)

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]:
        self._flush(_tables_of(statement))
        return self.tx.fetchall(statement.format_map(self.tables), params)

    def flush(self) -> None:
        """Sends every held insert; the batch's transaction must not end before this."""
        self._flush(list(self._held))

    def _hold(self, table: str, statement: str, params: Params) -> None:
        runs = self._held.setdefault(table, [])
        if runs and runs[-1][0] == statement:
            runs[-1][1].append(params)
        else:
            runs.append((statement, [params]))

    def _flush(self, tables: Sequence[str]) -> None:
        copy = self._copy
        insert_rows = self._insert_rows
        for table in tables:
            for statement, rows in self._held.pop(table, ()):
                plain = _plain_insert(statement)
                if plain is None or len(rows) < 2 or (copy is None and insert_rows is None):
                    self.tx.executemany(statement.format_map(self.tables), rows)
                    continue
                columns, values = plain
                write = copy if copy is not None else insert_rows
                assert write is not None
                write(self.tables[table], columns, [values(row) for row in rows])


_TABLE = re.compile(r"\{(\w+)\}")
_PLAIN_INSERT = re.compile(
    r"\s*INSERT INTO \{\w+\}\s*\(([^)]*)\)\s*VALUES\s*\(([^)]*)\)\s*", re.IGNORECASE
)
_LITERALS: dict[str, object] = {"NULL": None}
_TEXT = re.compile(r"'(?:[^']|'')*'")
"""A text constant (a status such as 'OPEN'), doubled quotes included."""
Values = Callable[[Params], tuple[object, ...]]


@cache
def _plain_insert(statement: str) -> tuple[tuple[str, ...], Values] | None:
    """Columns and a row builder when `statement` is a plain INSERT of one row of `?` and
    constants — NULL, integers, text without a comma — (what COPY can do); None for anything
    else (ON CONFLICT, expressions…)."""
    match = _PLAIN_INSERT.fullmatch(statement)
    if match is None:
        return None
    columns = tuple(c.strip() for c in match.group(1).split(","))
    items = [v.strip() for v in match.group(2).split(",")]
    if len(columns) != len(items):
        return None
    constants: list[object] = []
    picks: list[int] = []
    """Where each column's value is in the row's parameters followed by the constants."""
    given = items.count("?")
    for item in items:
        if item == "?":
            picks.append(len(picks) - len(constants))
            continue
        if item.upper() in _LITERALS:
            constants.append(_LITERALS[item.upper()])
        elif item.lstrip("-").isdigit():
            constants.append(int(item))
        elif _TEXT.fullmatch(item):
            constants.append(item[1:-1].replace("''", "'"))
        else:
            return None
        picks.append(given + len(constants) - 1)
    extra = tuple(constants)
    pick = itemgetter(*picks)

    def values(params: Params) -> tuple[object, ...]:
        """The row's values in column order (two C calls: a rebuild builds a row per event)."""
        row = pick((*params, *extra))
        return row if len(picks) > 1 else (row,)

    return columns, values


@cache
def _tables_of(statement: str) -> tuple[str, ...]:
    """The tables a statement names (handlers' statements are constants: parsed once each)."""
    return tuple(dict.fromkeys(_TABLE.findall(statement)))


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
