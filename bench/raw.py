"""The machine's raw limits, measured with plain psycopg on the same server, in the same run.

Tables are shaped like the ledger's events table (uuid stream, version, topic, state bytea,
bigserial position, the same unique indexes), so a raw row costs the server what an event row
costs it: only what Parcours adds on top is left for the ratio to show.
"""

import os
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import psycopg
from psycopg import sql

from bench.store import database_url, drop, fresh_schema

STATE = os.urandom(700)
"""About the size of a stored intervention event (sealed summary included)."""
Event = tuple[uuid.UUID, int, str, bytes]

_EVENTS_LIKE = (
    "CREATE TABLE {}.events (originator_id uuid NOT NULL, originator_version bigint NOT NULL,"
    " topic text NOT NULL, state bytea, notification_id bigserial,"
    " PRIMARY KEY (originator_id, originator_version));"
    " CREATE UNIQUE INDEX ON {}.events (notification_id)"
)


@contextmanager
def events_table() -> Iterator[tuple[psycopg.Connection[tuple[object, ...]], sql.Composed]]:
    schema = fresh_schema("raw")
    with psycopg.connect(database_url(), autocommit=True) as db:
        db.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        db.execute(sql.SQL(_EVENTS_LIKE).format(sql.Identifier(schema), sql.Identifier(schema)))
        try:
            yield db, sql.SQL("{}.events").format(sql.Identifier(schema))
        finally:
            drop(schema)


def insert_rate(count: int) -> float:
    """One-row INSERT transactions per second (autocommit: one round trip, one WAL flush)."""
    with events_table() as (db, table):
        statement = sql.SQL(
            "INSERT INTO {} (originator_id, originator_version, topic, state)"
            " VALUES (%s, %s, %s, %s)"
        ).format(table)
        rows = [(uuid.uuid4(), 1, "raw.Event", STATE) for _ in range(count)]
        started = time.perf_counter()
        for values in rows:
            db.execute(statement, values, prepare=True)
        return count / (time.perf_counter() - started)


def copy_rate(events: Sequence[Event]) -> float:
    """Rows per second COPYed into an events-shaped table, in one transaction."""
    with events_table() as (db, table):
        statement = sql.SQL(
            "COPY {} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)"
        ).format(table)
        started = time.perf_counter()
        with db.transaction(), db.cursor() as cursor, cursor.copy(statement) as copy:
            copy.set_types(["uuid", "int8", "text", "bytea"])
            for event in events:
                copy.write_row(event)
        return len(events) / (time.perf_counter() - started)


def keyset_rate(schema: str, table: str = "ledger_events", page: int = 1000) -> tuple[float, int]:
    """Rows per second read in notification order by keyset pages (what a rebuild reads)."""
    statement = sql.SQL(
        "SELECT notification_id, originator_id, originator_version, topic, state FROM {}.{}"
        " WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
    ).format(sql.Identifier(schema), sql.Identifier(table))
    read = 0
    after = 0
    with psycopg.connect(database_url()) as db:
        started = time.perf_counter()
        while rows := db.execute(statement, (after, page), prepare=True).fetchall():
            read += len(rows)
            after = int(str(rows[-1][0]))
        return read / (time.perf_counter() - started), read


def stored_events(schema: str, limit: int) -> list[Event]:
    """The ledger's own rows, for a raw COPY of exactly what the import wrote."""
    statement = sql.SQL(
        "SELECT originator_id, originator_version, topic, state FROM {}.ledger_events"
        " ORDER BY notification_id LIMIT %s"
    ).format(sql.Identifier(schema))
    with psycopg.connect(database_url()) as db:
        return [
            (uuid.UUID(str(r[0])), int(str(r[1])), str(r[2]), bytes(r[3]))
            for r in db.execute(statement, (limit,)).fetchall()
        ]
