"""Where an export stands in the ledger: the position, its recorded time, its chain link.

The manifest binds an export to the tamper-evident history: the hash of the chain link at (or
just before, on a PostgreSQL id gap) the export's position. An auditor can check that hash with
`parcours audit verify`, and anyone can tell two exports of the same position apart from two
exports of different histories. The recorded time of that event is the export's "as at" time,
from which follow-up windows (retention) are measured, so nothing depends on the wall clock.
"""

from dataclasses import dataclass
from datetime import datetime

from domain.ledger.chain.store import ChainStore
from projections.source import EventSource

WINDOW = 256
"""Positions looked at per query when stepping back over id gaps."""


@dataclass(frozen=True)
class LedgerPoint:
    position: int
    recorded_at: datetime | None
    """When the ledger recorded the last event at or before `position` (None: empty ledger)."""
    chain_seq: int | None
    chain_position: int | None
    chain_hash: str | None
    """Hex SHA-256 of the chain link of that event."""

    def as_dict(self) -> dict[str, object]:
        return {
            "position": self.position,
            "recorded_at": None if self.recorded_at is None else self.recorded_at.isoformat(),
            "chain_head": {
                "seq": self.chain_seq,
                "position": self.chain_position,
                "hash": self.chain_hash,
            },
        }


def ledger_point(chain: ChainStore, source: EventSource, position: int) -> LedgerPoint:
    link_position = _last_linked(chain, position)
    link = None if link_position is None else chain.link_for_position(link_position)
    return LedgerPoint(
        position=position,
        recorded_at=_recorded_at(source, position),
        chain_seq=None if link is None else link.seq,
        chain_position=None if link is None else link.position,
        chain_hash=None if link is None else link.hash.hex(),
    )


def _last_linked(chain: ChainStore, position: int) -> int | None:
    """The greatest chained position at or before `position`."""
    top = position
    while top > 0:
        window = list(range(max(1, top - WINDOW + 1), top + 1))
        found = chain.hashes_at(window)
        if found:
            return max(found)
        top = window[0] - 1
    return None


def _recorded_at(source: EventSource, position: int) -> datetime | None:
    top = position
    while top > 0:
        start = max(0, top - WINDOW)
        events = [r for r in source.read(start, top - start) if r.position <= top]
        if events:
            return events[-1].recorded_at
        top = start
    return None
