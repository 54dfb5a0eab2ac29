"""Simulated business time: the clock the ledger reads while the simulator replays 18 months.

The ledger decides with `clock()` (is `occurred_at` in the future? is a referral due to expire?),
so the simulator must own the clock it built the ledger with and move it forward step by step.
"""

from datetime import UTC, datetime
from typing import Protocol

DEFAULT_START = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
"""A Monday in January: with the default 18 months the story ends in the past of the real
calendar, so a demo that goes on with the wall clock never meets facts dated in its future."""


class DrivableClock(Protocol):
    """A zero-argument clock whose `now` the simulator may set (the tests' FrozenClock is one)."""

    now: datetime

    def __call__(self) -> datetime: ...


class SimulatedClock:
    """Time that only moves when the simulator moves it, and never backwards."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            raise ValueError("the simulated clock needs an aware start (the ledger refuses naive)")
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def advance(clock: DrivableClock, moment: datetime) -> None:
    """Moves the clock to `moment`; a referral's expiry counts from the clock, so no going back."""
    clock.now = max(clock.now, moment)
