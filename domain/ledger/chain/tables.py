"""The event store's raw tables, for the few readers that need stored bytes with positions
(verification, the audit trail, backups): one place that knows each backend's names."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder


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
    def of(cls, recorder: ApplicationRecorder) -> "StoredTables":
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

    def run(
        self,
        statement: str,
        params: Sequence[object] = (),
        many: list[Any] | None = None,
        commit: bool = False,
    ) -> list[tuple[Any, ...]]:
        """Reads (commit=False) or writes (commit=True) in one transaction; `?` placeholders."""
        with self.datastore.transaction(commit=commit) as cursor:
            sql = statement.replace("?", "%s") if self.postgres else statement
            if many is not None:
                cursor.executemany(sql, many)
                return []
            cursor.execute(sql, tuple(params))
            rows = [] if commit else cursor.fetchall()
        return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in rows]
