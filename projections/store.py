"""The read store: where projections keep their tables, on SQLite or PostgreSQL.

SQL is written once, with `?` placeholders and portable types (text, integer, bigint); the
PostgreSQL dialect rewrites placeholders. Times are stored as fixed-width UTC ISO-8601 text, so
ordering and comparisons are the same on both backends. On SQLite the read store is a file of its
own (`read.sqlite`), so projection writes never take the event store's write lock.
"""

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, date, datetime
from functools import cache, partial
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from psycopg import RawCursor, sql
from psycopg_pool import ConnectionPool

from domain.liveness import live
from domain.pool_check import check_if_stirred
from domain.store_breaker import StoreBreaker

Row = tuple[Any, ...]
Params = Sequence[object]


def moment(value: datetime) -> str:
    """A time as sortable text: always UTC, always microseconds (`isoformat`, not `strftime`:
    the same text in two thirds of the time, for every time a rebuild writes)."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def parse_moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def ident(value: UUID | None) -> str | None:
    return None if value is None else str(value)


class Tx(Protocol):
    """One transaction on the read store."""

    dialect: str
    generations: dict[str, int | None]
    """The served generation of each projection this transaction has looked up: resolved once
    per transaction, so a request's reads cost one lookup however many queries it makes."""

    def execute(self, statement: str, params: Params = ()) -> None: ...

    def executemany(self, statement: str, rows: Sequence[Params]) -> None: ...

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]: ...

    def fetchone(self, statement: str, params: Params = ()) -> Row | None: ...


class ReadStore(Protocol):
    dialect: str

    def transaction(self, *, pipelined: bool = False) -> AbstractContextManager[Tx]:
        """One transaction. `pipelined`: statements are sent without waiting for each result
        (PostgreSQL's pipeline mode; a read waits for what was sent before it), so a batch of
        projection writes costs one round trip, not one per statement. Errors may then surface
        at a later statement than the one that caused them."""
        ...

    def close(self) -> None: ...


class _SQLiteTx:
    dialect = "sqlite"

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self.generations: dict[str, int | None] = {}

    def execute(self, statement: str, params: Params = ()) -> None:
        self._db.execute(statement, tuple(params))

    def executemany(self, statement: str, rows: Sequence[Params]) -> None:
        self._db.executemany(statement, [tuple(r) for r in rows])

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]:
        return list(self._db.execute(statement, tuple(params)).fetchall())

    def fetchone(self, statement: str, params: Params = ()) -> Row | None:
        row: Row | None = self._db.execute(statement, tuple(params)).fetchone()
        return row


class SQLiteReadStore:
    """One connection per thread (SQLite connections are not shareable), WAL mode."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
            with self._lock:
                self._all.append(db)
        return db

    @contextmanager
    def transaction(self, *, pipelined: bool = False) -> Iterator[Tx]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield _SQLiteTx(db)
            db.execute("COMMIT")
        except BaseException:
            # A COMMIT that failed (a full disk, a busy database) left this thread's connection
            # inside its transaction, and every later one on the thread failed to begin.
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with self._lock:
            for db in self._all:
                db.close()
            self._all.clear()
        self._local = threading.local()


class _PostgresTx:
    dialect = "postgres"

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor
        self.generations: dict[str, int | None] = {}

    @staticmethod
    def _sql(statement: str) -> str:
        return statement.replace("?", "%s")

    def execute(self, statement: str, params: Params = ()) -> None:
        self._cursor.execute(self._sql(statement), tuple(params))

    def executemany(self, statement: str, rows: Sequence[Params]) -> None:
        if rows:
            self._cursor.executemany(self._sql(statement), [tuple(r) for r in rows])

    def copy(self, table: str, columns: Sequence[str], rows: Sequence[Params]) -> None:
        """Rows into a table by COPY: far cheaper per row than INSERTs, for the server too."""
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with self._cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Params]) -> None:
        """Rows into a table by multi-row INSERTs, for a pipelined transaction, where COPY
        cannot go: `executemany` there sends each row as a query of its own, and psycopg's
        pipeline bookkeeping per query cost a rebuild more than its handlers did.

        The statements are of a few fixed sizes (`ROWS_PER_INSERT`), so their texts recur and
        are prepared, and they carry server-side placeholders through a raw cursor: psycopg
        parses a `%s` statement this long anew each time (it caches short ones only), which
        cost more than the queries it saved."""
        self.execute_rows(partial(_multi_row_insert, table, tuple(columns)), rows)

    def execute_rows(self, statement_for: Callable[[int], str], rows: Sequence[Params]) -> None:
        """Rows of parameters sent by the statements `statement_for` makes for a number of
        rows (`$n` placeholders, row after row), cut into the sizes of `ROWS_PER_INSERT`."""
        raw = RawCursor(self._cursor.connection)
        start = 0
        for size in ROWS_PER_INSERT:
            if len(rows) - start < size:
                continue
            statement = statement_for(size)
            while len(rows) - start >= size:
                params = [value for row in rows[start : start + size] for value in row]
                raw.execute(statement, params)
                start += size

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]:
        self._cursor.execute(self._sql(statement), tuple(params))
        return list(self._cursor.fetchall())

    def fetchone(self, statement: str, params: Params = ()) -> Row | None:
        self._cursor.execute(self._sql(statement), tuple(params))
        row: Row | None = self._cursor.fetchone()
        return row


ROWS_PER_INSERT = (256, 64, 16, 4, 1)
"""The sizes of the multi-row INSERTs a run of rows is cut into, largest first (256 rows of a
table's columns stay far below PostgreSQL's 65,535 parameters)."""


@cache
def _multi_row_insert(table: str, columns: tuple[str, ...], rows: int) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {numbered_rows(rows, len(columns))}"


def numbered_rows(rows: int, width: int) -> str:
    """`($1, $2), ($3, $4)…`: the VALUES of `rows` rows of `width` parameters, row after row."""
    return ", ".join(
        "(" + ", ".join(f"${row * width + n}" for n in range(1, width + 1)) + ")"
        for row in range(rows)
    )


CONNECT_TIMEOUT = 3
"""Seconds to reach PostgreSQL (or wait for a pooled connection) before calling it an outage:
while the server is down, a request should get its 503 promptly, not hang (issue 8)."""


class PostgresReadStore:
    """Tables in the ledger's schema, reached through a small pool; `search_path` is the schema."""

    dialect = "postgres"

    def __init__(
        self,
        conninfo: str,
        schema: str,
        pool_size: int = 8,
        breaker: StoreBreaker | None = None,
        pool_timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        self.schema = schema
        self.pool_size = pool_size
        self._breaker = breaker or StoreBreaker()
        options = f"-c search_path={sql.Identifier(schema).as_string()}"
        self._pool: ConnectionPool[Any] = ConnectionPool(
            live(conninfo),
            min_size=1,
            max_size=pool_size,
            kwargs={"options": options, "connect_timeout": CONNECT_TIMEOUT},
            open=True,
            timeout=pool_timeout,
            check=check_if_stirred,
        )

    @contextmanager
    def transaction(self, *, pipelined: bool = False) -> Iterator[Tx]:
        with self._breaker.guarded(), self._pool.connection() as db:
            pipeline = db.pipeline() if pipelined else nullcontext()
            with pipeline, db.transaction(), db.cursor() as cursor:
                yield _PostgresTx(cursor)

    def close(self) -> None:
        self._pool.close()
