"""Writing a table as CSV and Parquet, and fingerprinting every file written.

CSV is written by hand, not by a library's defaults, because its bytes are the reproducibility
contract: UTF-8 without BOM, `\\n` line ends, a header row, minimal quoting, empty for missing,
`true`/`false`, ISO days, and Python's shortest round-trip form for decimals. Parquet carries
the same rows with their types (dates as dates, counts as int64); its bytes depend on the
pyarrow version, so it is promised content-identical, not byte-identical.
"""

import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from projections.exports.columns import Record, Table, Value

CHUNK = 1 << 20
DATASETS = "data"


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
