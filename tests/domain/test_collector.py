"""The cyclic collector is paused over bulk work and always comes back: a process whose
collector stayed off would keep every reference cycle it ever made."""

import gc
import threading
from collections.abc import Iterator

import pytest

from domain.collector import collector_paused, each_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def _failing_batch() -> None:
    with collector_paused():
        assert not gc.isenabled()
        msg = "the batch failed"
        raise RuntimeError(msg)


def test_the_collector_is_off_inside_and_on_after_even_when_the_work_fails() -> None:
    with pytest.raises(RuntimeError):
        _failing_batch()

    assert gc.isenabled()


def test_overlapping_sections_keep_it_off_until_the_last_one_closes() -> None:
    """An import beside the projection worker: the first to finish must not turn it on under
    the other."""
    first_open, second_open, first_closed = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def second() -> None:
        first_open.wait()
        with collector_paused():
            second_open.set()
            first_closed.wait()
            seen.append(gc.isenabled())

    thread = threading.Thread(target=second)
    thread.start()
    with collector_paused():
        first_open.set()
        second_open.wait()
    first_closed.set()
    thread.join()

    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off() -> None:
    gc.disable()
    with collector_paused(), collector_paused():
        pass

    assert not gc.isenabled()


def test_each_batch_is_read_and_worked_on_paused_and_the_pause_ends_with_the_work() -> None:
    seen: list[tuple[str, bool]] = []

    def batches() -> Iterator[int]:
        for n in range(3):
            seen.append(("read", gc.isenabled()))
            yield n

    def work(batch: int) -> None:
        seen.append(("work", gc.isenabled()))
        if batch == 1:
            msg = "this batch cannot be written"
            raise RuntimeError(msg)

    with pytest.raises(RuntimeError):
        each_paused(batches(), work)

    assert seen == [("read", False), ("work", False), ("read", False), ("work", False)]
    assert gc.isenabled()
