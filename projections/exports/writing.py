"""Writing a table as CSV and Parquet, and fingerprinting every file written.

CSV is written by hand, not by a library's defaults, because its bytes are the reproducibility
contract: UTF-8 without BOM, `\\n` line ends, a header row, minimal quoting, empty for missing,
`true`/`false`, ISO days, and Python's shortest round-trip form for decimals. Parquet carries
the same rows with their types (dates as dates, counts as int64); its bytes depend on the
writer's version, so it is promised content-identical, not byte-identical.

Datasets are written from the staging database: DuckDB renders each row's CSV text (see
`sql.csv_line`, the same bytes as `csv_text` and Python's `csv`), a batch of rows arrives as
one Arrow buffer and goes to the file as is, and DuckDB writes the Parquet file itself; rows
never become Python objects. Aggregates are small and built in Python: `write_table`.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from projections.exports.columns import Record, Table, Value
from projections.exports.sql import csv_line
from projections.exports.staging import Staging

CHUNK = 1 << 20
DATASETS = "data"
BATCH_ROWS = 50_000


@dataclass(frozen=True)
class Written:
    path: str
    """Relative to the export directory, with `/` separators."""
    rows: int | None
    sha256: str
    bytes: int

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {"sha256": self.sha256, "bytes": self.bytes}
        if self.rows is not None:
            found["rows"] = self.rows
        return found


def write_table(root: Path, table: Table, records: Sequence[Record]) -> list[Written]:
    """`<folder>/<name>.csv`, and `.parquet` for datasets, rows in the table's total order."""
    ordered = table.ordered(records)
    folder = root / table.folder
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / f"{table.name}.csv"
    write_csv(csv_path, table, ordered)
    written = [csv_path]
    if table.folder == DATASETS:
        written.append(folder / f"{table.name}.parquet")
        arrow = pa.Table.from_pylist([dict(r) for r in ordered], schema=table.schema())
        pq.write_table(arrow, written[-1], compression="zstd")
    return [fingerprint(root, path, len(ordered)) for path in written]


def write_dataset(root: Path, table: Table, staging: Staging, staged: str) -> list[Written]:
    """`data/<name>.csv` and `.parquet` from a staged table, already in the table's order."""
    folder = root / table.folder
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, parquet_path = folder / f"{table.name}.csv", folder / f"{table.name}.parquet"
    with staging.db.cursor() as reading, csv_path.open("wb") as handle:
        handle.write((",".join(table.names) + "\n").encode())
        lines = reading.sql(f"SELECT {csv_line(table.columns)} FROM {staged}")
        for batch in lines.to_arrow_reader(BATCH_ROWS):
            _write_text(handle, batch.column(0))
    target = str(parquet_path).replace("'", "''")
    staging.db.execute(f"COPY {staged} TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
    rows = staging.count(staged)
    return [fingerprint(root, path, rows) for path in (csv_path, parquet_path)]


def _write_text(handle: BinaryIO, column: pa.Array[Any]) -> None:
    """A string column's bytes, all values back to back, straight from its data buffer."""
    if len(column) == 0:
        return
    if not pa.types.is_string(column.type):
        column = column.cast(pa.string())
    offsets = column.buffers()[1]
    data = column.buffers()[2]
    if offsets is None or data is None:
        return
    first, last = _offset(offsets, column.offset), _offset(offsets, column.offset + len(column))
    handle.write(memoryview(data)[first:last])


def _offset(offsets: pa.Buffer, index: int) -> int:
    return int.from_bytes(memoryview(offsets)[4 * index : 4 * index + 4], "little", signed=True)


def write_csv(path: Path, table: Table, ordered: Sequence[Record]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(table.names)
        for record in ordered:
            writer.writerow([csv_text(record[name]) for name in table.names])


def csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return repr(value) if isinstance(value, float) else str(value)


def fingerprint(root: Path, path: Path, rows: int | None = None) -> Written:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return Written(path.relative_to(root).as_posix(), rows, digest.hexdigest(), path.stat().st_size)
