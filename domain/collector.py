"""The cyclic garbage collector, paused over bounded bulk work.

A rebuild batch, an import chunk or an export's batch of staged rows allocates hundreds of
thousands of objects — rows, decoded events, aggregates' events, Arrow values — that live until
the batch is done. CPython's collector scans the youngest objects every 700 allocations and
scans the survivors again as they age, beside every long-lived object (the working set, the
caches): work that finds nothing here, since that data holds no reference cycles, and that
cost a rebuild 15 % of its time, an import a fifth of its CPU and an export 12 % (README,
"Performance"). Reference counting still frees every object the moment it is dropped; only
objects in cycles wait, until the section ends, so memory stays bounded by what one section
holds.

The collector is one per process, and sections may overlap (an import beside the projection
worker): it is disabled when the first section opens and enabled again when the last one
closes — unless it was disabled before the first opened.
"""

import gc
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


class _Sections:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = 0
        self._restore = False

    def open(self) -> None:
        with self._lock:
            if self._open == 0:
                self._restore = gc.isenabled()
                gc.disable()
            self._open += 1

    def close(self) -> None:
        with self._lock:
            self._open -= 1
            if self._open == 0 and self._restore:
                gc.enable()


_SECTIONS = _Sections()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Runs the block with the cyclic collector paused (see the module's docstring)."""
    _SECTIONS.open()
    try:
        yield
    finally:
        _SECTIONS.close()


def each_paused(batches: Iterable[T], work: Callable[[T], None]) -> None:
    """Reads each batch and works on it with the collector paused, one batch at a time (the
    pause never outlives a batch, even if the work stops early)."""
    iterator = iter(batches)
    while True:
        with collector_paused():
            try:
                batch = next(iterator)
            except StopIteration:
                return
            work(batch)
