"""What a projection is: a name, a code version, its tables, and a handler per event it reads.

Handlers write SQL with `{table}` placeholders; the runner binds them to the physical tables of
the generation being written, which is how a rebuild writes new tables while the old ones serve.
"""

from collections.abc import Callable, Collection, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, ClassVar
from uuid import UUID

from projections.keyed_updates import column_types
from projections.store import Tx, moment
from projections.writer import Writer


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


def decode_handled(batch: Iterable[Recorded], names: Collection[str]) -> None:
    """Decodes the events of the batch some handler will ask for, here and once, rather than
    by two generations' threads at the same time; one that cannot be decoded fails later, in
    its handler."""
    for recorded in batch:
        if recorded.name in names:
            with suppress(Exception):
                _ = recorded.event


def occurred(r: Recorded) -> str:
    """When the event says it happened (`occurred_at`), or else when it was recorded."""
    occurred_at = getattr(r.event, "occurred_at", None)
    return r.recorded_moment if occurred_at is None else moment(occurred_at)


@dataclass(frozen=True)
class Table:
    columns: str
    indexes: tuple[str, ...] = ()
    """Index definitions: `(cols)` or `(cols) WHERE …`; named after the table and their rank."""


@cache
def _column_types(table: Table) -> Mapping[str, str]:
    return column_types(table.columns)


Handler = Callable[[Writer, Recorded], None]


class Projection:
    name: ClassVar[str]
    version: ClassVar[int]
    tables: ClassVar[dict[str, Table]]
    handlers: ClassVar[dict[str, list[Handler]]]
    holds_facts: ClassVar[bool] = False
    """Readers decide what they may see of other projections' rows by this one's (access
    facts): its served generation commits each batch before theirs (`ProjectionRunner`)."""

    @classmethod
    def physical(cls, generation: int) -> dict[str, str]:
        return {logical: f"{cls.name}_{logical}_g{generation}" for logical in cls.tables}

    @classmethod
    def column_types(cls) -> dict[str, Mapping[str, str]]:
        """Each table's declared column types (the writer casts batched updates to them)."""
        return {logical: _column_types(table) for logical, table in cls.tables.items()}

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


__all__ = [
    "Handler",
    "Projection",
    "Recorded",
    "Table",
    "Writer",
    "handles",
    "occurred",
]
