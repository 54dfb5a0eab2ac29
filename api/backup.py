"""Backups of the event store, portable between backends.

A backup is a SQLite file holding every stored event with its log position and every chain
link — the history, exactly as stored (ciphertext), so `audit verify` and `audit replay` prove
a restored copy — and every command receipt, so that a client retrying a command against the
restored copy still gets its first outcome instead of running it again. It holds no subject
key: keys are backed up with the key store, on their own schedule (README, "Backup and
restore"), and a restore re-applies every erasure the history records, so an older key backup
cannot bring an erased person's data back. Snapshots are left out: they are derived, and taken
again as case files change.
"""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from api.bootstrap import Parcours
from domain.collector import each_paused
from domain.ledger import fingerprints
from domain.ledger.chain.store import ChainStore
from domain.ledger.chain.tables import Reader, StoredTables, Writer
from domain.ledger.chain.verify import verify

SCHEMA = (
    "CREATE TABLE events (position INTEGER PRIMARY KEY, originator_id TEXT NOT NULL,"
    " originator_version INTEGER NOT NULL, topic TEXT NOT NULL, state BLOB NOT NULL)",
    "CREATE TABLE chain (seq INTEGER PRIMARY KEY, position INTEGER NOT NULL,"
    " stream_id TEXT NOT NULL, version INTEGER NOT NULL, hash BLOB NOT NULL)",
    "CREATE TABLE receipts (receipt_id TEXT PRIMARY KEY, command TEXT NOT NULL, target TEXT,"
    " outcome TEXT NOT NULL, recorded_at TEXT NOT NULL)",
)
"""Backups made before ADR 0006 have no `receipts` table: their receipts are events, which the
store's receipt-event trigger turns into rows as they are restored."""
BATCH = 5000
ERASED_TOPIC = "domain.case_file.layers.erasure:CaseErasure.Erased"
NOTE_ERASED_TOPIC = "domain.network.practice_note:PracticeNote.Erased"
ERASURES = (ERASED_TOPIC, NOTE_ERASED_TOPIC)
"""The events whose subject's key a restore destroys again: a young person's, a note's."""


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class BackupReport:
    events: int
    links: int
    receipts: int
    erasures_reapplied: int = 0


def backup(parcours: Parcours, out: Path) -> BackupReport:
    """Written into a private file beside `out` and renamed to it once complete: a backup that
    fails (the store unreachable, a full disk) leaves no file behind, so that running it again
    is not refused because `out` exists, and no half backup is ever taken for a whole one."""
    if out.exists():
        raise BackupError(f"{out} exists: choose a new file")
    if not out.parent.is_dir():
        raise BackupError(f"{out.parent} is not a directory")
    store = _Store(parcours)
    partial = out.with_name(f".{out.name}.partial-{uuid4().hex[:12]}")
    try:
        with _writing(out):
            target = sqlite3.connect(partial)
        try:
            with _writing(out):
                for statement in SCHEMA:
                    target.execute(statement)
            with store.tables.snapshot() as read:
                counts = _copy_out(store, read, target, out)
            with _writing(out):
                target.commit()
        finally:
            target.close()
        _move_into_place(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(*counts)


def _move_into_place(partial: Path, out: Path) -> None:
    """A hard link, which fails if `out` appeared meanwhile (a rename would replace another
    backup written there since the check), then the partial name is dropped by the caller; on
    a file system without hard links (FAT), a rename once `out` is checked absent again."""
    try:
        os.link(partial, out)
    except FileExistsError:
        raise BackupError(f"{out} exists: choose a new file") from None
    except OSError:
        if out.exists():
            raise BackupError(f"{out} exists: choose a new file") from None
        try:
            partial.rename(out)
        except OSError as error:
            raise BackupError(f"{out} cannot be written: {error.strerror}") from None


@contextmanager
def _writing(out: Path) -> Iterator[None]:
    """The backup file's own failures (a full disk, a directory not writable) named as such:
    the store's are left to the outage handling, which names them otherwise."""
    try:
        yield
    except sqlite3.Error as error:
        raise BackupError(f"{out} cannot be written: {error}") from None


def _copy_out(
    store: "_Store", read: Reader, target: sqlite3.Connection, out: Path
) -> tuple[int, int, int]:
    """Events, links and receipts, all read from one snapshot of the store: a command recorded
    meanwhile is in the backup whole (events, links and receipt) or not at all."""
    counts = [0, 0, 0]

    def events(rows: list[tuple[Any, ...]]) -> None:
        with _writing(out):
            target.executemany(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?)",
                [(p, _uuid_text(o), v, t, bytes(s)) for p, o, v, t, s in rows],
            )
        counts[0] += len(rows)

    def links(rows: list[tuple[Any, ...]]) -> None:
        with _writing(out):
            target.executemany(
                "INSERT INTO chain VALUES (?, ?, ?, ?, ?)",
                [(q, p, _uuid_text(o), v, bytes(h)) for q, p, o, v, h in rows],
            )
        counts[1] += len(rows)

    def receipts(rows: list[tuple[str, str, str | None, str, str]]) -> None:
        with _writing(out):
            target.executemany("INSERT INTO receipts VALUES (?, ?, ?, ?, ?)", rows)
        counts[2] += len(rows)

    # Each batch read and written with the cyclic collector paused (domain/collector.py).
    each_paused(store.batches(read, store.events_statement), events)
    each_paused(store.batches(read, store.chain_statement), links)
    each_paused(store.receipt_batches(read), receipts)
    return counts[0], counts[1], counts[2]


