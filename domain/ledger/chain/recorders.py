"""Application recorders that chain every event they insert, inside the insert's transaction.

The chain head is read under the store's write lock (SQLite's single writer; an EXCLUSIVE lock
on PostgreSQL's events table), so two writers can never extend the chain from the same head,
and the chain's sequence is gapless even where notification ids are not.

On PostgreSQL, appending is one call of a server-side function (`append_sql.py`): lock, read the
head, insert the events, their links and the commands' receipts, notify listeners — one round
trip and one commit. Receipts (`receipts=` of `insert_events`) are rows beside the log, not
chained (ADR 0006).
"""

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import IntegrityError, Notification, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg.sql import SQL, Identifier

from domain.ledger import receipt_rows
from domain.ledger.appending import LedgerClosed
from domain.ledger.chain.append_sql import APPEND_PAIR_FUNCTION, PAIR_TYPES, AppendFunctions
from domain.ledger.chain.links import GENESIS, link_hash
from domain.ledger.chain.pair_call import PairCall, PairParam
from domain.ledger.receipt import Receipt
from domain.ledger.receipt_rows import RECEIPTS_TABLE, receipt_from_hex, receipts_of
from domain.liveness import LIVENESS
from domain.store_breaker import StoreBreaker

CHAIN_TABLE = "event_chain"


def _once(method: Callable[..., Any]) -> Callable[..., Any]:
    """The library's method without its retry decorator."""
    return getattr(method, "__wrapped__", method)


_SELECT_EVENTS = _once(PostgresAggregateRecorder.select_events)
_SELECT_NOTIFICATIONS = _once(PostgresApplicationRecorder.select_notifications)
_MAX_NOTIFICATION_ID = _once(PostgresApplicationRecorder.max_notification_id)


def _uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)


def _row(event: StoredEvent) -> tuple[UUID, int, str, bytes]:
    """An event as the append functions take it."""
    return _uuid(event.originator_id), event.originator_version, event.topic, bytes(event.state)


def _receipt_row(receipt: Receipt) -> tuple[UUID, str, UUID | None, UUID]:
    return receipt.id, receipt.command, receipt.target, receipt.outcome


def _links(
    head: tuple[int, bytes] | None, stored: Sequence[StoredEvent], positions: Sequence[int]
) -> list[tuple[int, int, str, int, bytes]]:
    seq, previous = head if head is not None else (0, GENESIS)
    rows = []
    for event, position in zip(stored, positions, strict=True):
        seq += 1
        stream = _uuid(event.originator_id)
        previous = link_hash(
            seq, stream, event.originator_version, event.topic, bytes(event.state), previous
        )
        rows.append((seq, position, str(stream), event.originator_version, previous))
    return rows


