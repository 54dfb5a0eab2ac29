"""What a generation's handlers wrote and will look up again, kept so they need not read it back.

A handler that needs a fact an earlier event wrote (the domain of the referral an acceptance
answers, say) reads it from its tables. On PostgreSQL that read ends the batch's pipeline: a
round trip per event, the costliest thing a rebuild did for such events. The facts a memo
keeps are those a row never changes once written, so a memo is right as long as it holds only
rows of committed batches and of the transaction being written: the runner gives each
generation its own memo and forgets it whenever a batch of that generation is not committed.

Bounded, so a rebuild runs in constant memory: past `capacity` entries the oldest go first
(facts are mostly looked up soon after they are written), and a fact not found here is read
from the table as before.
"""

from collections.abc import Hashable

CAPACITY = 20_000
"""Entries a memo keeps (a few MB): enough for the facts of the recent part of the log."""


class Memo:
    __slots__ = ("_capacity", "_known")

    def __init__(self, capacity: int = CAPACITY) -> None:
        if capacity < 1:
            msg = f"capacity must be at least 1 (got {capacity})"
            raise ValueError(msg)
        self._capacity = capacity
        self._known: dict[Hashable, object] = {}

    def get(self, key: Hashable) -> object | None:
        return self._known.get(key)

    def put(self, key: Hashable, value: object) -> None:
        known = self._known
        if len(known) >= self._capacity and key not in known:
            del known[next(iter(known))]
        known[key] = value

    def forget(self) -> None:
        self._known.clear()

    def __len__(self) -> int:
        return len(self._known)
