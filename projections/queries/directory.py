"""The network's directory as the API lists it: associations and their competences, practice
notes with their endorsements, and (from `programmes`) programmes and pooled resources.

Lists are keyset pages over the log position of the event that created each row, so a cursor
stays valid while the network grows. Whatever a page needs beside its rows is loaded with one
query for the whole page, never one per row (what DataLoaders rely on).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from projections.directory import DirectoryProjection
from projections.queries import paging, rows
from projections.queries.paging import Page
from projections.queries.programmes import (
    AllocationRow,
    ComponentRow,
    ProgrammeRow,
    ResourceRow,
    programme,
    programmes_page,
    resources_of,
)
from projections.queries.served import Reader
from projections.store import ReadStore

__all__ = [
    "AllocationRow",
    "AssociationRow",
    "CompetenceRow",
    "ComponentRow",
    "NoteRow",
    "ProgrammeRow",
    "ResourceRow",
    "associations_by_id",
    "associations_page",
    "competences_of",
    "practice_notes_page",
    "programme",
    "programmes_page",
    "resources_of",
]

Ids = Sequence[UUID | str]


@dataclass(frozen=True)
class AssociationRow:
    association_id: str
    name: str
    territory: str
    registered_at: datetime
    position: int


@dataclass(frozen=True)
class CompetenceRow:
    association_id: str
    domain: str
    monthly_capacity: int | None
    description: str | None


@dataclass(frozen=True)
class NoteRow:
    note_id: str
    association_id: str
    title_token: str
    body_token: str
    """Sealed with the note's key: the API opens them, the read store never holds them clear."""
    domains: tuple[str, ...]
    programme_id: str | None
    published_at: datetime
    revisions: int
    endorsements: tuple[str, ...]
    """The endorsing associations, in the order they endorsed."""
    position: int


ASSOCIATION_COLUMNS = "association_id, name, territory, registered_at, position"
NOTE_COLUMNS = (
    "note_id, association_id, title, body, domains, programme_id, published_at, revisions, position"
)


def associations_page(
    store: ReadStore,
    first: int | None = None,
    after: str | None = None,
    domain: str | None = None,
    territory: str | None = None,
) -> Page[AssociationRow]:
    """Associations in the order they were registered; with `domain`, those that declare it;
    with `territory`, those based there."""
    size = paging.page_size(first)
    conditions: list[str] = []
    params: list[object] = []
    if domain is not None:
        conditions.append(
            "EXISTS (SELECT 1 FROM {directory_competences} k"
            " WHERE k.association_id = a.association_id AND k.domain = ?)"
        )
        params.append(domain)
    if territory is not None:
        conditions.append("a.territory = ?")
        params.append(territory)
    rows.after_position(conditions, params, "associations", after, "a.position > ?")
    columns = ", ".join(f"a.{c}" for c in ASSOCIATION_COLUMNS.split(", "))
    with store.transaction() as tx:
        found = Reader(tx, DirectoryProjection).all(
            f"SELECT {columns} FROM {{directory_associations}} a{rows.where(conditions)}"
            " ORDER BY a.position LIMIT ?",
            (*params, size + 1),
        )
    associations = [_association(r) for r in found[:size]]
    positions = [a.position for a in associations]
    return rows.page("associations", associations, positions, len(found) > size, after)


def associations_by_id(store: ReadStore, ids: Ids) -> dict[str, AssociationRow]:
    """Batch load for DataLoaders: one query for any number of ids; unknown ids are absent."""
    if not ids:
        return {}
    with store.transaction() as tx:
        found = Reader(tx, DirectoryProjection).all(
            f"SELECT {ASSOCIATION_COLUMNS} FROM {{directory_associations}}"
            f" WHERE association_id IN ({rows.marks(ids)})",
            [str(i) for i in ids],
        )
    return {str(r[0]): _association(r) for r in found}


def competences_of(store: ReadStore, association_ids: Ids) -> dict[str, list[CompetenceRow]]:
    """Batch load: every asked id is a key (an empty list when it declares nothing), its
    competences in the alphabetical order of their domains."""
    competences: dict[str, list[CompetenceRow]] = {str(i): [] for i in association_ids}
    if not competences:
        return competences
    with store.transaction() as tx:
        found = Reader(tx, DirectoryProjection).all(
            "SELECT association_id, domain, monthly_capacity, description"
            " FROM {directory_competences}"
            f" WHERE association_id IN ({rows.marks(list(competences))})"
            " ORDER BY association_id, domain",
            list(competences),
        )
    for r in found:
        competence = CompetenceRow(
            association_id=str(r[0]),
            domain=str(r[1]),
            monthly_capacity=rows.integer_or_none(r[2]),
            description=rows.text(r[3]),
        )
        competences[competence.association_id].append(competence)
    return competences


