"""A ledger dropped without `close` must not wait for anything when it is finalised.

The collector finalises it on whichever thread allocates when a collection is due — once, in
the suite, a thread being started while it held `threading`'s own lock; the finalizer joined
the appender's thread, whose end needs that lock, and the suite hung (CI stopped at 90 min).
"""

import threading

from domain.ledger.appending import Encoded
from tests.support import memory_ledger

DEADLOCK_GUARD = 60.0
"""Seconds before a finalizer still blocked counts as a hang (it returns at once when right)."""


def test_a_finalised_ledger_does_not_wait_for_the_write_in_flight_which_still_completes() -> None:
    ledger = memory_ledger()
    started, release = threading.Event(), threading.Event()
    written: list[Encoded] = []

    def slow_write(encoded: Encoded) -> None:
        started.set()
        release.wait()
        written.append(encoded)

    ledger.appender.write = slow_write  # type: ignore[method-assign]
    in_flight = ledger.appender.send(Encoded([], [], []))
    started.wait()
    finalised = threading.Event()

    def finalise() -> None:
        ledger.__del__()
        finalised.set()

    finaliser = threading.Thread(target=finalise)
    finaliser.start()
    try:
        assert finalised.wait(DEADLOCK_GUARD), "the finalizer waited for the appender's thread"
        assert not in_flight.done()
    finally:
        release.set()
        finaliser.join()
    in_flight.result()
    assert len(written) == 1
