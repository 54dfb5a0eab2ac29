"""Commands on integrated programmes: launched and closed by network admins, joined and left
by the partner associations' coordinators."""

from datetime import date
from typing import Annotated
from uuid import UUID

import strawberry

from api.graphql.context import Info
from api.graphql.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from api.graphql.input_paths import each_at
from api.graphql.mutations.perform import Failure, need_id, not_yet_visible, perform
from api.graphql.types.directory import Programme
from api.policy import Capability
from domain import errors, vocabulary
from domain.network.programme import Component
from projections.queries.programmes import programme


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


async def _programme_payload(info: Info, outcome: UUID | Failure) -> ProgrammeResult:
    if not isinstance(outcome, UUID):
        return outcome
    row = await info.context.run(programme, outcome)
    return not_yet_visible() if row is None else ProgrammeUpdated(programme=Programme(row=row))


@strawberry.type
class ProgrammeMutations:
    @strawberry.mutation
    async def launch_programme(
        self,
        info: Info,
        input: LaunchProgrammeInput,
    ) -> ProgrammeResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await perform(
            info,
            Capability.RUN_THE_NETWORK,
            lambda: ledger.launch_programme(
                actor,
                name=input.name,
                components=each_at(
                    "components",
                    input.components,
                    lambda c: Component(
                        need_id(c.association_id, "Association", "association_id"), c.domain
                    ),
                ),
                capacity=input.capacity,
                starts_on=input.starts_on,
                ends_on=input.ends_on,
                partners=None
                if input.partner_ids is None
                else tuple(
                    need_id(p, "Association", f"partner_ids[{i}]")
                    for i, p in enumerate(input.partner_ids)
                ),
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
        outcome = await perform(
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

        def leave() -> UUID:
            if input.domains:  # they were dropped without a word
                raise errors.InvalidInput("domains are given to join only", field="domains")
            return ledger.leave_partnership(
                actor,
                need_id(input.programme_id, "Programme", "programme_id"),
                association_id=need_id(input.association_id, "Association", "association_id"),
                idempotency_key=input.idempotency_key,
            )

        outcome = await perform(info, Capability.MANAGE_OWN_ASSOCIATION, leave)
        return await _programme_payload(info, outcome)

    @strawberry.mutation
    async def close_programme(
        self,
        info: Info,
        input: CloseProgrammeInput,
    ) -> ProgrammeResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await perform(
            info,
            Capability.RUN_THE_NETWORK,
            lambda: ledger.close_programme(
                actor,
                need_id(input.programme_id, "Programme", "programme_id"),
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _programme_payload(info, outcome)
