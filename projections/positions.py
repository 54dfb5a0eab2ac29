"""Where each projection generation stands: position, code version, status, last error.

A projection has one *live* generation that queries read. A rebuild adds a *building* one that
catches up from zero and is swapped in, atomically, once it has reached the live one; the old
generation is *retired* and dropped at the next start or swap (not at once, so a query that
resolved its table names a moment before the swap still finds them). A generation whose code
version is outdated is *stale*: still served, no longer written, until its rebuild is swapped in.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from projections.store import Tx, moment

LIVE, BUILDING, STALE, RETIRED, FAILED = "live", "building", "stale", "retired", "failed"

SCHEMA = """
CREATE TABLE IF NOT EXISTS projection_positions (
    name TEXT NOT NULL,
    generation INTEGER NOT NULL,
    version INTEGER NOT NULL,
    position BIGINT NOT NULL,
    status TEXT NOT NULL,
    served INTEGER NOT NULL,
    error TEXT,
    failed_position BIGINT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (name, generation)
)
"""


@dataclass(frozen=True)
class Generation:
    name: str
    generation: int
    version: int
    position: int
    status: str
    served: bool
    error: str | None
    failed_position: int | None
    updated_at: str


def ensure_table(tx: Tx) -> None:
    tx.execute(SCHEMA)


def all_generations(tx: Tx) -> list[Generation]:
    rows = tx.fetchall(
        "SELECT name, generation, version, position, status, served, error, failed_position,"
        " updated_at FROM projection_positions ORDER BY name, generation"
    )
    return [
        Generation(
            str(r[0]), int(r[1]), int(r[2]), int(r[3]), str(r[4]), bool(r[5]), r[6], r[7], str(r[8])
        )
        for r in rows
    ]


def served_generation(tx: Tx, name: str) -> int | None:
    if name in tx.generations:
        return tx.generations[name]
    row = tx.fetchone(
        "SELECT generation FROM projection_positions WHERE name = ? AND served = 1", (name,)
    )
    generation = None if row is None else int(row[0])
    tx.generations[name] = generation
    return generation


def served_position(tx: Tx, name: str) -> int:
    """How far in the log the projection's served tables are (0 when none is served)."""
    row = tx.fetchone(
        "SELECT position FROM projection_positions WHERE name = ? AND served = 1", (name,)
    )
    return 0 if row is None else int(row[0])


def add(tx: Tx, name: str, generation: int, version: int, status: str, served: bool) -> None:
    tx.generations.pop(name, None)
    tx.execute(
        "INSERT INTO projection_positions (name, generation, version, position, status, served,"
        " updated_at) VALUES (?, ?, ?, 0, ?, ?, ?)",
        (name, generation, version, status, int(served), _now()),
    )


def locked_position(tx: Tx, name: str, generation: int) -> int:
    """The generation's position, locked until the transaction ends (a no-op lock on SQLite,
    whose write transaction already excludes every other writer)."""
    lock = "" if tx.dialect == "sqlite" else " FOR UPDATE"
    row = tx.fetchone(
        f"SELECT position FROM projection_positions WHERE name = ? AND generation = ?{lock}",
        (name, generation),
    )
    return 0 if row is None else int(row[0])


def advance(tx: Tx, name: str, generation: int, position: int) -> None:
    tx.execute(
        "UPDATE projection_positions SET position = ?, updated_at = ?"
        " WHERE name = ? AND generation = ?",
        (position, _now(), name, generation),
    )


def set_status(
    tx: Tx,
    name: str,
    generation: int,
    status: str,
    error: str | None = None,
    failed_position: int | None = None,
) -> None:
    tx.execute(
        "UPDATE projection_positions SET status = ?, error = ?, failed_position = ?,"
        " updated_at = ? WHERE name = ? AND generation = ?",
        (status, error, failed_position, _now(), name, generation),
    )


def swap(tx: Tx, name: str, old: int | None, new: int) -> None:
    tx.generations.pop(name, None)
    if old is not None:
        tx.execute(
            "UPDATE projection_positions SET served = 0, status = ?"
            " WHERE name = ? AND generation = ?",
            (RETIRED, name, old),
        )
    tx.execute(
        "UPDATE projection_positions SET served = 1, status = ? WHERE name = ? AND generation = ?",
        (LIVE, name, new),
    )


def forget(tx: Tx, name: str, generation: int) -> None:
    tx.execute(
        "DELETE FROM projection_positions WHERE name = ? AND generation = ?", (name, generation)
    )


def _now() -> str:
    return moment(datetime.now(UTC))
