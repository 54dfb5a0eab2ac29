"""The next batch of the log, read and decoded while the current one is applied.

A long catch-up (a rebuild, a worker back after downtime) alternates reading and decoding a
batch of the log (Python, on the runner's thread) with applying it (handlers, then waiting on
PostgreSQL). One after the other, the process decodes nothing while the database works: reading
the next batch ahead, on a thread of its own, fills those waits. A batch read ahead is used
only if the next batch starts where it does; it is the log's next events after that position,
as a read at that moment would give them (positions commit in order: see `source.py`).
"""

from collections.abc import Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from threading import Lock

from projections.projection import Recorded, decode_handled
from projections.source import EventSource


@dataclass(frozen=True)
class _Pending:
    after: int
    batch: "Future[list[Recorded]]"


class ReadAhead:
    def __init__(self, source: EventSource) -> None:
        self._source = source
        self._pending: _Pending | None = None
        self._reader: ThreadPoolExecutor | None = None
        self._lock = Lock()
        self._closed = False

    def start(self, after: int, limit: int, names: Collection[str]) -> None:
        """Reads the batch of `limit` events after `after` in the background, decoding the
        events named (those the generations being written handle)."""
        with self._lock:
            if self._closed:
                return
            if self._reader is None:
                self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parcours-read")
            read = self._reader.submit(self._read, after, limit, names)
            self._pending = _Pending(after, read)

    def take(self, after: int) -> list[Recorded] | None:
        """The batch read ahead, if it is the one after `after` (raising what its read raised);
        None otherwise, and the caller reads it now."""
        pending, self._pending = self._pending, None
        if pending is None or pending.after != after:
            return None
        return pending.batch.result()

    def drop(self) -> None:
        """Forgets the batch read ahead: a later catch-up reads afresh."""
        self._pending = None

    def close(self) -> None:
        """Stops the reading thread, after the read in flight (before the stores close)."""
        with self._lock:
            self._closed = True
            reader, self._reader = self._reader, None
        self._pending = None
        if reader is not None:
            reader.shutdown(wait=True)

    def _read(self, after: int, limit: int, names: Collection[str]) -> list[Recorded]:
        batch = list(self._source.read(after, limit))
        decode_handled(batch, names)
        return batch
