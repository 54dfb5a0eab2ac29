"""Reads the ledger's notification log in order and decodes it once for every projection.

Positions are notification ids. PostgreSQL leaves gaps (rolled-back inserts) but commits ids in
order (the recorder's table lock serialises writers), so reading "greater than the last id seen"
neither stalls on a gap nor skips a late commit.

On PostgreSQL the rows are read straight off the events table, as plain tuples in binary: the
library's path builds a dict and a notification object per row and retries ten times, which a
rebuild of the whole log paid for every event. Errors are translated and guarded exactly as the
library's reads are (its connection wrapper, the recorder's breaker).
"""

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import partial
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import sql
from psycopg.rows import tuple_row

from projections.decoding import EventDecoder
from projections.projection import Recorded

Stored = tuple[int, UUID | str, int, str, bytes]
"""position, stream id, version, topic, state."""


class _Log(Protocol):
    def rows(self, after: int, limit: int) -> Sequence[Stored]: ...


class _LibraryLog:
    """Any recorder, through its own `select_notifications`."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self._recorder = recorder

    def rows(self, after: int, limit: int) -> Sequence[Stored]:
        notifications = self._recorder.select_notifications(
            start=after, limit=limit, inclusive_of_start=False
        )
        return [
            (n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in notifications
        ]


class _PostgresLog:
    def __init__(self, recorder: PostgresApplicationRecorder) -> None:
        self._datastore = recorder.datastore
        self._breaker: Any = getattr(recorder, "breaker", None)
        self._select = sql.SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {}.{}"
            " WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
        ).format(
            sql.Identifier(recorder.datastore.schema), sql.Identifier(recorder.events_table_name)
        )

    def rows(self, after: int, limit: int) -> Sequence[Stored]:
        with (
            self._guarded(),
            self._datastore.get_connection() as db,
            db.cursor(row_factory=tuple_row, binary=True) as cursor,
        ):
            cursor.execute(self._select, (after, limit), prepare=True)
            found: list[Stored] = cursor.fetchall()
        return found

    def _guarded(self) -> AbstractContextManager[object]:
        if self._breaker is None:
            return nullcontext()
        guarded: AbstractContextManager[object] = self._breaker.guarded()
        return guarded


class EventSource:
    def __init__(self, recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> None:
        self._recorder = recorder
        self._log: _Log = (
            _PostgresLog(recorder)
            if isinstance(recorder, PostgresApplicationRecorder)
            else _LibraryLog(recorder)
        )
        self._decoder = EventDecoder(mapper)

    def head(self) -> int:
        return self._recorder.max_notification_id() or 0

    def read(self, after: int, limit: int) -> list[Recorded]:
        decode = self._decoder.decode
        return [
            Recorded(
                position,
                topic.rsplit(":", 1)[-1],
                _uuid(stream_id),
                version,
                partial(decode, topic, state, stream_id, version),
            )
            for position, stream_id, version, topic, state in self._log.rows(after, limit)
        ]


def _uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)
