"""A circuit breaker in front of PostgreSQL: while it is known to be down, fail at once.

When the server stops, every call waits for its connection pool to give up (seconds), and the
API's threads pile up behind those waits: clients then get their 503 after a long time, or not
at all. Once a call has found the server unreachable, the breaker fails the next calls at once
for `cooldown` seconds; after that, the next call first probes the server with a bare connection
(refused at once while it is down, where a pool would wait for its timeout) and the breaker
closes when the probe connects. Without a probe, that call itself goes through as the probe.
The failure raised is a psycopg OperationalError, so every layer treats it as the outage it is
(a 503 with Retry-After; the worker backs off).

A pool that gave up waiting for one of its connections (`PoolTimeout`, an OperationalError too)
may mean a server gone, or only every connection busy (a burst of readers, a long catch-up).
The probe tells them apart; only a server gone opens the breaker, or one busy moment would
turn every request away for the cooldown. The caller's answer is the same 503 either way (a
request may have waited for a server that came back while it waited: it cannot tell which).
"""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
from psycopg_pool import PoolTimeout

from domain.causes import causes

Monotonic = Callable[[], float]


class StoreUnreachable(psycopg.OperationalError):
    """The database was found unreachable moments ago; this call did not try again."""


def _unreachable(error: BaseException) -> bool:
    """A driver's OperationalError anywhere in the cause chain (libraries wrap it), other than
    the breaker's own refusal and a server's answer that it is busy (`busy`)."""
    for link in causes(error):
        if isinstance(link, StoreUnreachable) or busy(link):
            return False
        if isinstance(link, psycopg.OperationalError):
            return True
    return False


def busy(error: BaseException) -> bool:
    """The server answered that a lock or statement timed out: it is up, and busy."""
    return isinstance(error, psycopg.errors.LockNotAvailable | psycopg.errors.QueryCanceled)


class StoreBreaker:
    def __init__(
        self,
        cooldown: float = 0.5,
        monotonic: Monotonic = time.monotonic,
        probe: Callable[[], None] | None = None,
    ) -> None:
        self.cooldown = cooldown
        self._probe = probe
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._open_until: float | None = None
        self._probing = False

    @contextmanager
    def guarded(self) -> Iterator[None]:
        """Runs the block unless the server is known to be down; notes what the block found."""
        probe = self._admit()
        try:
            yield
        except BaseException as error:
            if _unreachable(error) and not self._only_busy(error):
                self._trip()
            elif probe:
                self._release_probe()
            raise
        else:
            self._close()

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._open_until is not None

    def _admit(self) -> bool:
        """True when this call probes a server that was down; raises when it may not try."""
        with self._lock:
            if self._open_until is None:
                return False
            if self._monotonic() < self._open_until or self._probing:
                raise StoreUnreachable("the database was unreachable moments ago")
            self._probing = True
        if self._probe is None:
            return True
        try:
            self._probe()
        except Exception as error:
            self._trip()
            raise StoreUnreachable("the database is unreachable") from error
        self._close()
        return False

    def _only_busy(self, error: BaseException) -> bool:
        """True when a pool timed out while the server answers a bare connection (False
        without a probe: nothing tells a busy pool from a server gone, and failing fast is
        the safer guess)."""
        if self._probe is None or not any(isinstance(link, PoolTimeout) for link in causes(error)):
            return False
        try:
            self._probe()
        except Exception:
            return False
        return True

    def _trip(self) -> None:
        with self._lock:
            self._open_until = self._monotonic() + self.cooldown
            self._probing = False

    def _close(self) -> None:
        with self._lock:
            self._open_until = None
            self._probing = False

    def _release_probe(self) -> None:
        with self._lock:
            self._probing = False
