"""The timeline of one young person: current or as the ledger knew it, keyset-paginated."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from projections.queries import paging
from projections.queries.paging import Page
from projections.queries.served import Reader
from projections.store import ReadStore, moment
from projections.timeline import TimelineProjection

COLUMNS = (
    "entry_id, kind, event_type, label, occurred_at, recorded_at, association_id, actor_user_id,"
    " domain, sensitivity, summary, amended, retracted, position"
)


@dataclass(frozen=True)
class TimelineEntry:
    entry_id: str
    kind: str
    event_type: str
    label: str
    occurred_at: datetime
    recorded_at: datetime
    association_id: str | None
    actor_user_id: str
    domain: str | None
    sensitivity: str
    summary_token: str | None
    amended: bool
    retracted: bool
    position: int


@dataclass(frozen=True)
class DomainVisibility:
    """Whose entries show their domain to a viewer: its own association's, and other
    associations' entries of these sensitivities."""

    own_association: str | None
    sensitivities: tuple[str, ...]


@dataclass(frozen=True)
class TimelineFilter:
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    domains: Sequence[str] | None = None
    as_of: datetime | None = None
    """Recorded time: the timeline as the ledger knew it then."""
    visible_domains: DomainVisibility | None = None
    """With `domains`: match only entries whose domain the viewer sees, so that filtering by a
    domain cannot reveal the hidden domain of a redacted entry."""


def timeline_page(
    store: ReadStore,
    young_person_id: UUID,
    first: int | None = None,
    after: str | None = None,
    where: TimelineFilter = TimelineFilter(),
) -> Page[TimelineEntry]:
    size = paging.page_size(first)
    conditions, params = _conditions(young_person_id, where)
    if after is not None:
        occurred, position, entry = paging.decode("timeline", after, 3)
        conditions.append("(occurred_at, position, entry_id) > (?, ?, ?)")
        params += [occurred, position, entry]
    with store.transaction() as tx:
        rows = Reader(tx, TimelineProjection).all(
            f"SELECT {COLUMNS} FROM {{timeline_entries}} WHERE {' AND '.join(conditions)}"
            " ORDER BY occurred_at, position, entry_id LIMIT ?",
            (*params, size + 1),
        )
    entries = [_entry(row) for row in rows[:size]]
    return Page(
        items=[(_cursor(e), e) for e in entries],
        has_next=len(rows) > size,
        has_previous=after is not None,
    )


def timeline_changes(
    store: ReadStore, young_person_id: UUID, after: int
) -> list[tuple[TimelineEntry, int]]:
    """The current entries of the timeline written or revised (amended, retracted) by events
    after log position `after`, in log order, each with that position: what a subscription
    sends next, read without what it has sent (it read the whole timeline, page by page, five
    times a second, and never sent a correction: a revision keeps its entry's position)."""
    conditions, params = _conditions(young_person_id, TimelineFilter())
    with store.transaction() as tx:
        rows = Reader(tx, TimelineProjection).all(
            f"SELECT {COLUMNS}, changed_at FROM {{timeline_entries}}"
            f" WHERE {' AND '.join(conditions)} AND changed_at > ?"
            " ORDER BY changed_at, entry_id LIMIT ?",
            (*params, after, paging.MAX_PAGE),
        )
    return [(_entry(row), int(str(row[-1]))) for row in rows]


def _conditions(young_person_id: UUID, where: TimelineFilter) -> tuple[list[str], list[object]]:
    conditions = ["young_person_id = ?"]
    params: list[object] = [str(young_person_id)]
    if where.as_of is None:
        conditions.append("valid_to IS NULL")
    else:
        conditions.append("valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)")
        params += [moment(where.as_of)] * 2
    if where.occurred_from is not None:
        conditions.append("occurred_at >= ?")
        params.append(moment(where.occurred_from))
    if where.occurred_to is not None:
        conditions.append("occurred_at <= ?")
        params.append(moment(where.occurred_to))
    if where.domains is not None:
        if not where.domains:
            conditions.append("1 = 0")
        else:
            conditions.append(f"domain IN ({', '.join('?' * len(where.domains))})")
            params += list(where.domains)
        if where.visible_domains is not None:
            condition, shown = _shown(where.visible_domains)
            conditions.append(condition)
            params += shown
    return conditions, params


def _shown(visible: DomainVisibility) -> tuple[str, list[object]]:
    alternatives: list[str] = []
    params: list[object] = []
    if visible.own_association is not None:
        alternatives.append("association_id = ?")
        params.append(visible.own_association)
    if visible.sensitivities:
        alternatives.append(f"sensitivity IN ({', '.join('?' * len(visible.sensitivities))})")
        params += list(visible.sensitivities)
    return (f"({' OR '.join(alternatives)})" if alternatives else "1 = 0"), params


def _entry(row: Sequence[object]) -> TimelineEntry:
    return TimelineEntry(
        entry_id=str(row[0]),
        kind=str(row[1]),
        event_type=str(row[2]),
        label=str(row[3]),
        occurred_at=datetime.fromisoformat(str(row[4])),
        recorded_at=datetime.fromisoformat(str(row[5])),
        association_id=None if row[6] is None else str(row[6]),
        actor_user_id=str(row[7]),
        domain=None if row[8] is None else str(row[8]),
        sensitivity=str(row[9]),
        summary_token=None if row[10] is None else str(row[10]),
        amended=bool(row[11]),
        retracted=bool(row[12]),
        position=int(str(row[13])),
    )


def _cursor(entry: TimelineEntry) -> str:
    return paging.encode("timeline", [moment(entry.occurred_at), entry.position, entry.entry_id])


def timeline_entry(store: ReadStore, young_person_id: UUID, entry_id: str) -> TimelineEntry | None:
    """One entry's current version (what a mutation returns after recording it)."""
    with store.transaction() as tx:
        row = Reader(tx, TimelineProjection).one(
            f"SELECT {COLUMNS} FROM {{timeline_entries}}"
            " WHERE young_person_id = ? AND entry_id = ? AND valid_to IS NULL",
            (str(young_person_id), entry_id),
        )
    return None if row is None else _entry(row)
