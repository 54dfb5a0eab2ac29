"""The subscriptions a process is serving, counted once each knows where it starts.

A subscription sends the changes recorded after the log position it read when it started; a
change recorded before that is history, which the client reads by a query. So a client that
subscribes and then acts must know that the subscription has started, or its own change may
land before the start and never be sent: a fixed pause after subscribing did not hold on a
loaded machine. Operators see the count in `/readyz`.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class LiveSubscriptions:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._started = 0

    @property
    def count(self) -> int:
        """Served now."""
        return self._count

    @property
    def started(self) -> int:
        """Started since the process began: a client waiting for its own subscription waits
        for this to grow, which another subscription ending cannot undo."""
        return self._started

    @contextmanager
    def serving(self) -> Iterator[None]:
        """Counts one subscription for as long as it is served."""
        with self._lock:
            self._count += 1
            self._started += 1
        try:
            yield
        finally:
            with self._lock:
                self._count -= 1
