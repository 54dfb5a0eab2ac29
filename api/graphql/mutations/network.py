"""Commands on the network: associations and competences, shared resources, programmes,
practice notes. Coordinators act for their own association (the domain checks the token's
association); network admins register associations and run programmes."""

from collections.abc import Callable
from datetime import date
from typing import Annotated
from uuid import UUID

import strawberry

from api.graphql.context import Info
from api.graphql.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from api.graphql.ids import uuid_of
from api.graphql.mutations.perform import need_id, not_yet_visible, optional_id, perform
from api.graphql.types.directory import Association, PracticeNote, Programme, association
from api.policy import Capability
from domain import vocabulary
from domain.network.association import competence
from domain.network.programme import Component
from projections.queries.directory import practice_notes_by_id, resource_owner
from projections.queries.programmes import programme

Failure = InvalidInput | NotPermitted | NotFound | RuleViolation


@strawberry.input
class CompetenceInput:
    domain: vocabulary.Domain
    monthly_capacity: int | None = None
    description: str | None = None


@strawberry.input
class RegisterAssociationInput:
    name: str
    territory: str
    competences: list[CompetenceInput] = strawberry.field(default_factory=list)
    idempotency_key: str | None = None


@strawberry.input
class DeclareCompetenceInput:
    association_id: strawberry.ID
    competence: CompetenceInput
    idempotency_key: str | None = None


@strawberry.input
class WithdrawCompetenceInput:
    association_id: strawberry.ID
    domain: vocabulary.Domain
    idempotency_key: str | None = None


@strawberry.type
class AssociationUpdated:
    association: Association
    changed_id: strawberry.ID | None = None
    """A resource or allocation the command created or changed."""


AssociationResult = Annotated[
    AssociationUpdated | InvalidInput | NotPermitted | NotFound | RuleViolation,
    strawberry.union("AssociationResult"),
]


@strawberry.input
class OfferResourceInput:
    association_id: strawberry.ID
    kind: vocabulary.ResourceKind
    name: str
    capacity: int
    idempotency_key: str | None = None


@strawberry.input
class ResourceInput:
    resource_id: strawberry.ID
    idempotency_key: str | None = None


@strawberry.input
class AllocateResourceInput:
    resource_id: strawberry.ID
    starts_on: date
    ends_on: date
    quantity: int
    programme_id: strawberry.ID | None = None
    association_id: strawberry.ID | None = None
    idempotency_key: str | None = None


@strawberry.input
class ReleaseAllocationInput:
    resource_id: strawberry.ID
    allocation_id: strawberry.ID
    idempotency_key: str | None = None


@strawberry.input
class ComponentInput:
    association_id: strawberry.ID
    domain: vocabulary.Domain


@strawberry.input
class LaunchProgrammeInput:
    name: str
    components: list[ComponentInput]
    capacity: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    partner_ids: list[strawberry.ID] | None = None
    idempotency_key: str | None = None


@strawberry.input
class PartnershipInput:
    programme_id: strawberry.ID
    association_id: strawberry.ID
    domains: list[vocabulary.Domain] = strawberry.field(default_factory=list)
    idempotency_key: str | None = None


@strawberry.input
class CloseProgrammeInput:
    programme_id: strawberry.ID
    idempotency_key: str | None = None


@strawberry.type
class ProgrammeUpdated:
    programme: Programme


ProgrammeResult = Annotated[
    ProgrammeUpdated | InvalidInput | NotPermitted | NotFound | RuleViolation,
    strawberry.union("ProgrammeResult"),
]


@strawberry.input
class PublishPracticeNoteInput:
    title: str
    body: str
    domains: list[vocabulary.Domain]
    programme_id: strawberry.ID | None = None
    idempotency_key: str | None = None


@strawberry.input
class RevisePracticeNoteInput:
    note_id: strawberry.ID
    title: str
    body: str
    idempotency_key: str | None = None


@strawberry.input
class EndorsePracticeNoteInput:
    note_id: strawberry.ID
    idempotency_key: str | None = None


@strawberry.type
class PracticeNoteUpdated:
    practice_note: PracticeNote


PracticeNoteResult = Annotated[
    PracticeNoteUpdated | InvalidInput | NotPermitted | NotFound | RuleViolation,
    strawberry.union("PracticeNoteResult"),
]


