"""Keyed updates held by the writer in waves: batched where their rows are distinct, never
moved past a statement naming the same row — proved against the same statements sent one at a
time, on both backends."""

from collections.abc import Callable, Sequence
from itertools import count

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from projections.projection import Writer
from projections.store import Params, Row
from tests.projections.conftest import World

TYPES = {"t": {"k": "TEXT", "a": "BIGINT", "b": "TEXT", "c": "TEXT", "valid_to": "TEXT"}}
INSERT = "INSERT INTO {t} (k, a, b) VALUES (?, ?, ?)"
SET_A = "UPDATE {t} SET a = ?, b = ? WHERE k = ?"
BUMP = "UPDATE {t} SET a = a + 1, c = COALESCE(c, ?) WHERE k = ? AND valid_to IS NULL"
END = "UPDATE {t} SET valid_to = ? WHERE k = ? AND valid_to IS NULL"
END_BY_B = "UPDATE {t} SET valid_to = ? WHERE b = ?"


def _shape(statement: str) -> str:
    """`INSERT INTO t_1` or `UPDATE t_1`: what a statement writes to."""
    return statement.split(" SET ", maxsplit=1)[0].split(" (", maxsplit=1)[0]


class PipelineTx:
    """Records what reaches the store (what each statement writes to, and how many rows of
    parameters it carries), as a pipelined PostgreSQL transaction takes it."""

    dialect = "postgres"

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []
        self.generations: dict[str, int | None] = {}

    def execute(self, statement: str, params: Params = ()) -> None:
        self.sent.append((_shape(statement), 1))

    def executemany(self, statement: str, rows: Sequence[Params]) -> None:
        self.sent.extend((_shape(statement), 1) for _ in rows)

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Params]) -> None:
        self.sent.append((f"INSERT INTO {table}", len(rows)))

    def execute_rows(self, statement_for: Callable[[int], str], rows: Sequence[Params]) -> None:
        self.sent.append((_shape(statement_for(len(rows))), len(rows)))

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]:
        self.sent.append(("read", 0))
        return []

    def fetchone(self, statement: str, params: Params = ()) -> Row | None:
        return None


def pipelined(*, types: bool = True) -> tuple[Writer, PipelineTx]:
    tx = PipelineTx()
    return Writer(tx, {"t": "t_1"}, pipelined=True, types=TYPES if types else None), tx


def test_updates_of_distinct_rows_go_as_one_statement_after_the_inserts_they_follow() -> None:
    w, tx = pipelined()
    for n in range(3):
        w.execute(INSERT, (f"k{n}", n, None))
        w.execute(SET_A, (n, "x", f"k{n}"))
    w.flush()

    assert tx.sent == [("INSERT INTO t_1", 3), ("UPDATE t_1", 3)]


def test_a_second_update_of_a_row_waits_for_the_first() -> None:
    """Answered then completed, as a referral is: the second update of each row goes in the
    next wave; an insert of a row never updated still goes in the first."""
    w, tx = pipelined()
    w.execute(SET_A, (1, "x", "k1"))
    w.execute(END, ("t", "k1"))
    w.execute(SET_A, (2, "x", "k2"))
    w.execute(END, ("t", "k2"))
    w.execute(INSERT, ("k3", 3, None))
    w.flush()

    assert tx.sent == [("INSERT INTO t_1", 1), ("UPDATE t_1", 2), ("UPDATE t_1", 2)]


def test_one_statement_updating_a_row_twice_is_never_batched_with_itself() -> None:
    """PostgreSQL would apply only one of two VALUES rows naming the same row."""
    w, tx = pipelined()
    w.execute(SET_A, (1, "x", "k1"))
    w.execute(SET_A, (2, "y", "k1"))
    w.execute(SET_A, (3, "z", "k2"))
    w.flush()

    assert tx.sent == [("UPDATE t_1", 2), ("UPDATE t_1", 1)]


def test_an_insert_of_a_row_already_updated_goes_after_that_update() -> None:
    w, tx = pipelined()
    w.execute(END, ("t", "k1"))
    w.execute(INSERT, ("k1", 1, None))
    w.execute(INSERT, ("k2", 2, None))
    w.flush()

    assert tx.sent == [
        ("INSERT INTO t_1", 1),  # k2, in the first wave
        ("UPDATE t_1", 1),
        ("INSERT INTO t_1", 1),  # k1, after the update that did not see it
    ]


