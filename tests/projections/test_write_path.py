"""How the runner's transactions reach the store: COPY only where it can run, commits unflushed."""

from collections.abc import Sequence

from projections.projection import Handler, Recorded, Writer, handles
from projections.store import Params, Row
from projections.timeline import TimelineProjection
from tests.projections.conftest import World


class CopyingTx:
    dialect = "postgres"

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []
        self.generations: dict[str, int | None] = {}

    def execute(self, statement: str, params: Params = ()) -> None:
        self.sent.append(("execute", 1))

    def executemany(self, statement: str, rows: Sequence[Params]) -> None:
        self.sent.append(("executemany", len(rows)))

    def copy(self, table: str, columns: Sequence[str], rows: Sequence[Params]) -> None:
        self.sent.append(("copy", len(rows)))

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]:
        return []

    def fetchone(self, statement: str, params: Params = ()) -> Row | None:
        return None


def held_inserts(*, pipelined: bool) -> list[tuple[str, int]]:
    tx = CopyingTx()
    w = Writer(tx, {"a": "a_1"}, pipelined=pipelined)
    for n in range(3):
        w.execute("INSERT INTO {a} (x) VALUES (?)", (n,))
    w.flush()
    return tx.sent


def test_a_pipelined_transaction_sends_held_inserts_without_copy() -> None:
    """COPY cannot run in pipeline mode: trying it failed the batch, which was then written a
    second time without the pipeline."""
    assert held_inserts(pipelined=True) == [("executemany", 3)]


def test_a_transaction_outside_a_pipeline_copies_held_inserts() -> None:
    assert held_inserts(pipelined=False) == [("copy", 3)]


SEEN: list[object] = []
"""What the probing handler read inside the runner's transaction."""
PROBE: dict[str, list[Handler]] = {}


@handles(PROBE, "YoungPerson.Enrolled")
def _probe(w: Writer, r: Recorded) -> None:
    statement = "SHOW synchronous_commit" if w.tx.dialect == "postgres" else "SELECT 'sqlite'"
    row = w.fetchone(statement)
    SEEN.append(None if row is None else row[0])


class ProbingTimeline(TimelineProjection):
    handlers = {**TimelineProjection.handlers, "YoungPerson.Enrolled": [_probe]}


def test_projection_writes_commit_without_waiting_for_the_disk(world: World) -> None:
    """A crash may forget the last commits, rows and position together: they are applied again,
    so no projection write needs to wait for its flush."""
    world.caught_up()
    runner = world.parcours.projections
    runner.projections["timeline"] = ProbingTimeline
    SEEN.clear()
    world.network.enrol()

    runner.catch_up()

    expected = "off" if world.parcours.read_store.dialect == "postgres" else "sqlite"
    assert list(SEEN) == [expected]


def test_a_rebuild_analyzes_its_new_tables_as_its_position_doubles(world: World) -> None:
    """Fresh generation tables have no statistics, and autovacuum may be off or behind: at 10M
    events the planner then scanned every open involvement for each update by source id."""
    if world.parcours.read_store.dialect != "postgres":
        return  # SQLite plans without statistics the same way; nothing to keep
    runner = world.parcours.projections
    runner.statistics_from = 4
    for _ in range(3):
        world.network.enrol()

    world.caught_up()

    with world.parcours.read_store.transaction() as tx:
        row = tx.fetchone(  # pg_stats holds what ANALYZE wrote, transactionally
            "SELECT count(*) FROM pg_stats WHERE schemaname = current_schema()"
            " AND tablename LIKE ?",
            ("cases_involvements_g%",),
        )
    assert row is not None
    assert int(row[0]) >= 1
