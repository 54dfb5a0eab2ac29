"""Only one process runs the projections at a time; the others wait their turn.

PostgreSQL: a session advisory lock on a dedicated connection. SQLite: an exclusive `flock` on a
file in the data dir. Both are released by the operating system or the server when the holder
dies, even by SIGKILL, so a crashed worker never blocks its successor.
"""

import fcntl
import os
import threading
from contextlib import suppress
from pathlib import Path
from typing import Protocol

import psycopg

from domain.liveness import live

CONNECT_TIMEOUT = 3


class Leadership(Protocol):
    def try_acquire(self) -> bool: ...

    def holds(self) -> bool:
        """Whether this process still leads; False once the lock may have been lost."""

    def release(self) -> None: ...


class SoleLeadership:
    """For a private scratch store (a replay, an export at a past position): nobody else can
    lead it."""

    def try_acquire(self) -> bool:
        return True

    def holds(self) -> bool:
        return True

    def release(self) -> None:
        return None


class FileLeadership:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None
        self._releasing = threading.Lock()  # the worker's thread and the closing one may race

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def holds(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Once, whichever thread gets there first: a descriptor closed twice may by then be
        another file's."""
        with self._releasing:
            fd, self._fd = self._fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


class AdvisoryLeadership:
    def __init__(self, conninfo: str, key: str) -> None:
        self._conninfo = conninfo
        self._key = key
        self._db: psycopg.Connection[tuple[object, ...]] | None = None
        self._releasing = threading.Lock()  # the worker's thread and the closing one may race

    def try_acquire(self) -> bool:
        if self.holds():
            return True
        db = psycopg.connect(live(self._conninfo), autocommit=True, connect_timeout=CONNECT_TIMEOUT)
        row = db.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (self._key,)).fetchone()
        if row is None or not row[0]:
            db.close()
            return False
        self._db = db
        return True

    def holds(self) -> bool:
        """The session lock lives as long as its connection: when the server restarted, the
        connection is dead and the lock is gone (another worker may hold it now)."""
        db = self._db  # once: another thread may release it meanwhile
        if db is None:
            return False
        try:
            db.execute("SELECT 1")
        except psycopg.Error:
            self.release()
            return False
        return True

    def release(self) -> None:
        """Unlocks, then closes. Closing alone ends the session, but the server drops its locks
        only as its backend exits, after the client has moved on: the next worker's attempt
        could still find the lock held (seen once in 300 hand-overs on a loaded machine)."""
        with self._releasing:
            db, self._db = self._db, None
        if db is not None:
            with suppress(psycopg.Error):  # a dead session holds nothing any more
                db.execute("SELECT pg_advisory_unlock(hashtext(%s))", (self._key,))
            db.close()
