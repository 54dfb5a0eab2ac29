"""What aggregates decided, in stored form: their new events and their due snapshots.

`Application.save` without its generic machinery, which checked every object it was given
against runtime protocols: a tenth of a command's time, for nothing a ledger of aggregates
needs. Snapshots are taken from the aggregates in hand, not read back and replayed from the
store as the library's `take_snapshot` does: that made every hundredth command of a case decode
a hundred events (40% of the commands' Python time). Replay equals live
(tests/domain/test_replay.py), so the state in hand is the state the store would give.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper

from domain.ledger.appending import Encoded
from domain.ledger.receipt import Receipt

SNAPSHOT_INTERVAL = 100
"""A case file's first snapshot is taken at this version, the next ones each time the version
doubles (`snapshot_due`)."""


def snapshot_due(version: int, first: int) -> bool:
    """Whether the aggregate is snapshotted at this version: at `first`, then at each doubling.

    A case file keeps every intervention, so its snapshot grows with its history: a snapshot
    every `first` versions cost each command of a long case more and more (encoding a case of
    200 interventions takes 6.5 ms, and a case of 2,000 had stored twenty snapshots, 15 MB).
    Doubling keeps the cost per command constant and the stored snapshots within twice the
    last one, and a load still replays at most as many events as the snapshot summarises."""
    if version < first or version % first:
        return False
    multiple = version // first
    return multiple & (multiple - 1) == 0


class Encoder:
    def __init__(
        self,
        mapper: Mapper[Any],
        intervals: Mapping[Any, int],
        default_snapshot_class: Any,
        *,
        snapshot_mapper: Mapper[Any] | None = None,
    ) -> None:
        """`intervals`: the first snapshot's version for each snapshotted aggregate class
        (empty when the ledger keeps no snapshots); `snapshot_mapper`: the snapshot store's
        (it seals them), the events' by default."""
        self._mapper = mapper
        self._snapshot_mapper = snapshot_mapper or mapper
        self._intervals = intervals
        self._default_snapshot_class = default_snapshot_class

    def encode(self, aggregates: Sequence[Aggregate], receipts: Sequence[Receipt] = ()) -> Encoded:
        """The aggregates' new events and due snapshots (each aggregate once), with the
        receipts of the commands that decided them."""
        events: list[Any] = []
        snapshots: list[Any] = []
        for aggregate in {id(a): a for a in aggregates}.values():
            pending = aggregate.collect_events()
            events.extend(pending)
            snapshot_class = self._snapshot_class(aggregate, pending)
            if snapshot_class is not None:
                snapshots.append(snapshot_class.take(aggregate))
        to_stored, to_snapshot = self._mapper.to_stored_event, self._snapshot_mapper.to_stored_event
        return Encoded(
            [to_stored(e) for e in events], [to_snapshot(s) for s in snapshots], list(receipts)
        )

    def _snapshot_class(self, aggregate: Aggregate, pending: Sequence[Any]) -> Any:
        """The class to snapshot the aggregate with, when one of its new events is due."""
        interval = self._intervals.get(type(aggregate))
        if interval is None:
            return None
        if not any(snapshot_due(e.originator_version, interval) for e in pending):
            return None
        return getattr(type(aggregate), "Snapshot", self._default_snapshot_class)
