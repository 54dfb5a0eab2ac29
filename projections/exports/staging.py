"""The export's working database: DuckDB in a private temporary directory.

An export reads every row of the exported read models; held as Python objects that cost memory
in proportion to the history. DuckDB keeps the rows column-wise, sorts and aggregates them in
native code on every core, and under `memory_limit` spills to its own file instead of growing,
so an export of a large network runs in about the memory of a small one. The directory is
private (mode 0700) and removed on close; it holds pseudonymised rows and the read models'
columns, never a secret (those only travel as query parameters).
"""

import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from projections.exports.sql import PYTHON_ROUND

MEMORY_LIMIT = "128MB"
"""DuckDB fills its buffer pool up to this limit before it writes pages out, so the limit is what
an export's memory grows by with the history. Peak RSS of an export of 1.1M events, same run:
256 MB -> 526-531 MB, 128 MB -> 424-425 MB, 64 MB -> 367-380 MB (111k events: about 330 MB);
12.0-14.0 s against 12.3-12.6 s for 256 MB, within the noise (`run_export` on the bench's
history of 1.1M events, the limit patched, peak from /proc/self/status)."""
THREADS = 2


class Staging:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.db = duckdb.connect(
            str(directory / "export.duckdb"),
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
