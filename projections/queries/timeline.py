"""Timelines of young people: current or as the ledger knew it, keyset-paginated.

Pages are asked for in batches (`timeline_pages`): a list of young people, each with a page of
their timeline, costs one statement on PostgreSQL (a LATERAL subquery over arrays) and one per
hundred pages on SQLite (a union), instead of one per page.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast
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
    domains: tuple[str, ...] | None = None
    as_of: datetime | None = None
    """Recorded time: the timeline as the ledger knew it then."""
    visible_domains: DomainVisibility | None = None
    """With `domains`: match only entries whose domain the viewer sees, so that filtering by a
    domain cannot reveal the hidden domain of a redacted entry."""

    def __post_init__(self) -> None:
        """Domains as a set (a hashable, sorted tuple): a list of 700 times the same domain
        made 700 parameters per page."""
        if self.domains is not None:
            object.__setattr__(self, "domains", tuple(sorted(set(self.domains))))


BATCH = 100
"""Pages one statement asks for at most: SQLite allows 500 members in a compound SELECT."""
MAX_PARAMETERS = 999
"""Parameters one statement carries at most: SQLite before 3.32 allows 999, and PostgreSQL's
protocol 65,535 — a batch of a hundred pages each filtered by many domains got there."""

Keyset = tuple[str, int, str]
"""Where a page starts: after this (occurred_at, position, entry_id)."""


@dataclass(frozen=True)
class TimelineRequest:
    """One page of one young person's timeline, checked before anything is read, so a batch
    holds only requests that can be answered (a bad cursor fails its own field, not the
    batch); hashable, so a DataLoader answers the same request once per operation."""

    young_person_id: str
    size: int
    after: Keyset | None
    where: TimelineFilter

    @classmethod
    def of(
        cls,
        young_person_id: UUID | str,
        first: int | None = None,
        after: str | None = None,
        where: TimelineFilter = TimelineFilter(),
    ) -> "TimelineRequest":
        keyset = None if after is None else _keyset(after)
        return cls(str(young_person_id), paging.page_size(first), keyset, where)


def _keyset(cursor: str) -> Keyset:
    """The cursor's sort key, exactly as this server writes one: in a batch, a value the
    driver cannot take failed every page read with it."""
    values = paging.decode(
        "timeline", cursor, paging.is_moment, paging.is_position, paging.is_identifier
    )
    return cast(Keyset, tuple(values))


def timeline_page(
    store: ReadStore,
    young_person_id: UUID,
    first: int | None = None,
    after: str | None = None,
    where: TimelineFilter = TimelineFilter(),
) -> Page[TimelineEntry]:
    return timeline_pages(store, [TimelineRequest.of(young_person_id, first, after, where)])[0]


def timeline_pages(
    store: ReadStore, requests: Sequence[TimelineRequest]
) -> list[Page[TimelineEntry]]:
    """The page each request asks for, in the order asked, read in one transaction."""
    if not requests:
        return []
    rows: dict[int, list[Sequence[object]]] = {i: [] for i in range(len(requests))}
    with store.transaction() as tx:
        reader = Reader(tx, TimelineProjection)
        several = len(requests) > 1 and tx.dialect == "postgres"
        statements = _laterals(requests) if several else _statements(list(enumerate(requests)))
        for statement, params in statements:
            for row in reader.all(statement, params):
                rows[int(str(row[0]))].append(row[1:])
    return [_page(request, rows[i]) for i, request in enumerate(requests)]


def _laterals(requests: Sequence[TimelineRequest]) -> Iterator[tuple[str, list[object]]]:
    """On PostgreSQL, for several pages, a statement for all the requests of one filter (those
    of a list's level share it): arrays of the young people, page sizes and cursors, and a
    LATERAL keyset subquery for each. The union of a hundred subqueries took 8-13 ms to plan;
    this plans once, whatever the number of pages. Filters asked by one page only (aliases,
    or a domain filter under varied consents) go together in a union, as on SQLite."""
    shapes: dict[tuple[tuple[str, ...], tuple[object, ...], bool], list[int]] = {}
    for i, request in enumerate(requests):
        conditions, params = _filters(request.where)
        shape = (tuple(conditions), tuple(params), request.after is not None)
        shapes.setdefault(shape, []).append(i)
    alone: list[tuple[int, TimelineRequest]] = []
    for (filters, shared, after), indices in shapes.items():
        if len(indices) == 1:
            alone.append((indices[0], requests[indices[0]]))
        else:
            yield _lateral(filters, shared, after, [(i, requests[i]) for i in indices])
    if alone:
        yield from _statements(alone)


def _lateral(
    filters: Sequence[str],
    shared: Sequence[object],
    after: bool,
    asked: Sequence[tuple[int, TimelineRequest]],
) -> tuple[str, list[object]]:
    columns: dict[str, tuple[str, Sequence[object]]] = {
        "request": ("int[]", [i for i, _ in asked]),
        "person": ("text[]", [r.young_person_id for _, r in asked]),
        "lim": ("int[]", [r.size + 1 for _, r in asked]),
    }
    keyset: list[str] = []
    if after:
        starts = [r.after for _, r in asked if r.after is not None]
        columns["after_at"] = ("text[]", [k[0] for k in starts])
        columns["after_position"] = ("bigint[]", [k[1] for k in starts])
        columns["after_entry"] = ("text[]", [k[2] for k in starts])
        keyset = [
            "(occurred_at, position, entry_id) > (k.after_at, k.after_position, k.after_entry)"
        ]
    where = " AND ".join(["young_person_id = k.person", *filters, *keyset])
    arrays = ", ".join(f"?::{kind}" for kind, _ in columns.values())
    return (
        f"SELECT k.request, t.* FROM unnest({arrays}) AS k({', '.join(columns)})"
        f" CROSS JOIN LATERAL (SELECT {COLUMNS} FROM {{timeline_entries}} WHERE {where}"
        " ORDER BY occurred_at, position, entry_id LIMIT k.lim) AS t"
        " ORDER BY k.request, t.occurred_at, t.position, t.entry_id",
        [*(values for _, values in columns.values()), *shared],
    )


def _statements(
    requests: Sequence[tuple[int, TimelineRequest]],
) -> Iterator[tuple[str, list[object]]]:
    """Elsewhere (SQLite, which has no LATERAL): one SELECT per request, each with its own
    filter, order and limit, put together with UNION ALL up to `BATCH` members or
    `MAX_PARAMETERS` parameters."""
    members: list[str] = []
    params: list[object] = []
    for i, request in requests:
        member, own = _member(i, request)
        if members and (len(members) == BATCH or len(params) + len(own) > MAX_PARAMETERS):
            yield _union(members), params
            members, params = [], []
        members.append(member)
        params += own
    yield _union(members), params


def _member(index: int, request: TimelineRequest) -> tuple[str, list[object]]:
    """The request's SELECT, its index first in every row."""
    conditions, params = _conditions(request.young_person_id, request.where)
    if request.after is not None:
        conditions.append("(occurred_at, position, entry_id) > (?, ?, ?)")
        params += list(request.after)
    statement = (
        f"SELECT {index} AS request, {COLUMNS} FROM {{timeline_entries}}"
        f" WHERE {' AND '.join(conditions)}"
        " ORDER BY occurred_at, position, entry_id LIMIT ?"
    )
    return statement, [*params, request.size + 1]


def _union(members: Sequence[str]) -> str:
    """Several members as subqueries (a compound member may not have a LIMIT of its own)."""
    if len(members) == 1:
        return members[0]
    union = " UNION ALL ".join(f"SELECT * FROM ({m}) AS r{n}" for n, m in enumerate(members))
    return f"{union} ORDER BY request, occurred_at, position, entry_id"


def _page(request: TimelineRequest, rows: Sequence[Sequence[object]]) -> Page[TimelineEntry]:
    entries = [_entry(row) for row in rows[: request.size]]
    return Page(
        items=[(_cursor(e), e) for e in entries],
        has_next=len(rows) > request.size,
        has_previous=request.after is not None,
    )


def timeline_changes(
    store: ReadStore, young_person_id: UUID, after: int
) -> list[tuple[TimelineEntry, int]]:
    """The current entries of the timeline written or revised (amended, retracted) by events
    after log position `after`, in log order, each with that position: what a subscription
    sends next, read without what it has sent (it read the whole timeline, page by page, five
    times a second, and never sent a correction: a revision keeps its entry's position)."""
    conditions, params = _conditions(str(young_person_id), TimelineFilter())
    with store.transaction() as tx:
        rows = Reader(tx, TimelineProjection).all(
            f"SELECT {COLUMNS}, changed_at FROM {{timeline_entries}}"
            f" WHERE {' AND '.join(conditions)} AND changed_at > ?"
            " ORDER BY changed_at, entry_id LIMIT ?",
            (*params, after, paging.MAX_PAGE),
        )
    return [(_entry(row), int(str(row[-1]))) for row in rows]


def _conditions(young_person_id: str, where: TimelineFilter) -> tuple[list[str], list[object]]:
    conditions, params = _filters(where)
    return ["young_person_id = ?", *conditions], [young_person_id, *params]


def _filters(where: TimelineFilter) -> tuple[list[str], list[object]]:
    """The filter's conditions, whoever's timeline it is applied to."""
    conditions: list[str] = []
    params: list[object] = []
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
