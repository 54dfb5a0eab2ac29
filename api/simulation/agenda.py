"""The agenda: every planned step of the network, replayed in business-time order.

Stories plan their next steps as they go (a referral made today is answered in a week), so the
agenda is a priority queue rather than a precomputed list. Ties keep their planning order, which
makes a run deterministic for a given seed.
"""

import heapq
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from random import Random

Step = Callable[[], None]
OPENING_HOUR = 8
CLOSING_HOUR = 18


class Agenda:
    def __init__(self, end: datetime) -> None:
        self.end = end
        self._queue: list[tuple[datetime, int, Step]] = []
        self._planned = 0

    def at(self, moment: datetime, step: Step) -> None:
        """Plans `step` at `moment`; what would fall after the simulated period is dropped."""
        if moment <= self.end:
            heapq.heappush(self._queue, (moment, self._planned, step))
            self._planned += 1

    def pop(self) -> tuple[datetime, Step] | None:
        if not self._queue:
            return None
        moment, _, step = heapq.heappop(self._queue)
        return moment, step

    def __len__(self) -> int:
        return len(self._queue)


def working_moment(rng: Random, day: date, tz_from: datetime) -> datetime:
    """A plausible office moment on `day`, moved to the Monday after when it falls on a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    minute = rng.randrange(OPENING_HOUR * 60, CLOSING_HOUR * 60, 5)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz_from.tzinfo)


def after(rng: Random, moment: datetime, low_days: int, high_days: int) -> datetime:
    """A working moment between `low_days` and `high_days` after `moment` (never before it)."""
    later = working_moment(
        rng, (moment + timedelta(days=rng.randint(low_days, high_days))).date(), moment
    )
    return max(later, moment + timedelta(minutes=5))
