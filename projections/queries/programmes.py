"""Integrated programmes (partners, components, places taken) and pooled resources (with the
allocations they still hold), as the directory shows them.

Whatever a batch of rows needs beside them is loaded with one query for the whole batch, so a
page costs the same number of queries whatever its size.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from projections.directory import DirectoryProjection
from projections.queries import paging, rows
from projections.queries.paging import Page
from projections.queries.served import Reader
from projections.store import ReadStore


@dataclass(frozen=True)
class ComponentRow:
    association_id: str
    domain: str


@dataclass(frozen=True)
class ProgrammeRow:
    programme_id: str
    name: str
    capacity: int | None
    starts_on: date | None
    ends_on: date | None
    closed_at: datetime | None
    launched_at: datetime
    enrolled: int
    """Places taken now: enrolments less departures."""
    partners: tuple[str, ...]
    components: tuple[ComponentRow, ...]
    position: int


@dataclass(frozen=True)
class AllocationRow:
    allocation_id: str
    programme_id: str | None
    association_id: str | None
    starts_on: date
    ends_on: date
    quantity: int


@dataclass(frozen=True)
class ResourceRow:
    resource_id: str
    association_id: str
    kind: str
    name: str
    capacity: int
    offered_at: datetime
    withdrawn_at: datetime | None
    allocations: tuple[AllocationRow, ...]
    """The allocations still held: released ones are left out."""
    position: int


PROGRAMME_COLUMNS = (
    "programme_id, name, capacity, starts_on, ends_on, closed_at, launched_at, enrolled, position"
)


def programme(store: ReadStore, programme_id: UUID | str) -> ProgrammeRow | None:
    with store.transaction() as tx:
        reader = Reader(tx, DirectoryProjection)
        row = reader.one(
            f"SELECT {PROGRAMME_COLUMNS} FROM {{directory_programmes}} WHERE programme_id = ?",
            (str(programme_id),),
        )
        return None if row is None else _programmes(reader, [row])[0]


def programmes_page(
    store: ReadStore,
    first: int | None = None,
    after: str | None = None,
    association_id: str | None = None,
) -> Page[ProgrammeRow]:
    """Programmes in the order they were launched; with `association_id`, those it partners."""
    size = paging.page_size(first)
    conditions: list[str] = []
    params: list[object] = []
    if association_id is not None:
        conditions.append(
            "programme_id IN (SELECT programme_id FROM {directory_partners}"
            " WHERE association_id = ?)"
        )
        params.append(association_id)
    rows.after_position(conditions, params, "programmes", after)
    with store.transaction() as tx:
        reader = Reader(tx, DirectoryProjection)
        found = reader.all(
            f"SELECT {PROGRAMME_COLUMNS} FROM {{directory_programmes}}{rows.where(conditions)}"
            " ORDER BY position LIMIT ?",
            (*params, size + 1),
        )
        programmes = _programmes(reader, found[:size])
    positions = [p.position for p in programmes]
    return rows.page("programmes", programmes, positions, len(found) > size, after)


def resources_of(store: ReadStore, association_id: UUID | str) -> list[ResourceRow]:
    """The resources an association pooled, in the order offered, each with the allocations it
    still holds. Withdrawn ones are kept (with `withdrawn_at`): their allocations still run."""
    with store.transaction() as tx:
        reader = Reader(tx, DirectoryProjection)
        found = reader.all(
            "SELECT resource_id, association_id, kind, name, capacity, offered_at, withdrawn_at,"
            " position FROM {directory_resources} WHERE association_id = ? ORDER BY position",
            (str(association_id),),
        )
        allocations = _allocations(reader, [str(r[0]) for r in found])
    return [_resource(r, allocations[str(r[0])]) for r in found]


def _programmes(reader: Reader, found: Sequence[Sequence[object]]) -> list[ProgrammeRow]:
    """Programmes with their partners and components: two queries for the whole batch."""
    if not found:
        return []
    ids = [str(r[0]) for r in found]
    partners: dict[str, list[str]] = defaultdict(list)
    for programme_id, association in reader.all(
        "SELECT programme_id, association_id FROM {directory_partners}"
        f" WHERE programme_id IN ({rows.marks(ids)}) ORDER BY programme_id, association_id",
        ids,
    ):
        partners[str(programme_id)].append(str(association))
    components: dict[str, list[ComponentRow]] = defaultdict(list)
    for programme_id, association, domain in reader.all(
        "SELECT programme_id, association_id, domain FROM {directory_components}"
        f" WHERE programme_id IN ({rows.marks(ids)})"
        " ORDER BY programme_id, association_id, domain",
        ids,
    ):
        components[str(programme_id)].append(ComponentRow(str(association), str(domain)))
    return [_programme(r, partners[str(r[0])], components[str(r[0])]) for r in found]


def _allocations(reader: Reader, resource_ids: Sequence[str]) -> dict[str, list[AllocationRow]]:
    """The unreleased allocations of a batch of resources, in one query."""
    held: dict[str, list[AllocationRow]] = defaultdict(list)
    if not resource_ids:
        return held
    for r in reader.all(
        "SELECT resource_id, allocation_id, programme_id, association_id, starts_on, ends_on,"
        " quantity FROM {directory_allocations}"
        f" WHERE resource_id IN ({rows.marks(resource_ids)}) AND released_at IS NULL"
        " ORDER BY starts_on, allocation_id",
        resource_ids,
    ):
        held[str(r[0])].append(
            AllocationRow(
                allocation_id=str(r[1]),
                programme_id=rows.text(r[2]),
                association_id=rows.text(r[3]),
                starts_on=rows.day_of(r[4]),
                ends_on=rows.day_of(r[5]),
                quantity=rows.integer(r[6]),
            )
        )
    return held


def _programme(
    r: Sequence[object], partners: list[str], components: list[ComponentRow]
) -> ProgrammeRow:
    return ProgrammeRow(
        programme_id=str(r[0]),
        name=str(r[1]),
        capacity=rows.integer_or_none(r[2]),
        starts_on=rows.day_or_none(r[3]),
        ends_on=rows.day_or_none(r[4]),
        closed_at=rows.moment_or_none(r[5]),
        launched_at=rows.moment_of(r[6]),
        enrolled=rows.integer(r[7]),
        partners=tuple(partners),
        components=tuple(components),
        position=rows.integer(r[8]),
    )


def _resource(r: Sequence[object], allocations: list[AllocationRow]) -> ResourceRow:
    return ResourceRow(
        resource_id=str(r[0]),
        association_id=str(r[1]),
        kind=str(r[2]),
        name=str(r[3]),
        capacity=rows.integer(r[4]),
        offered_at=rows.moment_of(r[5]),
        withdrawn_at=rows.moment_or_none(r[6]),
        allocations=tuple(allocations),
        position=rows.integer(r[7]),
    )