def practice_notes_page(
    store: ReadStore,
    first: int | None = None,
    after: str | None = None,
    domain: str | None = None,
) -> Page[NoteRow]:
    """Practice notes, the most recently published first; with `domain`, those tagged with it."""
    size = paging.page_size(first)
    conditions: list[str] = []
    params: list[object] = []
    if domain is not None:
        conditions.append("(',' || domains || ',') LIKE ? ESCAPE '!'")
        params.append(f"%,{rows.literal(domain)},%")
    rows.after_position(conditions, params, "notes", after, "position < ?")
    with store.transaction() as tx:
        reader = Reader(tx, DirectoryProjection)
        found = reader.all(
            f"SELECT {NOTE_COLUMNS} FROM {{directory_notes}}{rows.where(conditions)}"
            " ORDER BY position DESC LIMIT ?",
            (*params, size + 1),
        )
        endorsements = _endorsements(reader, [str(r[0]) for r in found[:size]])
    notes = [_note(r, endorsements[str(r[0])]) for r in found[:size]]
    return rows.page("notes", notes, [n.position for n in notes], len(found) > size, after)


def _endorsements(reader: Reader, note_ids: Sequence[str]) -> dict[str, list[str]]:
    """The endorsing associations of a batch of notes, in one query."""
    endorsed: dict[str, list[str]] = defaultdict(list)
    if not note_ids:
        return endorsed
    for note_id, association in reader.all(
        "SELECT note_id, association_id FROM {directory_endorsements}"
        f" WHERE note_id IN ({rows.marks(note_ids)})"
        " ORDER BY note_id, endorsed_at, association_id",
        note_ids,
    ):
        endorsed[str(note_id)].append(str(association))
    return endorsed


def _association(r: Sequence[object]) -> AssociationRow:
    return AssociationRow(
        association_id=str(r[0]),
        name=str(r[1]),
        territory=str(r[2]),
        registered_at=rows.moment_of(r[3]),
        position=rows.integer(r[4]),
    )


def _note(r: Sequence[object], endorsements: list[str]) -> NoteRow:
    return NoteRow(
        note_id=str(r[0]),
        association_id=str(r[1]),
        title_token=str(r[2]),
        body_token=str(r[3]),
        domains=tuple(str(r[4]).split(",")),
        programme_id=rows.text(r[5]),
        published_at=rows.moment_of(r[6]),
        revisions=rows.integer(r[7]),
        endorsements=tuple(endorsements),
        position=rows.integer(r[8]),
    )


def practice_notes_by_id(store: ReadStore, ids: Ids) -> dict[str, NoteRow]:
    """Notes by id (one query for the notes, one for their endorsements)."""
    keys = [str(i) for i in ids]
    if not keys:
        return {}
    with store.transaction() as tx:
        reader = Reader(tx, DirectoryProjection)
        found = reader.all(
            f"SELECT {NOTE_COLUMNS} FROM {{directory_notes}} WHERE note_id IN ({rows.marks(keys)})",
            keys,
        )
        endorsements = _endorsements(reader, [str(r[0]) for r in found])
    return {str(r[0]): _note(r, endorsements[str(r[0])]) for r in found}


def resource_owner(store: ReadStore, resource_id: UUID | str) -> str | None:
    """The association that pooled a resource."""
    with store.transaction() as tx:
        row = Reader(tx, DirectoryProjection).one(
            "SELECT association_id FROM {directory_resources} WHERE resource_id = ?",
            (str(resource_id),),
        )
    return None if row is None else str(row[0])


def resource(store: ReadStore, resource_id: UUID | str) -> ResourceRow | None:
    """One pooled resource with its allocations, by id (`node`)."""
    owner = resource_owner(store, resource_id)
    if owner is None:
        return None
    return next((r for r in resources_of(store, owner) if r.resource_id == str(resource_id)), None)


@dataclass(frozen=True)
class StudyRow:
    study_id: str
    name: str
    registered_at: datetime


def studies(store: ReadStore) -> list[StudyRow]:
    """The evaluation studies registered in the ledger, oldest first."""
    with store.transaction() as tx:
        found = Reader(tx, DirectoryProjection).all(
            "SELECT study_id, name, registered_at FROM {directory_studies}"
            " ORDER BY registered_at, name"
        )
    return [StudyRow(str(r[0]), str(r[1]), rows.moment_of(r[2])) for r in found]
