"""Replay: rebuild every projection from the log into a scratch store and prove it equal to
the live one, row by row, at the same position.

The scratch store is of the live one's kind (a temporary SQLite file, or a temporary PostgreSQL
schema), so the comparison sees the same types. If the live projections move while the replay
runs, the scratch one follows them to their new position and compares again.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from projections import positions
from projections.contents import Contents, served_contents
from projections.leadership import SoleLeadership
from projections.projection import Projection
from projections.runner import ProjectionRunner
from projections.source import EventSource
from projections.store import ReadStore, Row

ATTEMPTS = 5


@dataclass(frozen=True)
class Difference:
    projection: str
    table: str
    only_live: tuple[Row, ...]
    only_replayed: tuple[Row, ...]

    def __str__(self) -> str:
        return (
            f"{self.projection}.{self.table}: {len(self.only_live)} row(s) only live,"
            f" {len(self.only_replayed)} only replayed; first: "
            f"{(self.only_live or self.only_replayed)[0]!r}"
        )


@dataclass(frozen=True)
class ReplayReport:
    position: int
    events: int
    differences: tuple[Difference, ...]

    @property
    def equal(self) -> bool:
        return not self.differences


def replay(
    live: ReadStore,
    source: EventSource,
    projections: Sequence[type[Projection]],
    scratch: Callable[[], ReadStore],
    progress: Callable[[int], None] | None = None,
) -> ReplayReport:
    """Each projection is replayed to the position its live twin has reached (they may differ
    by a batch while a worker runs), then compared."""
    differences: list[Difference] = []
    read = 0
    reached = 0
    with _opened(scratch) as store:
        for projection in projections:
            runner = ProjectionRunner(
                store, source, [projection], SoleLeadership(), batch_size=5000
            )
            try:
                runner.prepare()
                for _ in range(ATTEMPTS):
                    target = _live_position(live, projection)
                    read += _follow(runner, target, progress)
                    if _live_position(live, projection) == target:
                        break
            finally:
                runner.close()
            reached = max(reached, target)
            live_rows = served_contents(live, projection)
            differences += _compare(projection, live_rows, served_contents(store, projection))
    return ReplayReport(position=reached, events=read, differences=tuple(differences))


def _follow(runner: ProjectionRunner, target: int, progress: Callable[[int], None] | None) -> int:
    total = 0
    while read := runner.catch_up(max_batches=1, until=target):
        total += read
        if progress is not None:
            progress(read)
    return total


def _live_position(live: ReadStore, projection: type[Projection]) -> int:
    with live.transaction() as tx:
        served = [g for g in positions.all_generations(tx) if g.served]
    return next((g.position for g in served if g.name == projection.name), 0)


def _compare(projection: type[Projection], live: Contents, replayed: Contents) -> list[Difference]:
    found = []
    for table in projection.tables:
        left, right = live.get(table, []), replayed.get(table, [])
        left_set, right_set = set(left), set(right)
        only_live = tuple(r for r in left if r not in right_set)
        only_replayed = tuple(r for r in right if r not in left_set)
        if only_live or only_replayed:
            found.append(Difference(projection.name, table, only_live, only_replayed))
    return found


@contextmanager
def _opened(factory: Callable[[], ReadStore]) -> Iterator[ReadStore]:
    store = factory()
    try:
        yield store
    finally:
        store.close()
