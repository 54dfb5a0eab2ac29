"""How the runner's transactions reach the store: COPY only where it can run, commits unflushed."""

from collections.abc import Sequence

import pytest

from projections.projection import Handler, Recorded, Writer, handles
from projections.store import Params, Row
from projections.timeline import TimelineProjection
from tests.projections.conftest import World


class CopyingTx:
    dialect = "postgres"

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []
        self.statements: list[str] = []
        self.generations: dict[str, int | None] = {}

    def execute(self, statement: str, params: Params = ()) -> None:
        self.sent.append(("execute", len(params)))
        self.statements.append(statement)

    def executemany(self, statement: str, rows: Sequence[Params]) -> None:
        self.sent.append(("executemany", len(rows)))

    def copy(self, table: str, columns: Sequence[str], rows: Sequence[Params]) -> None:
        self.sent.append(("copy", len(rows)))

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Params]) -> None:
        self.sent.append(("insert_rows", len(rows)))
        self.statements.append(f"{table} ({', '.join(columns)}) {rows[0]!r}")

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]:
        return []

    def fetchone(self, statement: str, params: Params = ()) -> Row | None:
        return None


def held_inserts(*, pipelined: bool, tx: CopyingTx | None = None) -> list[tuple[str, int]]:
    tx = tx or CopyingTx()
    w = Writer(tx, {"a": "a_1"}, pipelined=pipelined)
    for n in range(3):
        w.execute("INSERT INTO {a} (x, y) VALUES (?, 0)", (n,))
    w.flush()
    return tx.sent


def test_a_pipelined_transaction_sends_held_inserts_as_multi_row_inserts_not_copy() -> None:
    """COPY cannot run in pipeline mode (trying it failed the batch, which was then written a
    second time without the pipeline); one query per row cost more in psycopg's pipeline
    bookkeeping than the handlers did."""
    tx = CopyingTx()
    assert held_inserts(pipelined=True, tx=tx) == [("insert_rows", 3)]
    assert tx.statements == ["a_1 (x, y) (0, 0)"]


def test_held_inserts_are_stored_as_given_on_every_path(world: World) -> None:
    """Multi-row INSERTs of a few fixed sizes on PostgreSQL (333 rows: 256 + 64 + 3 x 4 + 1),
    `executemany` on SQLite: the same rows, NULLs and constants included."""
    store = world.parcours.read_store
    with store.transaction() as tx:
        tx.execute("CREATE TABLE held_rows (a TEXT, b INTEGER, c TEXT, d INTEGER)")
    given = [(f"r{n}", n if n % 3 else None, None if n % 2 else "x") for n in range(333)]

    with store.transaction(pipelined=True) as tx:
        w = Writer(tx, {"t": "held_rows"}, pipelined=True)
        for row in given:
            w.execute("INSERT INTO {t} (a, b, c, d) VALUES (?, ?, ?, 7)", row)
        w.flush()

    with store.transaction() as tx:
        stored = tx.fetchall("SELECT a, b, c, d FROM held_rows")
    assert sorted(stored, key=str) == sorted(((*row, 7) for row in given), key=str)


def test_a_transaction_outside_a_pipeline_copies_held_inserts() -> None:
    assert held_inserts(pipelined=False) == [("copy", 3)]


SEEN: list[object] = []
"""What the probing handler read inside the runner's transaction."""
PROBE: dict[str, list[Handler]] = {}


@handles(PROBE, "YoungPerson.Enrolled")
def _probe(w: Writer, r: Recorded) -> None:
    statement = "SHOW synchronous_commit" if w.tx.dialect == "postgres" else "PRAGMA synchronous"
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

    # SQLite in WAL mode at NORMAL (1) syncs at checkpoints, not at each commit.
    expected = "off" if world.parcours.read_store.dialect == "postgres" else 1
    assert list(SEEN) == [expected]


def test_a_rebuild_analyzes_its_new_tables_as_its_position_doubles(world: World) -> None:
    """Fresh generation tables have no statistics, and autovacuum may be off or behind: at 10M
    events the planner then scanned every open involvement for each update by source id."""
    if world.parcours.read_store.dialect != "postgres":
        pytest.skip("SQLite plans without statistics the same way; nothing to keep")
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
