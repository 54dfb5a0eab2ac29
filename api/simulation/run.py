"""What every simulated step needs: the ledger, the clock, the dice, the agenda and the tallies.

Steps write only through ledger commands. A refused command is counted by name and code and the
story moves on, as a worker would after an error message; stories are designed so that this is
rare, and the summary shows how rare.
"""

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from random import Random
from typing import TypeVar

from api.simulation.agenda import Agenda, Step, after
from api.simulation.clock import DrivableClock
from api.simulation.path import Path
from api.simulation.world import World
from domain.errors import DomainError
from domain.ledger import Ledger

T = TypeVar("T")


class Run:
    def __init__(
        self,
        ledger: Ledger,
        clock: DrivableClock,
        rng: Random,
        agenda: Agenda,
        world: World,
        *,
        expiry_days: int,
    ) -> None:
        self.ledger = ledger
        self.clock = clock
        self.rng = rng
        self.agenda = agenda
        self.world = world
        self.expiry_days = expiry_days
        self.outcomes: Counter[str] = Counter()
        """What happened, in the simulator's words (e.g. `referral declined AT_CAPACITY`)."""
        self.refused: Counter[str] = Counter()
        """`command: CODE` of each step the ledger refused."""
        self.paths: list[Path] = []

    @property
    def now(self) -> datetime:
        return self.clock()

    def attempt(self, command: str, call: Callable[[], T]) -> T | None:
        try:
            return call()
        except DomainError as refusal:
            self.refused[f"{command}: {refusal.code}"] += 1
            return None

    def later(self, low_days: int, high_days: int, step: Step) -> None:
        """Plans `step` on a working day `low_days` to `high_days` from now."""
        self.agenda.at(after(self.rng, self.now, low_days, high_days), step)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def note(self, outcome: str) -> None:
        self.outcomes[outcome] += 1
