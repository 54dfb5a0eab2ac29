"""The writer holds inserts back and batches them, without any statement seeing the difference."""

from collections.abc import Sequence

from projections.projection import Writer
from projections.store import Params, Row


class RecordingTx:
    dialect = "sqlite"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, int]] = []
        self.generations: dict[str, int | None] = {}

    def execute(self, statement: str, params: Params = ()) -> None:
        self.sent.append(("execute", statement, 1))

    def executemany(self, statement: str, rows: Sequence[Params]) -> None:
        self.sent.append(("executemany", statement, len(rows)))

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]:
        self.sent.append(("fetch", statement, 1))
        return []

    def fetchone(self, statement: str, params: Params = ()) -> Row | None:
        self.sent.append(("fetch", statement, 1))
        return None


def writer() -> tuple[Writer, RecordingTx]:
    tx = RecordingTx()
    return Writer(tx, {"a": "a_1", "b": "b_1"}), tx


def test_inserts_of_one_statement_go_in_one_batch_at_the_flush() -> None:
    w, tx = writer()
    for n in range(3):
        w.execute("INSERT INTO {a} VALUES (?)", (n,))
        w.execute("INSERT INTO {b} VALUES (?)", (n,))
    assert tx.sent == []

    w.flush()

    assert tx.sent == [
        ("executemany", "INSERT INTO a_1 VALUES (?)", 3),
        ("executemany", "INSERT INTO b_1 VALUES (?)", 3),
    ]


def test_a_read_or_an_update_of_a_table_first_sends_its_held_inserts() -> None:
    w, tx = writer()
    w.execute("INSERT INTO {a} VALUES (?)", (1,))
    w.execute("INSERT INTO {b} VALUES (?)", (1,))
    w.fetchone("SELECT * FROM {a}")
    w.execute("UPDATE {b} SET x = 1")
    w.execute("INSERT INTO {a} VALUES (?)", (2,))
    w.flush()

    assert tx.sent == [
        ("executemany", "INSERT INTO a_1 VALUES (?)", 1),
        ("fetch", "SELECT * FROM a_1", 1),
        ("executemany", "INSERT INTO b_1 VALUES (?)", 1),
        ("execute", "UPDATE b_1 SET x = 1", 1),
        ("executemany", "INSERT INTO a_1 VALUES (?)", 1),
    ]


def test_different_inserts_into_one_table_keep_their_order() -> None:
    w, tx = writer()
    w.execute("INSERT INTO {a} VALUES (?)", (1,))
    w.execute("INSERT INTO {a} (x) VALUES (?) ON CONFLICT DO NOTHING", (1,))
    w.execute("INSERT INTO {a} VALUES (?)", (2,))
    w.flush()

    assert [s for _, s, _ in tx.sent] == [
        "INSERT INTO a_1 VALUES (?)",
        "INSERT INTO a_1 (x) VALUES (?) ON CONFLICT DO NOTHING",
        "INSERT INTO a_1 VALUES (?)",
    ]


def test_an_insert_reading_another_table_is_not_held() -> None:
    w, tx = writer()
    w.execute("INSERT INTO {b} VALUES (?)", (1,))
    w.execute("INSERT INTO {a} SELECT * FROM {b}")

    assert tx.sent == [
        ("executemany", "INSERT INTO b_1 VALUES (?)", 1),
        ("execute", "INSERT INTO a_1 SELECT * FROM b_1", 1),
    ]


class CopyingTx(RecordingTx):
    dialect = "postgres"

    def __init__(self) -> None:
        super().__init__()
        self.copied: list[tuple[str, tuple[str, ...], list[tuple[object, ...]]]] = []

    def copy(self, table: str, columns: Sequence[str], rows: Sequence[Params]) -> None:
        self.copied.append((table, tuple(columns), [tuple(r) for r in rows]))


def test_plain_inserts_are_copied_with_their_constants_in_place() -> None:
    tx = CopyingTx()
    w = Writer(tx, {"a": "a_1"})
    w.execute("INSERT INTO {a} (x, n, y, z) VALUES (?, 0, NULL, ?)", ("one", 1))
    w.execute("INSERT INTO {a} (x, n, y, z) VALUES (?, 0, NULL, ?)", ("two", 2))
    w.flush()

    assert tx.copied == [("a_1", ("x", "n", "y", "z"), [("one", 0, None, 1), ("two", 0, None, 2)])]
    assert tx.sent == []


def test_text_constants_are_copied_as_the_text_they_spell() -> None:
    """A status written as a constant ('OPEN') no longer sends its inserts one by one."""
    tx = CopyingTx()
    w = Writer(tx, {"a": "a_1"})
    for name in ("one", "two"):
        w.execute("INSERT INTO {a} (x, status, note) VALUES (?, 'OPEN', 'it''s')", (name,))
    w.flush()

    assert tx.copied == [
        ("a_1", ("x", "status", "note"), [("one", "OPEN", "it's"), ("two", "OPEN", "it's")])
    ]


def test_inserts_copy_cannot_express_go_as_statements() -> None:
    tx = CopyingTx()
    w = Writer(tx, {"a": "a_1"})
    conflict = "INSERT INTO {a} (x) VALUES (?) ON CONFLICT (x) DO NOTHING"
    expression = "INSERT INTO {a} (x, y) VALUES (?, lower(?))"
    for statement in (conflict, conflict, expression, expression):
        w.execute(statement, ("v", "w")[: statement.count("?")])
    w.flush()

    assert tx.copied == []
    assert [n for _, _, n in tx.sent] == [2, 2]
