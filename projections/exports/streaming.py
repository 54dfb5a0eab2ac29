"""Copying the exported read models into the staging database, a batch at a time.

Rows travel in batches of `BATCH`, so the export's memory does not grow with the history:
PostgreSQL hands them out through a server-side cursor, SQLite by rowid ranges, both inside the
snapshot's one transaction. Who may appear is settled here, once, for every file: a young person
is kept unless their case has `erased_at` as at the export's position or their key is gone now
(erased since — an export as at an earlier position must not bring them back). The date of
birth is opened here and nowhere else, reduced at once to a birth-year band; the token itself is
never staged.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from uuid import UUID

import pyarrow as pa

from domain.collector import each_paused
from domain.privacy.vault import Vault
from projections.exports.snapshot import SOURCES
from projections.exports.staging import Staging
from projections.exports.values import birth_year_band
from projections.queries.served import Reader
from projections.store import Row

BATCH = 20_000
INTEGERS = frozenset(
    {"severity", "progress", "duration_minutes", "amendments", "monthly_capacity", "capacity"}
)
"""The source columns the read models declare INTEGER; every other one is text."""
NOT_STAGED = frozenset({"date_of_birth"})
CURSOR = "parcours_export_rows"
KEPT = "kept"


def stage_sources(reader: Reader, staging: Staging, vault: Vault) -> None:
    staging.create(KEPT, [("young_person_id", "VARCHAR"), ("birth_year_band", "VARCHAR")])
    for name, (table, listed) in SOURCES.items():
        columns = [c.strip() for c in listed.split(",")]
        staged = [c for c in columns if c not in NOT_STAGED]
        schema = pa.schema([(c, pa.int64() if c in INTEGERS else pa.string()) for c in staged])
        staging.create(
            f"src_{name}", [(c, "BIGINT" if c in INTEGERS else "VARCHAR") for c in staged]
        )
        source = _Source(name, columns, staged, schema)
        # Each batch's rows are Python objects by the thousand: the collector is paused over
        # each one (domain/collector.py), not over the whole export, which in the API
        # process would keep it off for every request thread for as long as the export runs.
        each_paused(_batches(reader, table, columns), partial(_stage, source, staging, vault))


@dataclass(frozen=True)
class _Source:
    name: str
    columns: list[str]
    staged: list[str]
    schema: pa.Schema


def _stage(source: _Source, staging: Staging, vault: Vault, rows: list[Row]) -> None:
    by_column = dict(zip(source.columns, zip(*rows, strict=True), strict=True))
    if source.name == "cases":
        staging.append(KEPT, [_kept(by_column, vault)])
    arrays = [pa.array(by_column[c], type=source.schema.field(c).type) for c in source.staged]
    staging.append(f"src_{source.name}", [pa.Table.from_arrays(arrays, schema=source.schema)])


def _kept(cases: dict[str, tuple[object, ...]], vault: Vault) -> pa.Table:
    """Young people who may appear, with their birth-year band: the batch's keys are fetched in
    one key-store query (one per person cost most of the export's reading), from the store and
    not this process's cache — a key another process destroyed is gone from the export at once.
    """
    subjects = [UUID(str(p)) for p in cases["young_person_id"]]
    found = list(zip(subjects, cases["erased_at"], cases["date_of_birth"], strict=True))
    living = [s for s, erased_at, _ in found if erased_at is None]
    openers = vault.openers(living, cached=False)
    people: list[tuple[str, str | None]] = []
    for subject, erased_at, token in found:
        opener = openers.get(subject) if erased_at is None else None
        if opener is not None:
            opened = opener(None if token is None else str(token))
            people.append((str(subject), birth_year_band(opened)))
    return pa.table(
        {
            "young_person_id": pa.array([p[0] for p in people], pa.string()),
            "birth_year_band": pa.array([p[1] for p in people], pa.string()),
        }
    )


def _batches(reader: Reader, logical: str, columns: list[str]) -> Iterator[list[Row]]:
    physical = {k.replace(".", "_"): v for k, v in reader.tables.items()}[logical]
    listed = ", ".join(columns)
    tx = reader.tx
    if tx.dialect == "postgres":
        tx.execute(f"DECLARE {CURSOR} NO SCROLL CURSOR FOR SELECT {listed} FROM {physical}")
        try:
            while rows := tx.fetchall(f"FETCH FORWARD {BATCH} FROM {CURSOR}"):
                yield rows
        finally:
            tx.execute(f"CLOSE {CURSOR}")
        return
    last = 0
    statement = (
        f"SELECT rowid, {listed} FROM {physical} WHERE rowid > ? ORDER BY rowid LIMIT {BATCH}"
    )
    while found := tx.fetchall(statement, (last,)):
        last = int(found[-1][0])
        yield [row[1:] for row in found]
