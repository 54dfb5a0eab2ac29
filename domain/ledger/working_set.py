"""The aggregates commands decide on, kept in memory between commands without being copied.

Reloading a case file for every command (snapshot + events, or a deep copy of a cached one)
was most of a command's cost, and grew with the case's history. Commands are decided one at a
time per process (see `group_commit`), so they can share the very objects: an aggregate stays
here after a command saved it, and is forgotten as soon as a decision or a save fails, because
it may then hold changes the store never accepted.

Other processes write to the same store, so an entry is trusted for `freshness` seconds after
it was last read or written, then fast-forwarded from the store before use. A command deciding
on a stale aggregate cannot do harm: saving collides on the stream's next version, and the
command is decided again on fresh state.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from uuid import UUID

from eventsourcing.domain import Aggregate

Monotonic = Callable[[], float]


class WorkingSet:
    def __init__(
        self, capacity: int, freshness: float = 1.0, monotonic: Monotonic = time.monotonic
    ) -> None:
        self.capacity = capacity
        self.freshness = freshness
        self._monotonic = monotonic
        self._entries: OrderedDict[UUID, tuple[Aggregate, float]] = OrderedDict()
        self._local = threading.local()

    @contextmanager
    def decision(self) -> Iterator[set[UUID]]:
        """Marks the current thread as deciding a command; yields the ids it loads."""
        seen: set[UUID] = set()
        self._local.seen = seen
        try:
            yield seen
        finally:
            self._local.seen = None

    @property
    def deciding(self) -> bool:
        return getattr(self._local, "seen", None) is not None

    def lookup(self, aggregate_id: UUID) -> tuple[Aggregate, bool] | None:
        """The kept aggregate and whether it is still fresh, noting that the decision saw it."""
        self._local.seen.add(aggregate_id)
        entry = self._entries.get(aggregate_id)
        if entry is None:
            return None
        self._entries.move_to_end(aggregate_id)
        aggregate, verified_at = entry
        return aggregate, self._monotonic() - verified_at <= self.freshness

    def note(self, aggregate_id: UUID) -> None:
        """Notes that the current decision read this aggregate (even from the store)."""
        self._local.seen.add(aggregate_id)

    def keep(self, aggregates: Iterable[Aggregate]) -> None:
        """Keeps aggregates whose state is exactly what the store holds (just read or saved)."""
        if self.capacity == 0:
            return
        now = self._monotonic()
        for aggregate in aggregates:
            self._entries[aggregate.id] = (aggregate, now)
            self._entries.move_to_end(aggregate.id)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def forget(self, aggregate_ids: Iterable[UUID]) -> None:
        for aggregate_id in aggregate_ids:
            self._entries.pop(aggregate_id, None)

    def __len__(self) -> int:
        return len(self._entries)
