"""The column-wise export computes what the record-wise rules define: the same pseudonyms, the
same rounding, the same CSV text and order, and the same aggregates."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.exports.aggregates import AGGREGATES, build_aggregates, tally_aggregates
from projections.exports.columns import Column, Record, Table, boolean, decimal, integer, string
from projections.exports.datasets import DATASETS, Data, staged
from projections.exports.pseudonyms import Pseudonymiser
from projections.exports.sql import csv_line, days_between, pseudonym, sort_key
from projections.exports.staging import Staging, staging
from projections.exports.writing import csv_text
from projections.store import moment
from tests.exports.conftest import Simulated

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)


@settings(max_examples=60, deadline=None)
@given(secret=st.binary(min_size=1, max_size=100), kind=st.sampled_from(("need", "goal")))
def test_the_sql_pseudonym_is_the_python_hmac(secret: bytes, kind: str) -> None:
    pseudonyms = Pseudonymiser(secret)
    identifiers = ["a", "", "x,y", "é", "4f1c9c1e-0000-4000-8000-000000000001"]
    with staging() as work:
        found = work.db.execute(
            f"SELECT {pseudonym(kind, 'i')} FROM unnest($ids) AS t(i)",
            {**pseudonyms.pads(), "ids": identifiers},
        ).fetchall()
    assert [p for (p,) in found] == [pseudonyms.of(kind, i) for i in identifiers]


@settings(max_examples=40, deadline=None)
@given(seconds=st.lists(st.integers(-(10**7), 10**8), min_size=1, max_size=30))
def test_days_between_rounds_as_python_even_on_ties(seconds: list[int]) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    ties = [432 * (2 * n + 1) for n in range(20)]
    ends = [start + timedelta(seconds=s) for s in [*seconds, *ties]]
    with staging() as work:
        found = work.db.execute(
            f"SELECT {days_between('$start', 'e')} FROM unnest($ends) AS t(e)",
            {"start": moment(start), "ends": [moment(e) for e in ends]},
        ).fetchall()
    expected = [round((e - start).total_seconds() / 86_400, 2) for e in ends]
    assert [v for (v,) in found] == expected


ROW = st.tuples(
    st.none() | TEXT,
    st.none() | st.integers(-(10**6), 10**6),
    st.none() | st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.none() | st.booleans(),
)
TABLE = Table(
    "t",
    "a row",
    (string("s", "."), integer("i", "."), decimal("d", "."), boolean("b", ".")),
    sort=("d",),
)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(ROW, max_size=25))
def test_csv_lines_and_order_are_those_of_the_python_writer(
    rows: list[tuple[str | None, int | None, float | None, bool | None]],
) -> None:
    records = [dict(zip(TABLE.names, row, strict=True)) for row in rows]
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    for record in TABLE.ordered(records):
        writer.writerow([csv_text(record[name]) for name in TABLE.names])
    with staging() as work:
        _stage(work, TABLE.columns, rows)
        order = ", ".join(sort_key(c) for c in TABLE.columns if c.name in ("d",))
        order += ", " + ", ".join(sort_key(c) for c in TABLE.columns)
        found = work.db.execute(
            f"SELECT {csv_line(TABLE.columns)} FROM t ORDER BY {order}"
        ).fetchall()
    assert "".join(line for (line,) in found) == expected.getvalue()


def _stage(
    work: Staging,
    columns: tuple[Column, ...],
    rows: list[tuple[str | None, int | None, float | None, bool | None]],
) -> None:
    work.create("t", [(c.name, t) for c, t in zip(columns, _TYPES, strict=True)])
    if rows:
        work.db.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)


_TYPES = ("VARCHAR", "BIGINT", "DOUBLE", "BOOLEAN")


def _records(path: Path) -> list[Record]:
    return list(pq.read_table(path).to_pylist())


def test_aggregates_counted_in_sql_equal_the_record_level_definition(
    simulated: Simulated, tmp_path: Path
) -> None:
    for k in (1, 2, 5):
        out = tmp_path / f"k{k}"
        manifest = simulated.export(out, k=k)
        recorded = manifest.content["ledger"]["recorded_at"]  # type: ignore[index]
        as_at = datetime.fromisoformat(str(recorded)).astimezone(UTC).date()
        data: Data = {t.name: _records(out / "data" / f"{t.name}.parquet") for t, _ in DATASETS}
        with staging() as work:
            for table, _ in DATASETS:
                arrow = pq.read_table(out / "data" / f"{table.name}.parquet")
                work.db.register("incoming", arrow)
                work.db.execute(f"CREATE TABLE {staged(table)} AS SELECT * FROM incoming")
                work.db.unregister("incoming")
            counted = tally_aggregates(work, k, as_at)
        defined = build_aggregates(data, k, as_at)
        for table in AGGREGATES:
            assert table.ordered(counted[table.name]) == table.ordered(defined[table.name])
        assert isinstance(as_at, date)
