"""Shutting down while the projection worker is busy: it stops between two batches, its lock
is released once whichever thread gets there first, and every store is closed even if one
part fails to."""

import fcntl
import threading
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest

from projections.leadership import AdvisoryLeadership, FileLeadership, Leadership
from projections.projection import Recorded
from tests.projections.conftest import World

INTERLEAVE_SECONDS = 1.0
"""How long a release waits for the other inside the unlock, to overlap them if they can."""


def test_a_worker_asked_to_stop_stops_between_two_batches(world: World) -> None:
    for _ in range(3):
        world.network.enrol()
    runner = world.parcours.projections
    runner.prepare()
    runner.batch_size = 2
    stop = threading.Event()
    read = runner.source.read

    def read_then_stop(after: int, limit: int) -> list[Recorded]:
        stop.set()  # asked to stop while this batch is applied
        return read(after, limit)

    runner.source.read = read_then_stop  # type: ignore[method-assign]

    assert runner.catch_up(stop=stop) == 2
    assert runner.source.head() > 2


class SlowSession:
    """A leadership session whose unlock waits for a second caller, if one comes."""

    def __init__(self) -> None:
        self.both_inside = threading.Barrier(2, timeout=INTERLEAVE_SECONDS)
        self.closed = 0

    def execute(self, *_: Any) -> None:
        with suppress(threading.BrokenBarrierError):  # the other found nothing to release
            self.both_inside.wait()

    def close(self) -> None:
        self.closed += 1


def released_by_two_threads(leadership: Leadership) -> list[BaseException]:
    """Releases from two threads at once; what either raised."""
    failures: list[BaseException] = []

    def release() -> None:
        try:
            leadership.release()
        except BaseException as error:
            failures.append(error)

    both = [threading.Thread(target=release) for _ in range(2)]
    for thread in both:
        thread.start()
    for thread in both:
        thread.join()
    return failures


def test_the_lock_released_by_two_threads_at_once_is_released_once() -> None:
    leadership = AdvisoryLeadership("postgresql://unused", "key")
    session = SlowSession()
    leadership._db = session  # type: ignore[assignment]

    assert released_by_two_threads(leadership) == []
    assert session.closed == 1
    assert not leadership.holds()


def test_every_part_is_closed_even_when_one_fails(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    parcours = world.parcours
    closed: list[str] = []

    def refuse() -> None:
        msg = "the lock's session is gone"
        raise RuntimeError(msg)

    def record(name: str, part: object) -> None:
        close = getattr(part, "close", None)
        if close is None:
            return  # nothing to close (SQLite's key store opens a connection per call)

        def closing() -> None:
            closed.append(name)
            close()

        monkeypatch.setattr(part, "close", closing)

    monkeypatch.setattr(parcours.projections.leadership, "release", refuse)
    for name in ("read_store", "ledger", "key_store"):
        record(name, getattr(parcours, name))

    with pytest.raises(RuntimeError, match="session is gone"):
        parcours.close()

    expected = ["read_store", "ledger", "key_store"]
    assert closed == [name for name in expected if hasattr(getattr(parcours, name), "close")]
    assert "read_store" in closed
    assert "ledger" in closed


def test_the_file_lock_released_by_two_threads_at_once_is_released_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    leadership = FileLeadership(tmp_path / "projections.lock")
    assert leadership.try_acquire()
    both_inside = threading.Barrier(2, timeout=INTERLEAVE_SECONDS)
    unlock = fcntl.flock

    def slow_unlock(fd: int, operation: int) -> None:
        with suppress(threading.BrokenBarrierError):  # the other found nothing to release
            both_inside.wait()
        unlock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", slow_unlock)

    assert released_by_two_threads(leadership) == []
    assert not leadership.holds()