async def _association_payload(
    info: Info, association_id: str, outcome: UUID | Failure
) -> AssociationResult:
    if not isinstance(outcome, UUID):
        return outcome
    found = await association(info, association_id)
    changed = None if str(outcome) == association_id else strawberry.ID(str(outcome))
    return (
        not_yet_visible()
        if found is None
        else AssociationUpdated(association=found, changed_id=changed)
    )


async def _programme_payload(info: Info, outcome: UUID | Failure) -> ProgrammeResult:
    if not isinstance(outcome, UUID):
        return outcome
    row = await info.context.run(programme, outcome)
    return not_yet_visible() if row is None else ProgrammeUpdated(programme=Programme(row=row))


async def _note_payload(info: Info, outcome: UUID | Failure) -> PracticeNoteResult:
    if not isinstance(outcome, UUID):
        return outcome
    row = (await info.context.run(practice_notes_by_id, [str(outcome)])).get(str(outcome))
    return (
        not_yet_visible()
        if row is None
        else PracticeNoteUpdated(practice_note=PracticeNote(row=row))
    )


async def _run(info: Info, capability: Capability, command: Callable[[], UUID]) -> UUID | Failure:
    return await perform(info, capability, command)


@strawberry.type
class NetworkMutations:
    @strawberry.mutation
    async def register_association(
        self,
        info: Info,
        input: RegisterAssociationInput,
    ) -> AssociationResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await _run(
            info,
            Capability.RUN_THE_NETWORK,
            lambda: ledger.register_association(
                actor,
                name=input.name,
                territory=input.territory,
                competences=tuple(
                    competence(c.domain, c.monthly_capacity, c.description)
                    for c in input.competences
                ),
                idempotency_key=input.idempotency_key,
            ),
        )
        key = str(outcome) if isinstance(outcome, UUID) else ""
        return await _association_payload(info, key, outcome)

    @strawberry.mutation
    async def declare_competence(
        self,
        info: Info,
        input: DeclareCompetenceInput,
    ) -> AssociationResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        given = input.competence
        outcome = await _run(
            info,
            Capability.MANAGE_OWN_ASSOCIATION,
            lambda: ledger.declare_competence(
                actor,
                need_id(input.association_id, "Association", "association_id"),
                competence=competence(given.domain, given.monthly_capacity, given.description),
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _association_payload(info, _raw(input.association_id), outcome)

    @strawberry.mutation
    async def withdraw_competence(
        self,
        info: Info,
        input: WithdrawCompetenceInput,
    ) -> AssociationResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await _run(
            info,
            Capability.MANAGE_OWN_ASSOCIATION,
            lambda: ledger.withdraw_competence(
                actor,
                need_id(input.association_id, "Association", "association_id"),
                domain=input.domain,
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _association_payload(info, _raw(input.association_id), outcome)

    @strawberry.mutation
    async def offer_resource(
        self,
        info: Info,
        input: OfferResourceInput,
    ) -> AssociationResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await _run(
            info,
            Capability.MANAGE_OWN_ASSOCIATION,
            lambda: ledger.offer_resource(
                actor,
                need_id(input.association_id, "Association", "association_id"),
                kind=input.kind,
                name=input.name,
                capacity=input.capacity,
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _association_payload(info, _raw(input.association_id), outcome)

    @strawberry.mutation
    async def withdraw_resource(
        self,
        info: Info,
        input: ResourceInput,
    ) -> AssociationResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await _run(
            info,
            Capability.MANAGE_OWN_ASSOCIATION,
            lambda: ledger.withdraw_resource(
                actor,
                need_id(input.resource_id, "SharedResource", "resource_id"),
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _resource_payload(info, input.resource_id, outcome)

    @strawberry.mutation
    async def allocate_resource(
        self,
        info: Info,
        input: AllocateResourceInput,
    ) -> AssociationResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await _run(
            info,
            Capability.MANAGE_OWN_ASSOCIATION,
            lambda: ledger.allocate_resource(
                actor,
                need_id(input.resource_id, "SharedResource", "resource_id"),
                starts_on=input.starts_on,
                ends_on=input.ends_on,
                quantity=input.quantity,
                programme_id=optional_id(input.programme_id, "Programme", "programme_id"),
                association_id=optional_id(input.association_id, "Association", "association_id"),
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _resource_payload(info, input.resource_id, outcome)

    @strawberry.mutation
    async def release_allocation(
        self,
        info: Info,
        input: ReleaseAllocationInput,
    ) -> AssociationResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await _run(
            info,
            Capability.MANAGE_OWN_ASSOCIATION,
            lambda: ledger.release_allocation(
                actor,
                need_id(input.resource_id, "SharedResource", "resource_id"),
                allocation_id=need_id(input.allocation_id, "Allocation", "allocation_id"),
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _resource_payload(info, input.resource_id, outcome)

    @strawberry.mutation
    async def launch_programme(
        self,
        info: Info,
        input: LaunchProgrammeInput,
    ) -> ProgrammeResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await _run(
            info,
            Capability.RUN_THE_NETWORK,
            lambda: ledger.launch_programme(
                actor,
                name=input.name,
                components=tuple(
                    Component(need_id(c.association_id, "Association", "components"), c.domain)
                    for c in input.components
                ),
                capacity=input.capacity,
                starts_on=input.starts_on,
                ends_on=input.ends_on,
                partners=None
                if input.partner_ids is None
                else tuple(need_id(p, "Association", "partner_ids") for p in input.partner_ids),
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _programme_payload(info, outcome)

    @strawberry.mutation
    async def join_programme(
        self,
        info: Info,
        input: PartnershipInput,
    ) -> ProgrammeResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await _run(
            info,
            Capability.MANAGE_OWN_ASSOCIATION,
            lambda: ledger.join_programme(
                actor,
                need_id(input.programme_id, "Programme", "programme_id"),
                association_id=need_id(input.association_id, "Association", "association_id"),
                domains=tuple(input.domains),
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _programme_payload(info, outcome)

    @strawberry.mutation
    async def leave_partnership(
        self,
        info: Info,
        input: PartnershipInput,
    ) -> ProgrammeResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await _run(
            info,
            Capability.MANAGE_OWN_ASSOCIATION,
            lambda: ledger.leave_partnership(
                actor,
                need_id(input.programme_id, "Programme", "programme_id"),
                association_id=need_id(input.association_id, "Association", "association_id"),
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _programme_payload(info, outcome)

    @strawberry.mutation
    async def close_programme(
        self,
        info: Info,
        input: CloseProgrammeInput,
    ) -> ProgrammeResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await _run(
            info,
            Capability.RUN_THE_NETWORK,
            lambda: ledger.close_programme(
                actor,
                need_id(input.programme_id, "Programme", "programme_id"),
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _programme_payload(info, outcome)

    @strawberry.mutation
    async def publish_practice_note(
        self,
        info: Info,
        input: PublishPracticeNoteInput,
    ) -> PracticeNoteResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await _run(
            info,
            Capability.WRITE_PRACTICE_NOTES,
            lambda: ledger.publish_practice_note(
                actor,
                title=input.title,
                body=input.body,
                domains=tuple(input.domains),
                programme_id=optional_id(input.programme_id, "Programme", "programme_id"),
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _note_payload(info, outcome)

    @strawberry.mutation
    async def revise_practice_note(
        self,
        info: Info,
        input: RevisePracticeNoteInput,
    ) -> PracticeNoteResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await _run(
            info,
            Capability.WRITE_PRACTICE_NOTES,
            lambda: ledger.revise_practice_note(
                actor,
                need_id(input.note_id, "PracticeNote", "note_id"),
                title=input.title,
                body=input.body,
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _note_payload(info, outcome)

    @strawberry.mutation
    async def endorse_practice_note(
        self,
        info: Info,
        input: EndorsePracticeNoteInput,
    ) -> PracticeNoteResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await _run(
            info,
            Capability.WRITE_PRACTICE_NOTES,
            lambda: ledger.endorse_practice_note(
                actor,
                need_id(input.note_id, "PracticeNote", "note_id"),
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _note_payload(info, outcome)


def _raw(global_id: str) -> str:
    found = uuid_of(global_id, "Association")
    return "" if found is None else str(found)


async def _resource_payload(
    info: Info, resource_id: str, outcome: UUID | Failure
) -> AssociationResult:
    """A resource command answers with the association that pooled the resource."""
    resource = uuid_of(resource_id, "SharedResource")
    owner = None if resource is None else await info.context.run(resource_owner, resource)
    return await _association_payload(info, owner or "", outcome)
