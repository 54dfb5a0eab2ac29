"""The export's working database: DuckDB in memory, spilling to a private temporary directory.

An export reads every row of the exported read models; held as Python objects that cost memory
in proportion to the history. DuckDB keeps the rows column-wise, sorts and aggregates them in
native code on every core, and under `memory_limit` spills to its temporary directory instead
of growing, so an export of a large network runs in about the memory of a small one. The
database is in memory, not a file: nothing needs it durable, and a file database wrote every
staged batch through its own log and checkpoints (staging 447k rows: 2.5 s in a file, 0.85 s in
memory). The directory is private (mode 0700) and removed on close; what spills there is
pseudonymised rows and the read models' columns, never a secret (those only travel as query
parameters).
"""

import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from projections.exports.sql import PYTHON_ROUND

MEMORY_LIMIT = "64MB"
"""DuckDB fills its buffer pool up to this limit before it spills, so the limit is what an
export's memory grows by with the history. `run_export` on the bench's history of 1.1M events,
peak RSS from /proc/self/status: a file database at 256 MB peaked at 526-531 MB, at 128 MB at
419-425 MB in 12.0-14.0 s; in memory at 64 MB, 417-440 MB in 9.9-12.9 s (111k events: 341-345
MB); 32 MB runs out of memory."""
THREADS = 1
"""One thread: each thread of a sort pins its own blocks, and with two the pinned working set
outgrew the 64 MB limit ("failed to pin block") on a denser history of 1.1M events (twice the
interventions, since receipts are rows: the bench's full run of 2026-11-29 stopped there). On
that history, alternating (2 rounds): 64 MB and one thread 10.9/11.3 s at 347 MB peak RSS;
128 MB and two threads 9.7/9.9 s at 449-455 MB; 64 MB and two threads out of memory."""


class Staging:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.db = duckdb.connect(
            ":memory:",
            config={
                "memory_limit": MEMORY_LIMIT,
                "threads": THREADS,
                "temp_directory": str(directory / "spill"),
                "preserve_insertion_order": True,
                "enable_external_access": True,
            },
        )
        self.db.create_function(
            PYTHON_ROUND, _python_round, ["DOUBLE", "INTEGER"], "DOUBLE", side_effects=False
        )

    def create(self, table: str, columns: Sequence[tuple[str, str]]) -> None:
        declared = ", ".join(f'"{name}" {kind}' for name, kind in columns)
        self.db.execute(f"CREATE TABLE {table} ({declared})")

    def append(self, table: str, batches: Iterable[pa.Table]) -> None:
        for batch in batches:
            self.db.register("incoming", batch)
            try:
                self.db.execute(f"INSERT INTO {table} SELECT * FROM incoming")
            finally:
                self.db.unregister("incoming")

    def count(self, table: str) -> int:
        found = self.db.execute(f"SELECT count(*) FROM {table}").fetchone()
        return 0 if found is None else int(found[0])

    def close(self) -> None:
        self.db.close()


@contextmanager
def staging() -> Iterator[Staging]:
    directory = Path(tempfile.mkdtemp(prefix="parcours-export-work-"))
    try:
        made = Staging(directory)
        try:
            yield made
        finally:
            made.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _python_round(value: float, digits: int) -> float:
    return round(value, digits)
