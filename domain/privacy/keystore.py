"""Where subject keys live: never beside the events, always wrapped by a key-encryption key.

Two stores share one protocol. SQLite keeps keys in their own file with `secure_delete` on, so a
destroyed key's bytes are overwritten in the file, not merely unlinked from the b-tree. PostgreSQL
cannot promise that (dead tuples, WAL, backups), which is why every key is wrapped by a KEK that
lives outside the database: rotating the KEK turns any residue of a destroyed key into noise.
"""

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol
from uuid import UUID

from psycopg import Connection, sql
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool

from domain.liveness import live
from domain.pool_check import check_if_stirred
from domain.store_breaker import StoreBreaker


class KeyStore(Protocol):
    def put(self, subject: UUID, kek_id: str, wrapped: bytes) -> bool:
        """Stores the subject's first key; False (and nothing changed) when it has one."""
        ...

    def put_many(self, keys: Sequence[tuple[UUID, str, bytes]]) -> set[UUID]:
        """Stores each subject's first key, all in one transaction; the subjects that already
        had one (whose given key was not stored)."""
        ...

    def get(self, subject: UUID) -> tuple[str, bytes] | None: ...

    def get_many(self, subjects: Sequence[UUID]) -> dict[UUID, tuple[str, bytes]]:
        """The stored keys of many subjects at once (those without a key are absent)."""
        ...

    def delete(self, subject: UUID) -> bool: ...

    def wrapped_by_others(self, kek_id: str) -> list[tuple[UUID, str, bytes]]:
        """Every key wrapped by another KEK than `kek_id` (what a rotation must re-wrap)."""
        ...

    def replace(self, subject: UUID, kek_id: str, wrapped: bytes) -> None: ...


_SQLITE_VARIABLES = 500
"""Subjects per query: far below SQLite's limit on a statement's parameters."""


class InMemoryKeyStore:
    """For domain tests: same behaviour, no file."""

    def __init__(self) -> None:
        self._keys: dict[UUID, tuple[str, bytes]] = {}
        self._lock = threading.Lock()

    def put(self, subject: UUID, kek_id: str, wrapped: bytes) -> bool:
        with self._lock:
            return self._keys.setdefault(subject, (kek_id, wrapped)) == (kek_id, wrapped)

    def put_many(self, keys: Sequence[tuple[UUID, str, bytes]]) -> set[UUID]:
        return {
            subject for subject, kek_id, wrapped in keys if not self.put(subject, kek_id, wrapped)
        }

    def get(self, subject: UUID) -> tuple[str, bytes] | None:
        return self._keys.get(subject)

    def get_many(self, subjects: Sequence[UUID]) -> dict[UUID, tuple[str, bytes]]:
        return {s: self._keys[s] for s in subjects if s in self._keys}

    def delete(self, subject: UUID) -> bool:
        with self._lock:
            return self._keys.pop(subject, None) is not None

    def wrapped_by_others(self, kek_id: str) -> list[tuple[UUID, str, bytes]]:
        return [(s, k, w) for s, (k, w) in list(self._keys.items()) if k != kek_id]

    def replace(self, subject: UUID, kek_id: str, wrapped: bytes) -> None:
        with self._lock:
            if subject in self._keys:
                self._keys[subject] = (kek_id, wrapped)


CONNECT_TIMEOUT = 3
"""Seconds to reach PostgreSQL before calling it an outage (a 503), rather than hanging."""

_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS subject_keys (
    subject_id BLOB PRIMARY KEY,
    kek_id TEXT NOT NULL,
    wrapped BLOB NOT NULL
) WITHOUT ROWID
"""


class SQLiteKeyStore:
    """Keys in their own SQLite file, `secure_delete` on, in rollback-journal mode.

    WAL mode would keep copies of deleted pages in the `-wal` file until a checkpoint; the
    classic journal with `secure_delete` zeroes freed content in place at commit.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute(_SQLITE_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = sqlite3.connect(self._path, timeout=30, isolation_level=None)
            try:
                db.execute("PRAGMA secure_delete=ON")
                db.execute("PRAGMA journal_mode=DELETE")
                db.execute("BEGIN IMMEDIATE")
                yield db
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK") if db.in_transaction else None
                raise
            finally:
                db.close()

    def put(self, subject: UUID, kek_id: str, wrapped: bytes) -> bool:
        with self._connect() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO subject_keys VALUES (?, ?, ?)",
                (subject.bytes, kek_id, wrapped),
            )
            return inserted.rowcount == 1

    def put_many(self, keys: Sequence[tuple[UUID, str, bytes]]) -> set[UUID]:
        kept: set[UUID] = set()
        with self._connect() as db:
            for subject, kek_id, wrapped in keys:
                inserted = db.execute(
                    "INSERT OR IGNORE INTO subject_keys VALUES (?, ?, ?)",
                    (subject.bytes, kek_id, wrapped),
                )
                if inserted.rowcount != 1:
                    kept.add(subject)
        return kept

    def get(self, subject: UUID) -> tuple[str, bytes] | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT kek_id, wrapped FROM subject_keys WHERE subject_id = ?", (subject.bytes,)
            ).fetchone()
        return None if row is None else (str(row[0]), bytes(row[1]))

    def get_many(self, subjects: Sequence[UUID]) -> dict[UUID, tuple[str, bytes]]:
        found: dict[UUID, tuple[str, bytes]] = {}
        with self._connect() as db:
            for start in range(0, len(subjects), _SQLITE_VARIABLES):
                chunk = [s.bytes for s in subjects[start : start + _SQLITE_VARIABLES]]
                marks = ", ".join("?" * len(chunk))
                rows = db.execute(
                    "SELECT subject_id, kek_id, wrapped FROM subject_keys"  # noqa: S608
                    f" WHERE subject_id IN ({marks})",
                    chunk,
                ).fetchall()
                found.update({UUID(bytes=bytes(r[0])): (str(r[1]), bytes(r[2])) for r in rows})
        return found

    def delete(self, subject: UUID) -> bool:
        with self._connect() as db:
            cursor = db.execute("DELETE FROM subject_keys WHERE subject_id = ?", (subject.bytes,))
        return cursor.rowcount > 0

    def wrapped_by_others(self, kek_id: str) -> list[tuple[UUID, str, bytes]]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT subject_id, kek_id, wrapped FROM subject_keys WHERE kek_id != ?",
                (kek_id,),
            ).fetchall()
        return [(UUID(bytes=bytes(r[0])), str(r[1]), bytes(r[2])) for r in rows]

    def replace(self, subject: UUID, kek_id: str, wrapped: bytes) -> None:
        with self._connect() as db:
            db.execute(
                "UPDATE subject_keys SET kek_id = ?, wrapped = ? WHERE subject_id = ?",
                (kek_id, wrapped, subject.bytes),
            )