def restore(parcours: Parcours, source: Path) -> BackupReport:
    """Into an empty event store only, and only a backup whose chain verifies; the keys of
    every erased young person and practice note are destroyed before anything is written, and
    the history is loaded in one transaction: a restore that fails leaves the store empty (a
    second attempt is not refused) and never an erased person or note readable beside an older
    key backup."""
    store = _Store(parcours)
    if store.count() > 0:
        raise BackupError(
            "the event store is not empty (events or command receipts): restore into a new instance"
        )
    backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _require_backup(backup_db, source)
        _require_intact(backup_db)
        erased = [
            (UUID(str(row[0])), str(row[1]))
            for batch in _read(
                backup_db,
                "SELECT originator_id, topic FROM events WHERE topic IN (?, ?)",
                ERASURES,
            )
            for row in batch
        ]
        for subject, _ in erased:
            parcours.ledger.vault.destroy_key(subject)
        with store.tables.writing() as write:
            events = store.load_events(write, _read(backup_db, _EVENTS_IN_ORDER))
            links = store.load_chain(write, _read(backup_db, "SELECT * FROM chain ORDER BY seq"))
            store.load_receipts(write, backup_db, {str(subject) for subject, _ in erased})
    finally:
        backup_db.close()
    for subject, topic in erased:
        if topic == ERASED_TOPIC:
            parcours.ledger.forget(subject)
        else:
            parcours.ledger.forget_note(subject)
    return BackupReport(events, links, store.receipt_count(), len(erased))


_EVENTS_IN_ORDER = "SELECT * FROM events ORDER BY position"


