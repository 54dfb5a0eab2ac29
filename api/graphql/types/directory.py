"""Associations, competences, programmes, resources and practice notes."""

from datetime import date, datetime

import strawberry

from api.graphql.context import Info
from api.graphql.enums import Domain, ResourceKind
from api.graphql.ids import to_global
from api.graphql.types.node import Node
from domain import vocabulary
from projections.queries.directory import AssociationRow, CompetenceRow, NoteRow
from projections.queries.programmes import AllocationRow, ComponentRow, ProgrammeRow, ResourceRow


@strawberry.type
class Competence:
    domain: Domain
    monthly_capacity: int | None
    description: str | None

    @classmethod
    def of(cls, row: CompetenceRow) -> "Competence":
        return cls(
            domain=vocabulary.Domain(row.domain),
            monthly_capacity=row.monthly_capacity,
            description=row.description,
        )


@strawberry.type
class Association(Node):
    row: strawberry.Private[AssociationRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global("Association", self.row.association_id)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def territory(self) -> str:
        return self.row.territory

    @strawberry.field
    def registered_at(self) -> datetime:
        return self.row.registered_at

    @strawberry.field
    async def competences(self, info: Info) -> list[Competence]:
        rows = await info.context.loaders.competences.load(self.row.association_id)
        return [Competence.of(r) for r in rows or []]


async def association(info: Info, association_id: str | None) -> Association | None:
    if association_id is None:
        return None
    row = await info.context.loaders.associations.load(association_id)
    return None if row is None else Association(row=row)


async def required_association(info: Info, association_id: str) -> Association:
    found = await association(info, association_id)
    if found is None:
        msg = f"association {association_id} is missing from the directory"
        raise LookupError(msg)
    return found


@strawberry.type
class ProgrammeComponent:
    row: strawberry.Private[ComponentRow]

    @strawberry.field
    async def association(self, info: Info) -> Association:
        return await required_association(info, self.row.association_id)

    @strawberry.field
    def domain(self) -> Domain:
        return vocabulary.Domain(self.row.domain)


@strawberry.type
class Programme(Node):
    row: strawberry.Private[ProgrammeRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global("Programme", self.row.programme_id)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def capacity(self) -> int | None:
        return self.row.capacity

    @strawberry.field
    def starts_on(self) -> date | None:
        return self.row.starts_on

    @strawberry.field
    def ends_on(self) -> date | None:
        return self.row.ends_on

    @strawberry.field
    def enrolled(self) -> int:
        return self.row.enrolled

    @strawberry.field
    def closed_at(self) -> datetime | None:
        return self.row.closed_at

    @strawberry.field
    async def partners(self, info: Info) -> list[Association]:
        return [await required_association(info, a) for a in self.row.partners]

    @strawberry.field
    def components(self) -> list[ProgrammeComponent]:
        return [ProgrammeComponent(row=c) for c in self.row.components]


@strawberry.type
class Allocation:
    row: strawberry.Private[AllocationRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global("Allocation", self.row.allocation_id)

    @strawberry.field
    def starts_on(self) -> date:
        return self.row.starts_on

    @strawberry.field
    def ends_on(self) -> date:
        return self.row.ends_on

    @strawberry.field
    def quantity(self) -> int:
        return self.row.quantity

    @strawberry.field
    async def association(self, info: Info) -> Association | None:
        return await association(info, self.row.association_id)

    @strawberry.field
    def programme_id(self) -> strawberry.ID | None:
        pid = self.row.programme_id
        return None if pid is None else to_global("Programme", pid)


@strawberry.type
class SharedResource(Node):
    row: strawberry.Private[ResourceRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global("SharedResource", self.row.resource_id)

    @strawberry.field
    def kind(self) -> ResourceKind:
        return vocabulary.ResourceKind(self.row.kind)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def capacity(self) -> int:
        return self.row.capacity

    @strawberry.field
    def withdrawn_at(self) -> datetime | None:
        return self.row.withdrawn_at

    @strawberry.field
    async def association(self, info: Info) -> Association:
        return await required_association(info, self.row.association_id)

    @strawberry.field
    def allocations(self) -> list[Allocation]:
        return [Allocation(row=a) for a in self.row.allocations]


@strawberry.type
class PracticeNote(Node):
    row: strawberry.Private[NoteRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global("PracticeNote", self.row.note_id)

    @strawberry.field
    def title(self, info: Info) -> str | None:
        return info.context.parcours.vault.open_token(self.row.note_id, self.row.title_token)

    @strawberry.field
    def body(self, info: Info) -> str | None:
        return info.context.parcours.vault.open_token(self.row.note_id, self.row.body_token)

    @strawberry.field
    def domains(self) -> list[Domain]:
        return [vocabulary.Domain(d) for d in self.row.domains]

    @strawberry.field
    def published_at(self) -> datetime:
        return self.row.published_at

    @strawberry.field
    def revisions(self) -> int:
        return self.row.revisions

    @strawberry.field
    async def association(self, info: Info) -> Association:
        return await required_association(info, self.row.association_id)

    @strawberry.field
    async def endorsed_by(self, info: Info) -> list[Association]:
        return [await required_association(info, a) for a in self.row.endorsements]
