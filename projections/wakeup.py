"""How an idle projection worker learns that the ledger moved: told at once, or after a pause.

On PostgreSQL the ledger's append function notifies a channel in the inserting transaction, so
the worker LISTENs and wakes as soon as a write commits (DESIGN.md P7: visible in the timeline
within 50 ms at p99), instead of finding out at its next poll. A lost connection only makes it
fall back to waiting out the pause, and it listens again on the next wait. SQLite has no such
signal: the worker polls.
"""

import logging
import threading
from typing import Protocol

import psycopg
from psycopg import sql

from domain.liveness import live

log = logging.getLogger("parcours.projections")


class Wakeup(Protocol):
    def wait(self, timeout: float) -> None:
        """Returns when the ledger may have new events, or after `timeout` seconds."""

    def close(self) -> None: ...


class Pause:
    def __init__(self) -> None:
        self._closed = threading.Event()

    def wait(self, timeout: float) -> None:
        self._closed.wait(timeout)

    def close(self) -> None:
        self._closed.set()


class Listener:
    def __init__(self, url: str, channel: str) -> None:
        self._url = url
        self._channel = channel
        self._connection: psycopg.Connection[tuple[object, ...]] | None = None
        self._fallback = Pause()

    def wait(self, timeout: float) -> None:
        try:
            connection = self._listening()
            for _ in connection.notifies(timeout=timeout, stop_after=1):
                break
        except psycopg.Error as error:
            log.warning("not listening for new events (%s); polling meanwhile", error)
            self._drop()
            self._fallback.wait(timeout)

    def _listening(self) -> "psycopg.Connection[tuple[object, ...]]":
        if self._connection is None or self._connection.closed:
            connection = psycopg.connect(live(self._url), autocommit=True, connect_timeout=2)
            connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
            self._connection = connection
        return self._connection

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None

    def close(self) -> None:
        self._fallback.close()
        self._drop()
