"""Writing what commands decided: encoded where they were decided, written by the appender.

A batch of commands costs the leader two things in turn: deciding and encoding (Python, under
the GIL) and the append's round trip and commit (waiting on the database, GIL released). Done
one after the other, the process decides nothing while PostgreSQL commits. The appender writes
one encoded batch on a thread of its own while the leader decides the next one; the ledger
never sends a batch before the previous one is known to be committed (`LedgerCore._settle`),
so at most one append is in flight and the chain's order is the order of decision.

Snapshots are encoded with their batch, from the aggregates as they were decided: by the time
the write happens the next batch may already have moved those aggregates on. A snapshot that
cannot be written is only logged: it is a shortcut for loading, and the events it summarises
are committed — failing their commands would report as lost what the ledger holds.
"""

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from eventsourcing.persistence import AggregateRecorder, ApplicationRecorder, StoredEvent

from domain.ledger.receipt import Receipt

logger = logging.getLogger(__name__)


class LedgerClosed(RuntimeError):
    """A write reached a ledger after its `close`: refused rather than quietly opening a thread
    or a connection that nothing would close again."""

    def __init__(self) -> None:
        super().__init__("the ledger is closed")


@dataclass(frozen=True)
class Encoded:
    """A batch's events, due snapshots and receipts, ready to write."""

    events: list[StoredEvent]
    snapshots: list[StoredEvent]
    receipts: list[Receipt]


class Appender:
    def __init__(
        self, recorder: ApplicationRecorder, snapshots: AggregateRecorder | None = None
    ) -> None:
        self._recorder = recorder
        self._snapshots = snapshots
        self._thread: ThreadPoolExecutor | None = None
        self._closed = False

    def write(self, encoded: Encoded) -> None:
        """Appends the events and receipts in one transaction (raising what the store raised),
        then the snapshots."""
        if not encoded.events and not encoded.receipts:
            return
        self._recorder.insert_events(encoded.events, receipts=encoded.receipts)
        if self._snapshots is not None and encoded.snapshots:
            try:
                self._snapshots.insert_events(encoded.snapshots)
            except Exception:
                logger.warning("a snapshot was not written; loads replay more", exc_info=True)

    def send(self, encoded: Encoded) -> "Future[None]":
        """Writes on the appender's thread; the future tells how it went."""
        if self._closed:
            raise LedgerClosed
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parcours-append")
        return self._thread.submit(self.write, encoded)

    def close(self, *, wait: bool = True) -> None:
        """Stops the appender's thread, after the write in flight if `wait` (without waiting,
        that write still completes and the thread then ends)."""
        self._closed = True
        if self._thread is not None:
            self._thread.shutdown(wait=wait)
            self._thread = None
