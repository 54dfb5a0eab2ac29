"""Application recorders that chain every event they insert, inside the insert's transaction.

The chain head is read *after* the events are inserted: by then the transaction holds the
store's write lock (SQLite's single writer; PostgreSQL's EXCLUSIVE table lock taken by the
library's recorder), so two writers can never extend the chain from the same head, and the
chain's sequence is gapless even where notification ids are not.
"""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from domain.ledger.chain.links import GENESIS, link_hash

CHAIN_TABLE = "event_chain"


def _links(
    head: tuple[int, bytes] | None, stored: Sequence[StoredEvent], positions: Sequence[int]
) -> list[tuple[int, int, str, int, bytes]]:
    seq, previous = head if head is not None else (0, GENESIS)
    rows = []
    for event, position in zip(stored, positions, strict=True):
        seq += 1
        stream = (
            event.originator_id
            if isinstance(event.originator_id, UUID)
            else UUID(str(event.originator_id))
        )
        previous = link_hash(
            seq, stream, event.originator_version, event.topic, bytes(event.state), previous
        )
        rows.append((seq, position, str(stream), event.originator_version, previous))
    return rows


class ChainedSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            "CREATE TABLE IF NOT EXISTS event_chain (seq INTEGER PRIMARY KEY,"
            " position INTEGER NOT NULL UNIQUE, stream_id TEXT NOT NULL,"
            " version INTEGER NOT NULL, hash BLOB NOT NULL)",
        ]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
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

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if positions:
            curs.execute(
                SQL("SELECT seq, hash FROM {} ORDER BY seq DESC LIMIT 1").format(self.chain_table)
            )
            row = curs.fetchone()
            head = None if row is None else (int(row["seq"]), bytes(row["hash"]))
            curs.executemany(
                SQL("INSERT INTO {} VALUES (%s, %s, %s, %s, %s)").format(self.chain_table),
                _links(head, stored_events, positions),
            )
        return positions