def test_an_update_keyed_on_another_column_sends_what_is_held_first() -> None:
    w, tx = pipelined()
    w.execute(INSERT, ("k1", 1, "b"))
    w.execute(SET_A, (1, "x", "k1"))
    w.execute(SET_A, (2, "x", "k2"))
    w.execute(END_BY_B, ("t", "b"))
    w.flush()

    assert tx.sent == [
        ("INSERT INTO t_1", 1),
        ("UPDATE t_1", 2),
        ("UPDATE t_1", 1),  # held by itself: it is keyed on b
    ]


def test_updates_are_sent_at_once_without_a_pipeline_or_column_types() -> None:
    for w, tx in (pipelined(types=False), (Writer(PipelineTx(), {"t": "t_1"}), None)):
        sent = tx.sent if tx is not None else w.tx.sent  # type: ignore[attr-defined]
        w.execute(INSERT, ("k1", 1, None))
        w.execute(SET_A, (1, "x", "k1"))
        w.execute(SET_A, (2, "x", "k2"))
        w.flush()
        assert sent == [("INSERT INTO t_1", 1), ("UPDATE t_1", 1), ("UPDATE t_1", 1)]


KEYS = st.sampled_from(["k0", "k1", "k2"])
MAYBE = st.none() | st.sampled_from(["x", "y"])
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just(INSERT), st.tuples(KEYS, st.integers(-5, 5), MAYBE)),
        st.tuples(st.just(SET_A), st.tuples(st.integers(-5, 5), MAYBE, KEYS)),
        st.tuples(st.just(BUMP), st.tuples(MAYBE, KEYS)),
        st.tuples(st.just(END), st.tuples(st.sampled_from(["t1", "t2"]), KEYS)),
        st.tuples(st.just(END_BY_B), st.tuples(st.just("t3"), MAYBE)),
        st.tuples(st.just("read"), st.tuples(KEYS)),
    ),
    max_size=25,
)
TABLES = count()
READ = "SELECT k, a, b, c, valid_to FROM {t} WHERE k = ? ORDER BY a, b, c"


def _run(
    operations: list[tuple[str, tuple[object, ...]]],
    table: str,
    execute: Callable[[str, Params], None],
    fetchall: Callable[[str, Params], list[Row]],
) -> list[list[tuple[object, ...]]]:
    """Sends the operations with `{t}` as `table`; returns what each read saw."""
    seen: list[list[tuple[object, ...]]] = []
    for statement, params in operations:
        if statement == "read":
            seen.append([tuple(row) for row in fetchall(READ.replace("{t}", table), params)])
        else:
            execute(statement.replace("{t}", table), params)
    return seen


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(operations=OPERATIONS)
@example(  # one row updated twice by one statement: never in one batch
    operations=[(INSERT, ("k0", 0, None)), (SET_A, (1, "x", "k0")), (SET_A, (2, "y", "k0"))]
)
def test_held_statements_have_the_effect_of_the_same_statements_one_at_a_time(
    world: World, operations: list[tuple[str, tuple[object, ...]]]
) -> None:
    """Every read sees, and the table ends with, exactly what statement-by-statement sending
    gives (on PostgreSQL the writer batches in waves; on SQLite it sends them as they come)."""
    store = world.parcours.read_store
    n = next(TABLES)
    held, direct = f"waves_held_{n}", f"waves_direct_{n}"
    with store.transaction() as tx:
        for table in (held, direct):
            tx.execute(
                f"CREATE TABLE {table} (k TEXT NOT NULL, a BIGINT, b TEXT, c TEXT, valid_to TEXT)"
            )

    with store.transaction(pipelined=True) as tx:
        w = Writer(tx, {"t": held}, pipelined=True, types=TYPES)
        seen_held = _run(operations, "{t}", w.execute, w.fetchall)
        w.flush()
    with store.transaction() as tx:
        seen_direct = _run(operations, direct, tx.execute, tx.fetchall)

    with store.transaction() as tx:
        ended = [
            sorted(map(tuple, tx.fetchall(f"SELECT k, a, b, c, valid_to FROM {table}")), key=repr)
            for table in (held, direct)
        ]
        for table in (held, direct):
            tx.execute(f"DROP TABLE {table}")
    assert seen_held == seen_direct
    assert ended[0] == ended[1]
