"""Commands on the network: associations, their competences and the resources they pool.
Coordinators act for their own association (the domain checks the token's association);
network admins register associations."""

from datetime import date
from typing import Annotated
from uuid import UUID

import strawberry

from api.graphql.context import Info
from api.graphql.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from api.graphql.ids import to_global, uuid_of
from api.graphql.input_paths import each_at, under
from api.graphql.mutations.perform import Failure, need_id, not_yet_visible, optional_id, perform
from api.graphql.types.directory import Association, association
from api.policy import Capability
from domain import vocabulary
from domain.network.association import competence
from projections.queries.directory import resource_owner


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


async def _association_payload(
    info: Info, association_id: str, outcome: UUID | Failure, changed: str | None = None
) -> AssociationResult:
    """`changed` is the kind of what the command returns when that is not the association (a
    resource, an allocation), given back as its global id: the raw UUID it was given back as
    was taken by no input."""
    if not isinstance(outcome, UUID):
        return outcome
    found = await association(info, association_id)
    changed_id = (
        None if str(outcome) == association_id or changed is None else to_global(changed, outcome)
    )
    return (
        not_yet_visible()
        if found is None
        else AssociationUpdated(association=found, changed_id=changed_id)
    )


@strawberry.type
class NetworkMutations:
    @strawberry.mutation
    async def register_association(
        self,
        info: Info,
        input: RegisterAssociationInput,
    ) -> AssociationResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await perform(
            info,
            Capability.RUN_THE_NETWORK,
            lambda: ledger.register_association(
                actor,
                name=input.name,
                territory=input.territory,
                competences=each_at(
                    "competences",
                    input.competences,
                    lambda c: competence(c.domain, c.monthly_capacity, c.description),
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
        outcome = await perform(
            info,
            Capability.MANAGE_OWN_ASSOCIATION,
            lambda: ledger.declare_competence(
                actor,
                need_id(input.association_id, "Association", "association_id"),
                competence=competence(given.domain, given.monthly_capacity, given.description),
                idempotency_key=input.idempotency_key,
            ),
            paths=under("competence", ("domain", "monthly_capacity", "description")),
        )
        return await _association_payload(info, _raw(input.association_id), outcome)

    @strawberry.mutation
    async def withdraw_competence(
        self,
        info: Info,
        input: WithdrawCompetenceInput,
    ) -> AssociationResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await perform(
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
        outcome = await perform(
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
        return await _association_payload(
            info, _raw(input.association_id), outcome, "SharedResource"
        )

    @strawberry.mutation
    async def withdraw_resource(
        self,
        info: Info,
        input: ResourceInput,
    ) -> AssociationResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await perform(
            info,
            Capability.MANAGE_OWN_ASSOCIATION,
            lambda: ledger.withdraw_resource(
                actor,
                need_id(input.resource_id, "SharedResource", "resource_id"),
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _resource_payload(info, input.resource_id, outcome, "SharedResource")

    @strawberry.mutation
    async def allocate_resource(
        self,
        info: Info,
        input: AllocateResourceInput,
    ) -> AssociationResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await perform(
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
        return await _resource_payload(info, input.resource_id, outcome, "Allocation")

    @strawberry.mutation
    async def release_allocation(
        self,
        info: Info,
        input: ReleaseAllocationInput,
    ) -> AssociationResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await perform(
            info,
            Capability.MANAGE_OWN_ASSOCIATION,
            lambda: ledger.release_allocation(
                actor,
                need_id(input.resource_id, "SharedResource", "resource_id"),
                allocation_id=need_id(input.allocation_id, "Allocation", "allocation_id"),
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _resource_payload(info, input.resource_id, outcome, "Allocation")


def _raw(global_id: str) -> str:
    found = uuid_of(global_id, "Association")
    return "" if found is None else str(found)


async def _resource_payload(
    info: Info, resource_id: str, outcome: UUID | Failure, changed: str
) -> AssociationResult:
    """A resource command answers with the association that pooled the resource."""
    resource = uuid_of(resource_id, "SharedResource")
    owner = None if resource is None else await info.context.run(resource_owner, resource)
    return await _association_payload(info, owner or "", outcome, changed)
