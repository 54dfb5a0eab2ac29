"""A long-running command stops on SIGTERM or SIGINT, whatever its threads are doing."""

import os
import signal
import threading

import pytest

from api.cli.until_signalled import STOPPING, run_until_signalled

DEADLOCK_GUARD = 60.0
"""Seconds before a handler still blocked counts as a hang (it returns at once when right)."""


@pytest.mark.parametrize("signum", STOPPING)
def test_a_signal_stops_the_work_and_the_handlers_are_put_back(signum: int) -> None:
    before = {s: signal.getsignal(s) for s in STOPPING}
    stopped: list[bool] = []

    def work(stop: threading.Event) -> None:
        os.kill(os.getpid(), signum)
        stopped.append(stop.wait(DEADLOCK_GUARD))

    run_until_signalled(work)

    assert stopped == [True]
    assert {s: signal.getsignal(s) for s in STOPPING} == before


def test_the_handler_takes_no_lock_of_the_stop_event() -> None:
    """On the main thread, a handler may run inside `stop.wait`, which holds the event's lock:
    a handler waiting for that lock would wait for ever. Here another thread holds it."""
    returned: list[bool] = []

    def work(stop: threading.Event) -> None:
        handler = signal.getsignal(signal.SIGTERM)
        assert callable(handler)
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            with stop._cond:  # type: ignore[attr-defined]  # as `stop.wait` holds it
                held.set()
                release.wait()

        holder = threading.Thread(target=hold)
        holder.start()
        held.wait()
        done = threading.Event()

        def call() -> None:
            handler(signal.SIGTERM, None)
            done.set()

        caller = threading.Thread(target=call)
        caller.start()
        returned.append(done.wait(DEADLOCK_GUARD))
        release.set()
        holder.join()
        caller.join()
        stop.wait(DEADLOCK_GUARD)

    run_until_signalled(work)

    assert returned == [True]


def test_what_the_work_raised_is_raised_to_the_caller() -> None:
    def work(stop: threading.Event) -> None:
        msg = "the store is gone"
        raise RuntimeError(msg)

    with pytest.raises(RuntimeError, match="the store is gone"):
        run_until_signalled(work)
