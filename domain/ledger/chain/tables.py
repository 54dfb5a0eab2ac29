"""The event store's raw tables, for the few readers that need stored bytes with positions
(verification, the audit trail, backups): one place that knows each backend's names."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import AggregateRecorder


@dataclass(frozen=True)
class StoredTables:
    events: str
    """The qualified event table."""
    chain: str
    """The qualified chain table."""
    receipts: str
    """The qualified table of command receipts (ADR 0006)."""
    position: str
    """The column holding an event's log position (notification id)."""
    postgres: bool
    datastore: Any

    @classmethod
    def of(cls, recorder: AggregateRecorder) -> "StoredTables":
        table = str(getattr(recorder, "events_table_name", "stored_events"))
        datastore = getattr(recorder, "datastore", None)
        schema = getattr(datastore, "schema", None)
        if schema is not None:
            return cls(
                f'"{schema}"."{table}"',
                f'"{schema}".event_chain',
                f'"{schema}".command_receipts',
                "notification_id",
                True,
                datastore,
            )
        return cls(table, "event_chain", "command_receipts", "rowid", False, datastore)

    def stream_key(self, stream_id: UUID) -> object:
        """How a stream id is stored: a uuid column on PostgreSQL, hex text on SQLite."""
        return stream_id if self.postgres else stream_id.hex

    @contextmanager
    def snapshot(self) -> Iterator["Reader"]:
        """Reads that all see the store at one moment (a REPEATABLE READ, READ ONLY transaction
        on PostgreSQL; SQLite's read transaction), so that what several reads copy — events,
        links, receipts — belongs together even while commands are being recorded."""
        with self.datastore.transaction(commit=False) as cursor:
            if self.postgres:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

            def read(statement: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
                cursor.execute(self._placeholders(statement), tuple(params))
                return [_plain(r) for r in cursor.fetchall()]

            yield read

    @contextmanager
    def writing(self) -> Iterator["Writer"]:
        """Writes that commit together or not at all (a restore: a load that fails halfway
        leaves the store as empty as it found it, and a second attempt is not refused)."""
        with self.datastore.transaction(commit=True) as cursor:

            def write(statement: str, many: list[Any] | None = None) -> None:
                if many is None:
                    cursor.execute(self._placeholders(statement))
                elif many:
                    cursor.executemany(self._placeholders(statement), many)

            yield write

    def _placeholders(self, statement: str) -> str:
        return statement.replace("?", "%s") if self.postgres else statement

    def run(
        self,
        statement: str,
        params: Sequence[object] = (),
        many: list[Any] | None = None,
        commit: bool = False,
    ) -> list[tuple[Any, ...]]:
        """Reads (commit=False) or writes (commit=True) in one transaction; `?` placeholders."""
        with self.datastore.transaction(commit=commit) as cursor:
            sql = self._placeholders(statement)
            if many is not None:
                cursor.executemany(sql, many)
                return []
            cursor.execute(sql, tuple(params))
            rows = [] if commit else cursor.fetchall()
        return [_plain(r) for r in rows]


Reader = Callable[[str, Sequence[object]], list[tuple[Any, ...]]]
Writer = Callable[[str, list[Any] | None], None]


def _plain(row: Any) -> tuple[Any, ...]:
    """A row as a tuple, whether the backend's cursor gave a dict or a sequence."""
    return tuple(row.values()) if isinstance(row, dict) else tuple(row)
