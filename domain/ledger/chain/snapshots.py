"""Stored snapshots checked against their seals, for `audit verify`.

A load never trusts a snapshot whose seal does not verify (`snapshot_seal.py`), so an altered
one changes no decision; but an altered snapshot is still evidence that someone wrote to the
database behind the ledger's back, and the auditor should hear of it. Snapshots that are merely
unverifiable — taken before the seal, or sealed under a retired KEK — are counted apart: they
are folded from the events when loaded and replaced as the case grows.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from uuid import UUID

from eventsourcing.persistence import AggregateRecorder

from domain.ledger.chain.tables import StoredTables
from domain.privacy.snapshot_seal import SnapshotAltered, SnapshotSeal, SnapshotUnverifiable

BATCH = 1000


@dataclass
class SnapshotCheck:
    sealed: int = 0
    unverifiable: int = 0
    altered: list[tuple[UUID, int]] = field(default_factory=list)


def check_snapshots(recorder: AggregateRecorder, seal: SnapshotSeal) -> SnapshotCheck:
    found = SnapshotCheck()
    for stream, version, topic, state in _stored(StoredTables.of(recorder)):
        try:
            seal.open(stream, version, topic, state)
        except SnapshotAltered:
            found.altered.append((stream, version))
        except SnapshotUnverifiable:
            found.unverifiable += 1
        else:
            found.sealed += 1
    return found


def _stored(tables: StoredTables) -> Iterator[tuple[UUID, int, str, bytes]]:
    """Every stored snapshot, page by page in (stream, version) order."""
    statement = (
        f"SELECT originator_id, originator_version, topic, state FROM {tables.events}"  # noqa: S608
        " WHERE originator_id > ? OR (originator_id = ? AND originator_version > ?)"
        " ORDER BY originator_id, originator_version LIMIT ?"
    )
    last: object = tables.stream_key(UUID(int=0))
    version = -1
    while rows := tables.run(statement, (last, last, version, BATCH)):
        for stream, at, topic, state in rows:
            yield UUID(str(stream)), int(at), str(topic), bytes(state)
        last, version = rows[-1][0], int(rows[-1][1])


def reseal_snapshots(recorder: AggregateRecorder, seal: SnapshotSeal) -> int:
    """Seals again, under the current KEK, every snapshot sealed under another one it still
    holds (during a rotation); altered and unverifiable ones are left as they are (loads do
    not use them). Returns how many were sealed again."""
    tables = StoredTables.of(recorder)
    update = (
        f"UPDATE {tables.events} SET state = ?"  # noqa: S608
        " WHERE originator_id = ? AND originator_version = ?"
    )
    resealed = 0
    for stream, version, topic, state in _stored(tables):
        if seal.sealed_under(state) in (None, seal.current):
            continue
        try:
            again = seal.resealed(stream, version, topic, state)
        except (SnapshotAltered, SnapshotUnverifiable):
            continue
        tables.run(update, (again, tables.stream_key(stream), version), commit=True)
        resealed += 1
    return resealed