def _require_backup(backup_db: sqlite3.Connection, source: Path) -> None:
    """A file `parcours backup` made: anything else (a text file, an empty or another SQLite
    database) ended the restore with a traceback."""
    try:
        found = {
            str(row[0])
            for row in backup_db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    except sqlite3.DatabaseError:
        found = set()
    if not {"events", "chain"} <= found:  # older backups have no receipts table
        msg = f"{source} is not a file made by `parcours backup`; nothing was restored"
        raise BackupError(msg)


def _require_intact(backup_db: sqlite3.Connection) -> None:
    """The backup's chain, verified as `audit verify` verifies a store: an edited, deleted,
    inserted or reordered event is refused before anything is written."""
    tables = StoredTables("events", "chain", "receipts", "position", False, _ReadOnly(backup_db))
    verdict = verify(ChainStore(tables))
    if not verdict.intact:
        raise BackupError(f"the backup does not verify, nothing was restored: {verdict.first}")


class _ReadOnly:
    """The backup file as `StoredTables` reads a store: a transaction is a cursor."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    @contextmanager
    def transaction(self, commit: bool) -> Iterator[sqlite3.Cursor]:
        cursor = self._db.cursor()
        try:
            yield cursor
        finally:
            cursor.close()


def _read(
    db: sqlite3.Connection, statement: str, params: tuple[Any, ...] = ()
) -> Iterator[list[tuple[Any, ...]]]:
    cursor = db.execute(statement, params)
    while rows := cursor.fetchmany(BATCH):
        yield rows


def _uuid_text(stored: object) -> str:
    """A stored id (uuid on PostgreSQL, hex text on SQLite) as canonical UUID text."""
    return str(stored if isinstance(stored, UUID) else UUID(str(stored)))


def _iso(stored: object) -> str:
    return stored.isoformat() if isinstance(stored, datetime) else str(stored)


class _Store:
    """The event and chain tables of either backend, read and written with their positions."""

    def __init__(self, parcours: Parcours) -> None:
        tables = StoredTables.of(parcours.ledger.recorder)
        self.tables = tables
        self.postgres = tables.postgres
        self.events, self.chain, self.position = tables.events, tables.chain, tables.position
        self.receipts = tables.receipts
        self.events_statement = (
            f"SELECT {self.position}, originator_id, originator_version, topic, state"  # noqa: S608
            f" FROM {self.events} WHERE {self.position} > ? ORDER BY {self.position} LIMIT ?"
        )
        self.chain_statement = (
            f"SELECT seq, position, stream_id, version, hash FROM {self.chain}"  # noqa: S608
            " WHERE seq > ? ORDER BY seq LIMIT ?"
        )

    def _run(
        self,
        statement: str,
        params: tuple[Any, ...] = (),
        many: list[Any] | None = None,
        commit: bool = False,
    ) -> list[tuple[Any, ...]]:
        return self.tables.run(statement, params, many, commit)

    def count(self) -> int:
        """Events and receipts held (a keyed command that decided nothing leaves a receipt)."""
        return int(self._run(f"SELECT COUNT(*) FROM {self.events}")[0][0]) + self.receipt_count()  # noqa: S608

    def receipt_count(self) -> int:
        return int(self._run(f"SELECT COUNT(*) FROM {self.receipts}")[0][0])  # noqa: S608

    def batches(self, read: Reader, statement: str) -> Iterator[list[tuple[Any, ...]]]:
        last = 0
        while rows := read(statement, (last, BATCH)):
            yield rows
            last = int(rows[-1][0])

    def load_events(self, write: Writer, batches: Iterator[list[tuple[Any, ...]]]) -> int:
        loaded = 0
        statement = (
            f"INSERT INTO {self.events} ({self.position}, originator_id, originator_version,"  # noqa: S608
            " topic, state) VALUES (?, ?, ?, ?, ?)"
        )
        for rows in batches:
            write(statement, [self._stream_key(r) for r in rows])
            loaded += len(rows)
        if self.postgres and loaded:
            write(
                f"SELECT setval(pg_get_serial_sequence('{self.events}', 'notification_id'),"  # noqa: S608
                f" (SELECT MAX(notification_id) FROM {self.events}))",
                None,
            )
        return loaded

    def _stream_key(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        position, originator, version, topic, state = row
        return (position, self.tables.stream_key(UUID(str(originator))), version, topic, state)

    def receipt_batches(
        self, read: Reader
    ) -> Iterator[list[tuple[str, str, str | None, str, str]]]:
        """The receipts as the backup holds them: canonical UUID text, ISO 8601 times."""
        statement = (
            f"SELECT receipt_id, command, target, outcome, recorded_at FROM {self.receipts}"  # noqa: S608
            " WHERE receipt_id > ? ORDER BY receipt_id LIMIT ?"
        )
        last: object = self.tables.stream_key(UUID(int=0))
        while rows := read(statement, (last, BATCH)):
            yield [
                (_uuid_text(r), c, None if t is None else _uuid_text(t), _uuid_text(o), _iso(at))
                for r, c, t, o, at in rows
            ]
            last = rows[-1][0]

    def load_receipts(self, write: Writer, backup_db: sqlite3.Connection, erased: set[str]) -> None:
        """Loads the backup's receipts (none in a backup made before receipts were rows), those
        of erased subjects without their fingerprints — in the load's one transaction: forgotten
        after it, a failure there left fingerprints behind and a second restore was refused
        ("not empty").

        After the events: their receipt events, if any, have become rows already (the
        receipt-event trigger), and those rows are the same receipts, so they are skipped."""
        held = backup_db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'receipts'"
        ).fetchone()
        if held is None:
            return
        statement = (
            f"INSERT INTO {self.receipts} (receipt_id, command, target, outcome, recorded_at)"  # noqa: S608
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (receipt_id) DO NOTHING"
        )
        for rows in _read(backup_db, "SELECT * FROM receipts ORDER BY receipt_id"):
            key = self._id_key
            prepared = [
                (
                    key(r),
                    fingerprints.parts(c)[0] if {t, o} & erased else c,
                    None if t is None else key(t),
                    key(o),
                    at,
                )
                for r, c, t, o, at in rows
            ]
            write(statement, prepared)

    def _id_key(self, text: str) -> object:
        return self.tables.stream_key(UUID(text))

    def load_chain(self, write: Writer, batches: Iterator[list[tuple[Any, ...]]]) -> int:
        loaded = 0
        statement = f"INSERT INTO {self.chain} VALUES (?, ?, ?, ?, ?)"  # noqa: S608
        for rows in batches:
            prepared = [
                (seq, position, UUID(stream) if self.postgres else stream, version, digest)
                for seq, position, stream, version, digest in rows
            ]
            write(statement, prepared)
            loaded += len(rows)
        return loaded