def _columns(rows: Iterable[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """Rows as columns (`width` empty columns when there is no row)."""
    columns: list[list[Any]] = [[] for _ in range(width)]
    for row in rows:
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    return columns


class ChainedSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            "CREATE TABLE IF NOT EXISTS event_chain (seq INTEGER PRIMARY KEY,"
            " position INTEGER NOT NULL UNIQUE, stream_id TEXT NOT NULL,"
            " version INTEGER NOT NULL, hash BLOB NOT NULL)",
            receipt_rows.SQLITE_CREATE,
        ]

    def _create_table(self, c: SQLiteCursor) -> None:
        """Creates the tables; a store created before ADR 0006 gets its receipt events copied
        into the new receipts table, in the same transaction as the trigger that keeps doing so
        for receipts still written as events (`receipt_rows.RECEIPT_EVENT_TRIGGER`)."""
        c.execute(receipt_rows.SQLITE_EXISTS)
        created = c.fetchone() is None
        super()._create_table(c)
        if created:
            c.execute(*receipt_rows.sqlite_copy(self.events_table_name))
        c.execute(receipt_rows.sqlite_trigger(self.events_table_name))

    def select_receipt(self, receipt_id: UUID) -> Receipt | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(receipt_rows.SQLITE_SELECT, (receipt_id.hex,))
            row = c.fetchone()
        return None if row is None else receipt_from_hex(receipt_id, row[0], row[1], row[2])

    def forget_fingerprints(self, subject: UUID) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(receipt_rows.SQLITE_FORGET, (subject.hex, subject.hex))

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        receipts = receipts_of(kwargs)
        if receipts:
            c.executemany(receipt_rows.SQLITE_INSERT, map(receipt_rows.sqlite_row, receipts))
        positions = super()._insert_events(c, stored_events, **kwargs)
        if positions:
            c.execute("SELECT seq, hash FROM event_chain ORDER BY seq DESC LIMIT 1")
            row = c.fetchone()
            head = None if row is None else (int(row[0]), bytes(row[1]))
            for link in _links(head, stored_events, positions):
                c.execute("INSERT INTO event_chain VALUES (?, ?, ?, ?, ?)", link)
        return positions


class ChainedPostgresApplicationRecorder(PostgresApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chain_table = Identifier(self.datastore.schema, CHAIN_TABLE)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {} (seq bigint PRIMARY KEY,"
                " position bigint NOT NULL UNIQUE, stream_id uuid NOT NULL,"
                " version bigint NOT NULL, hash bytea NOT NULL)"
            ).format(self.chain_table)
        )
        self.sql_create_statements.extend(
            receipt_rows.postgres_create(self.datastore.schema, self.events_table_name)
        )
        self._select_receipt = (
            SQL(receipt_rows.POSTGRES_SELECT)
            .format(Identifier(self.datastore.schema), Identifier(RECEIPTS_TABLE))
            .as_bytes()
        )
        self._make_connections_live()
        self._declare_append_function()
        self._appending = threading.Lock()
        self._appender: psycopg.Connection[tuple[object, ...]] | None = None
        self._closed = False

    def _make_connections_live(self) -> None:
        """Gives the library's pool (the snapshot store shares it) and the append connection,
        which is made from its parameters, the liveness settings (`domain.liveness`). The
        library opens the pool before this recorder exists, so its first connections are
        replaced by live ones."""
        pool = self.datastore.pool
        if isinstance(pool.kwargs, dict):
            pool.kwargs.update(LIVENESS)
        if not pool.closed:
            pool.drain()

    @property
    def appended_channel(self) -> str:
        """The channel notified when events are appended: one per schema (one per ledger)."""
        return f"parcours_appended_{self.datastore.schema}"[:63]

    def _declare_append_function(self) -> None:
        functions = AppendFunctions(
            schema=self.datastore.schema,
            events=self.events_table_name,
            chain=CHAIN_TABLE,
            receipts=RECEIPTS_TABLE,
            lock_timeout=self.datastore.lock_timeout,
            channel=self.appended_channel,
        )
        self.sql_create_statements.extend(functions.declarations())
        self._append, pair = functions.calls()
        self._append_pair = PairCall(APPEND_PAIR_FUNCTION.encode(), pair, PAIR_TYPES)

    breaker = StoreBreaker()
    """Shared with the instance's other stores by the factory (`api/bootstrap.py`)."""

    # The library retries reads ten times, each waiting for its pool: while the server is down
    # a request waited minutes for its 503. Reads go through the breaker instead, once.
    def select_events(self, *args: Any, **kwargs: Any) -> Sequence[StoredEvent]:
        with self.breaker.guarded():
            found: Sequence[StoredEvent] = _SELECT_EVENTS(self, *args, **kwargs)
        return found

    def select_notifications(self, *args: Any, **kwargs: Any) -> Sequence[Notification]:
        with self.breaker.guarded():
            found: Sequence[Notification] = _SELECT_NOTIFICATIONS(self, *args, **kwargs)
        return found

    def max_notification_id(self) -> int | None:
        with self.breaker.guarded():
            found: int | None = _MAX_NOTIFICATION_ID(self)
        return found

    def select_receipt(self, receipt_id: UUID) -> Receipt | None:
        with self.breaker.guarded(), self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self._select_receipt, (receipt_id,))
            row = cursor.fetchone()
        if row is None:
            return None
        command, target, outcome = row.values()
        return Receipt(receipt_id, str(command), target, outcome)

    def forget_fingerprints(self, subject: UUID) -> None:
        statement = SQL(receipt_rows.POSTGRES_FORGET).format(
            Identifier(self.datastore.schema), Identifier(RECEIPTS_TABLE)
        )
        with self.breaker.guarded(), self.datastore.transaction(commit=True) as cursor:
            cursor.execute(statement, (subject, subject))

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Appends with one call of the append function, on a connection of its own: the pool's
        checkout and its per-checkout type checks cost more than the call on a fast disk."""
        receipts = receipts_of(kwargs)
        if not stored_events and not receipts:
            return []
        rows = [_row(event) for event in stored_events]
        with self._appending, self.breaker.guarded():
            try:
                return self._call_append(self._append_connection(), rows, receipts)
            except psycopg.IntegrityError as error:
                raise IntegrityError(str(error)) from error
            except psycopg.OperationalError as error:
                self._drop_append_connection()
                raise OperationalError(str(error)) from error

    def _call_append(
        self,
        connection: "psycopg.Connection[tuple[object, ...]]",
        rows: list[tuple[UUID, int, str, bytes]],
        receipts: Sequence[Receipt],
    ) -> list[int]:
        """The pair function with its twelve parameters (`None` for a missing event or
        receipt), or the array function with eight columns."""
        if len(rows) <= 2 and len(receipts) <= 1:
            params: list[PairParam] = [v for row in rows for v in row]
            params += [None] * (8 - 4 * len(rows))
            params += _receipt_row(receipts[0]) if receipts else [None] * 4
            return self._append_pair.positions(connection, params)
        columns = [*_columns(rows, 4), *_columns(map(_receipt_row, receipts), 4)]
        found = connection.execute(self._append, columns, prepare=True).fetchall()
        return [int(str(row[0])) for row in found]

    def _append_connection(self) -> "psycopg.Connection[tuple[object, ...]]":
        if self._closed:
            raise LedgerClosed
        if self._appender is None or self._appender.closed or self._appender.broken:
            pool = self.datastore.pool
            given = pool.kwargs if isinstance(pool.kwargs, dict) else {}
            params = {k: v for k, v in given.items() if k != "row_factory"}
            conninfo = pool.conninfo if isinstance(pool.conninfo, str) else ""
            params.setdefault("connect_timeout", 2)
            self._appender = psycopg.connect(conninfo, autocommit=True, **params)
        return self._appender

    def close(self) -> None:
        with self._appending:
            self._closed = True
            self._drop_append_connection()

    def close_if_idle(self) -> None:
        """Closes the append connection unless an append is using it: for a finalizer, which
        may run on the very thread that holds the lock (`LedgerCore.__del__`)."""
        if self._appending.acquire(blocking=False):
            try:
                self._drop_append_connection()
            finally:
                self._appending.release()

    def _drop_append_connection(self) -> None:
        if self._appender is not None:
            self._appender.close()
        self._appender = None


def guard_snapshot_reads(recorder: object, breaker: StoreBreaker) -> None:
    """Puts the snapshot store's reads behind the breaker, without the library's retries.

    The snapshot recorder is built by the library's factory from a class it does not let us
    choose; its reads retried ten times while the server was down, so a command loading a case
    file waited tens of seconds for its 503. Only that one bound method is replaced."""
    if not isinstance(recorder, PostgresAggregateRecorder):
        return
    once = _SELECT_EVENTS

    def select_events(*args: Any, **kwargs: Any) -> Sequence[StoredEvent]:
        with breaker.guarded():
            found: Sequence[StoredEvent] = once(recorder, *args, **kwargs)
        return found

    recorder.select_events = select_events
