"""The audit trail: every stored event's place, author and chain link, for auditors.

It reads the event store itself (not a projection): an auditor must see what is stored. The
`hash` is the event's link in the hash chain (`domain.ledger.chain`): computed over the stored —
encrypted — bytes and the previous link, so it never depends on personal data in clear and
survives erasure; an event with no link (inserted behind the ledger's back) shows an empty hash.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from domain.ledger import Ledger
from domain.ledger.chain.store import ChainStore
from domain.ledger.chain.tables import StoredTables
from projections.queries import paging
from projections.queries.paging import Page


@dataclass(frozen=True)
class AuditRecord:
    position: int
    stream_id: str
    version: int
    type: str
    recorded_at: datetime
    actor_user_id: str | None
    actor_association_id: str | None
    hash: str


def _position(cursor: str) -> int:
    (position,) = paging.decode("audit", cursor, paging.is_position)
    return cast(int, position)


def audit_page(
    ledger: Ledger, stream_id: UUID | None, first: int | None, after: str | None
) -> Page[AuditRecord]:
    """The log in order, or one stream's events; keyset-paged by position."""
    size = paging.page_size(first)
    start = 0 if after is None else _position(after)
    if stream_id is None:
        rows: Sequence[Any] = ledger.recorder.select_notifications(
            start=start, limit=size + 1, inclusive_of_start=False
        )
    else:
        rows = _stream_notifications(ledger, stream_id, start, size + 1)
    chain = ChainStore(ledger.recorder).hashes_at([n.id for n in rows[:size]])
    records = [_record(n, chain.get(n.id)) for n in rows[:size]]
    return Page(
        items=[(paging.encode("audit", [r.position]), r) for r in records],
        has_next=len(rows) > size,
        has_previous=after is not None,
    )


@dataclass(frozen=True)
class _Stored:
    id: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


def _stream_notifications(ledger: Ledger, stream_id: UUID, after: int, limit: int) -> list[Any]:
    """One stream's events with their log positions, straight from the event table (the
    library selects a stream without positions, and the whole log without a stream filter)."""
    tables = StoredTables.of(ledger.recorder)
    rows = tables.run(
        f"SELECT {tables.position}, originator_id, originator_version, topic, state"  # noqa: S608
        f" FROM {tables.events} WHERE originator_id = ? AND {tables.position} > ?"
        f" ORDER BY {tables.position} LIMIT ?",
        (tables.stream_key(stream_id), after, limit),
    )
    return [_Stored(*row) for row in rows]


def _record(notification: Any, link: bytes | None) -> AuditRecord:
    state = json.loads(bytes(notification.state))
    actor = state.get("actor", {}).get("_data_", {}) if isinstance(state, dict) else {}
    association = actor.get("association_id")
    stream = str(UUID(str(notification.originator_id)))
    return AuditRecord(
        position=notification.id,
        stream_id=stream,
        version=notification.originator_version,
        type=str(notification.topic).rsplit(":", 1)[-1],
        recorded_at=datetime.fromisoformat(state["timestamp"]["_data_"]),
        actor_user_id=actor.get("user_id"),
        actor_association_id=None if association is None else str(UUID(association["_data_"])),
        hash="" if link is None else link.hex(),
    )