class PostgresKeyStore:
    """Keys in a table of their own, in the ledger's schema, wrapped by the KEK."""

    def __init__(self, conninfo: str, schema: str, breaker: StoreBreaker | None = None) -> None:
        self._breaker = breaker or StoreBreaker()
        self._pool = ConnectionPool(
            live(conninfo),
            min_size=1,
            max_size=4,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT},
            open=True,
            timeout=CONNECT_TIMEOUT,
            check=check_if_stirred,
        )
        self._table = sql.Identifier(schema, "parcours_subject_keys")
        with self._connect() as db:
            db.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (subject_id uuid PRIMARY KEY, "
                    "kek_id text NOT NULL, wrapped bytea NOT NULL)"
                ).format(self._table)
            )

    @contextmanager
    def _connect(self) -> Iterator[Connection[TupleRow]]:
        with self._breaker.guarded(), self._pool.connection() as db:
            yield db

    def close(self) -> None:
        self._pool.close()

    def put(self, subject: UUID, kek_id: str, wrapped: bytes) -> bool:
        with self._connect() as db:
            inserted = db.execute(
                sql.SQL("INSERT INTO {} VALUES (%s, %s, %s) ON CONFLICT DO NOTHING").format(
                    self._table
                ),
                (subject, kek_id, wrapped),
            )
            return inserted.rowcount == 1

    def put_many(self, keys: Sequence[tuple[UUID, str, bytes]]) -> set[UUID]:
        if not keys:
            return set()
        subjects, kek_ids, wrapped = (list(column) for column in zip(*keys, strict=True))
        with self._connect() as db:
            stored = db.execute(
                sql.SQL(
                    "INSERT INTO {} SELECT * FROM unnest(%s::uuid[], %s::text[], %s::bytea[])"
                    " ON CONFLICT DO NOTHING RETURNING subject_id"
                ).format(self._table),
                (subjects, kek_ids, wrapped),
            ).fetchall()
        return set(subjects) - {UUID(str(row[0])) for row in stored}

    def get(self, subject: UUID) -> tuple[str, bytes] | None:
        with self._connect() as db:
            row = db.execute(
                sql.SQL("SELECT kek_id, wrapped FROM {} WHERE subject_id = %s").format(self._table),
                (subject,),
            ).fetchone()
        return None if row is None else (str(row[0]), bytes(row[1]))

    def get_many(self, subjects: Sequence[UUID]) -> dict[UUID, tuple[str, bytes]]:
        with self._connect() as db:
            rows = db.execute(
                sql.SQL(
                    "SELECT subject_id, kek_id, wrapped FROM {} WHERE subject_id = ANY(%s)"
                ).format(self._table),
                (list(subjects),),
            ).fetchall()
        return {UUID(str(r[0])): (str(r[1]), bytes(r[2])) for r in rows}

    def delete(self, subject: UUID) -> bool:
        with self._connect() as db:
            cursor = db.execute(
                sql.SQL("DELETE FROM {} WHERE subject_id = %s").format(self._table), (subject,)
            )
        return cursor.rowcount > 0

    def wrapped_by_others(self, kek_id: str) -> list[tuple[UUID, str, bytes]]:
        with self._connect() as db:
            rows = db.execute(
                sql.SQL("SELECT subject_id, kek_id, wrapped FROM {} WHERE kek_id <> %s").format(
                    self._table
                ),
                (kek_id,),
            ).fetchall()
        return [(UUID(str(r[0])), str(r[1]), bytes(r[2])) for r in rows]

    def replace(self, subject: UUID, kek_id: str, wrapped: bytes) -> None:
        with self._connect() as db:
            db.execute(
                sql.SQL("UPDATE {} SET kek_id = %s, wrapped = %s WHERE subject_id = %s").format(
                    self._table
                ),
                (kek_id, wrapped, subject),
            )
