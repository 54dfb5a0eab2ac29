"""What a simulation produced: events per kind (read back from the log), outcomes, the cast.

Event counts come from the notification log itself, not from the simulator's own tallies, so
the summary states what the ledger really holds; the outcomes say what the stories did in the
network's words (declined AT_CAPACITY, handover accepted…), and `refused` how often the ledger
said no.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from api.simulation.cast import Cast
from domain.ledger import Ledger

PAGE = 5_000
BOOKKEEPING = frozenset({"CommandReceipt.Issued"})
"""Idempotency receipts are how the ledger remembers commands, not facts of the network."""


@dataclass(frozen=True)
class SimulationSummary:
    seed: int
    young_people: int
    months: int
    started_at: datetime
    ended_at: datetime
    events: dict[str, int]
    """Events recorded by the run, per kind (`Aggregate.Event`), bookkeeping left out."""
    outcomes: dict[str, int]
    refused: dict[str, int]
    """`command: CODE` of the steps the ledger refused: rare by design, shown for honesty."""
    cast: Cast
    young_person_ids: tuple[UUID, ...]
    showcase: tuple[UUID, ...]
    """The young people with the richest histories: good first clicks in a demo."""
    erased: tuple[UUID, ...]
    """Young people the demo wants erased; nobody is, until the ledger can erase (see simulator)."""

    @property
    def total_events(self) -> int:
        return sum(self.events.values())

    def counts(self) -> dict[str, dict[str, int]]:
        """Everything a run of a given seed must reproduce exactly (ids aside)."""
        return {"events": self.events, "outcomes": self.outcomes, "refused": self.refused}

    def as_dict(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "young_people": self.young_people,
            "months": self.months,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat(),
            "total_events": self.total_events,
            "events": self.events,
            "outcomes": self.outcomes,
            "refused": self.refused,
            "cast": self.cast.as_dict(),
            "showcase": [str(i) for i in self.showcase],
            "erased": [str(i) for i in self.erased],
        }


def count_events(ledger: Ledger, after: int) -> dict[str, int]:
    """Events after notification `after`, by kind; pages with "greater than last seen" (gaps)."""
    counts: Counter[str] = Counter()
    position = after
    while True:
        page = ledger.recorder.select_notifications(
            start=position, limit=PAGE, inclusive_of_start=False
        )
        if not page:
            break
        counts.update(event_kind(n.topic) for n in page)
        position = page[-1].id
    return {kind: n for kind, n in sorted(counts.items()) if kind not in BOOKKEEPING}


def event_kind(topic: str) -> str:
    """`Aggregate.Event`; case-file events are defined by layers but all are `YoungPerson`'s."""
    module, _, qualname = topic.partition(":")
    if module.startswith("domain.case_file."):
        return "YoungPerson." + qualname.rpartition(".")[2]
    return qualname


def head(ledger: Ledger) -> int:
    return ledger.recorder.max_notification_id() or 0
