"""The contract's mutations on what moves between associations: referrals and handovers.

Referral and handover commands name only the referral or handover; the young person's case is
found through the read model. The viewer's association must be party to it or see the case (the
domain then says what it may not do); to anyone else it is not found, the same answer as for an
unknown id. Commands naming a case answer a case the viewer may not see as an unknown id too.
"""

from collections.abc import Callable
from typing import Annotated
from uuid import UUID

import strawberry

from api import policy
from api.graphql.context import Info
from api.graphql.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from api.graphql.ids import uuid_of
from api.graphql.mutations.perform import (
    Failure,
    malformed,
    need_id,
    not_visible,
    not_yet_visible,
    optional_id,
    perform,
    refused,
    sees_case,
)
from api.graphql.types.flows import Handover, Referral, read_handover, read_referral
from api.graphql.types.young_person import YoungPerson, visible_young_person
from api.policy import Capability
from domain import errors, vocabulary
from projections.queries.referrals import (
    HandoverRow,
    ReferralRow,
    handovers_by_id,
    referrals_by_id,
)


@strawberry.input
class MakeReferralInput:
    young_person_id: strawberry.ID
    to_association_id: strawberry.ID
    domain: vocabulary.Domain
    need_id: strawberry.ID | None = None
    reason: str | None = None
    idempotency_key: str | None = None


@strawberry.type
class ReferralMade:
    referral: Referral


MakeReferralResult = Annotated[
    ReferralMade | InvalidInput | NotPermitted | NotFound | RuleViolation,
    strawberry.union("MakeReferralResult"),
]


@strawberry.input
class RespondToReferralInput:
    referral_id: strawberry.ID
    idempotency_key: str | None = None


@strawberry.input
class DeclineReferralInput:
    referral_id: strawberry.ID
    reason: vocabulary.DeclineReason
    note: str | None = None
    idempotency_key: str | None = None


@strawberry.input
class CompleteReferralInput:
    referral_id: strawberry.ID
    outcome: str | None = None
    idempotency_key: str | None = None


@strawberry.type
class ReferralUpdated:
    referral: Referral


ReferralResult = Annotated[
    ReferralUpdated | InvalidInput | NotPermitted | NotFound | RuleViolation,
    strawberry.union("ReferralResult"),
]


@strawberry.input
class ProposeHandoverInput:
    young_person_id: strawberry.ID
    to_association_id: strawberry.ID
    summary: str | None = None
    idempotency_key: str | None = None


@strawberry.input
class RespondToHandoverInput:
    handover_id: strawberry.ID
    referent_user_id: str | None = None
    idempotency_key: str | None = None


@strawberry.type
class HandoverUpdated:
    handover: Handover
    young_person: YoungPerson | None


HandoverResult = Annotated[
    HandoverUpdated | InvalidInput | NotPermitted | NotFound | RuleViolation,
    strawberry.union("HandoverResult"),
]


async def _referral_case(info: Info, referral_id: str) -> UUID | Failure:
    """The case of the referral, for a party to it or a viewer who sees the case (the domain
    then refuses what it may not do); for anyone else it does not exist."""
    key = uuid_of(referral_id, "Referral")
    if key is None:
        return malformed("referral_id", "Referral")
    row = (await info.context.run(referrals_by_id, [key])).get(str(key))
    if row is None or not await _party_or_sees(info, row):
        return not_visible("referral")
    return UUID(row.young_person_id)


async def _referral(info: Info, referral: UUID) -> Referral | None:
    row = (await info.context.run(referrals_by_id, [str(referral)])).get(str(referral))
    return None if row is None else read_referral(info, row)


async def _handover_case(info: Info, handover_id: str) -> UUID | Failure:
    key = uuid_of(handover_id, "Handover")
    if key is None:
        return malformed("handover_id", "Handover")
    row = (await info.context.run(handovers_by_id, [key])).get(str(key))
    if row is None or not await _party_or_sees(info, row):
        return not_visible("handover")
    return UUID(row.young_person_id)


async def _party_or_sees(info: Info, row: ReferralRow | HandoverRow) -> bool:
    own = policy.visible_association(info.context.viewer)
    if own in (row.from_association_id, row.to_association_id):
        return True
    return await sees_case(info, row.young_person_id)


async def _handover_payload(
    info: Info, handover: UUID, young_person: UUID
) -> HandoverUpdated | RuleViolation:
    row = (await info.context.run(handovers_by_id, [str(handover)])).get(str(handover))
    if row is None:
        return not_yet_visible()
    person = await visible_young_person(info, str(young_person))
    return HandoverUpdated(handover=read_handover(info, row), young_person=person)


@strawberry.type
class FlowMutations:
    @strawberry.mutation
    async def make_referral(
        self,
        info: Info,
        input: MakeReferralInput,
    ) -> MakeReferralResult:
        actor, ledger = info.context.viewer, info.context.parcours.ledger
        outcome = await perform(
            info,
            Capability.WORK_ON_CASES,
            lambda: ledger.make_referral(
                actor,
                need_id(input.young_person_id, "YoungPerson", "young_person_id"),
                to_association_id=need_id(
                    input.to_association_id, "Association", "to_association_id"
                ),
                domain=input.domain,
                need_id=optional_id(input.need_id, "Need", "need_id"),
                reason=input.reason,
                idempotency_key=input.idempotency_key,
            ),
            case=input.young_person_id,
        )
        if not isinstance(outcome, UUID):
            return outcome
        referral = await _referral(info, outcome)
        return not_yet_visible() if referral is None else ReferralMade(referral=referral)

    @strawberry.mutation
    async def accept_referral(
        self,
        info: Info,
        input: RespondToReferralInput,
    ) -> ReferralResult:
        return await _move_referral(
            info,
            input.referral_id,
            lambda case, referral: info.context.parcours.ledger.accept_referral(
                info.context.viewer,
                case,
                referral_id=referral,
                idempotency_key=input.idempotency_key,
            ),
        )

    @strawberry.mutation
    async def decline_referral(
        self,
        info: Info,
        input: DeclineReferralInput,
    ) -> ReferralResult:
        return await _move_referral(
            info,
            input.referral_id,
            lambda case, referral: info.context.parcours.ledger.decline_referral(
                info.context.viewer,
                case,
                referral_id=referral,
                reason=input.reason,
                note=input.note,
                idempotency_key=input.idempotency_key,
            ),
        )

    @strawberry.mutation
    async def withdraw_referral(
        self,
        info: Info,
        input: RespondToReferralInput,
    ) -> ReferralResult:
        return await _move_referral(
            info,
            input.referral_id,
            lambda case, referral: info.context.parcours.ledger.withdraw_referral(
                info.context.viewer,
                case,
                referral_id=referral,
                idempotency_key=input.idempotency_key,
            ),
        )

    @strawberry.mutation
    async def complete_referral(
        self,
        info: Info,
        input: CompleteReferralInput,
    ) -> ReferralResult:
        return await _move_referral(
            info,
            input.referral_id,
            lambda case, referral: info.context.parcours.ledger.complete_referral(
                info.context.viewer,
                case,
                referral_id=referral,
                outcome=input.outcome,
                idempotency_key=input.idempotency_key,
            ),
        )

    @strawberry.mutation
    async def propose_handover(
        self,
        info: Info,
        input: ProposeHandoverInput,
    ) -> HandoverResult:
        actor, ledger = info.context.viewer, info.context.parcours.ledger
        outcome = await perform(
            info,
            Capability.WORK_ON_CASES,
            lambda: ledger.propose_handover(
                actor,
                need_id(input.young_person_id, "YoungPerson", "young_person_id"),
                to_association_id=need_id(
                    input.to_association_id, "Association", "to_association_id"
                ),
                summary=input.summary,
                idempotency_key=input.idempotency_key,
            ),
            case=input.young_person_id,
        )
        if not isinstance(outcome, UUID):
            return outcome
        case = need_id(input.young_person_id, "YoungPerson", "young_person_id")
        return await _handover_payload(info, outcome, case)

    @strawberry.mutation
    async def accept_handover(
        self,
        info: Info,
        input: RespondToHandoverInput,
    ) -> HandoverResult:
        return await _answer_handover(
            info,
            input.handover_id,
            lambda case, handover: info.context.parcours.ledger.accept_handover(
                info.context.viewer,
                case,
                handover_id=handover,
                referent_user_id=input.referent_user_id,
                idempotency_key=input.idempotency_key,
            ),
        )

    @strawberry.mutation
    async def decline_handover(
        self,
        info: Info,
        input: RespondToHandoverInput,
    ) -> HandoverResult:
        return await _answer_handover(
            info,
            input.handover_id,
            lambda case, handover: _end_handover(
                info, input, case, handover, vocabulary.HandoverStatus.DECLINED
            ),
        )

    @strawberry.mutation
    async def cancel_handover(
        self,
        info: Info,
        input: RespondToHandoverInput,
    ) -> HandoverResult:
        """The proposing association withdraws a pending handover (an extension)."""
        return await _answer_handover(
            info,
            input.handover_id,
            lambda case, handover: _end_handover(
                info, input, case, handover, vocabulary.HandoverStatus.CANCELLED
            ),
        )


def _end_handover(
    info: Info,
    input: RespondToHandoverInput,
    case: UUID,
    handover: UUID,
    status: vocabulary.HandoverStatus,
) -> UUID:
    """A decline or a cancellation names no referent: one given was dropped without a word."""
    if input.referent_user_id is not None:
        msg = "referent_user_id is given with an acceptance only"
        raise errors.InvalidInput(msg, field="referent_user_id")
    return info.context.parcours.ledger.end_handover(
        info.context.viewer,
        case,
        handover_id=handover,
        status=status,
        idempotency_key=input.idempotency_key,
    )


async def _move_referral(
    info: Info, referral_id: str, command: Callable[[UUID, UUID], UUID]
) -> ReferralUpdated | Failure:
    denied = refused(info, Capability.WORK_ON_CASES)
    if denied is not None:
        return denied
    case = await _referral_case(info, referral_id)
    if not isinstance(case, UUID):
        return case
    referral = need_id(referral_id, "Referral", "referral_id")
    outcome = await perform(info, Capability.WORK_ON_CASES, lambda: command(case, referral))
    if not isinstance(outcome, UUID):
        return outcome
    found = await _referral(info, outcome)
    return not_yet_visible() if found is None else ReferralUpdated(referral=found)


async def _answer_handover(
    info: Info, handover_id: str, command: Callable[[UUID, UUID], UUID]
) -> HandoverUpdated | Failure:
    denied = refused(info, Capability.WORK_ON_CASES)
    if denied is not None:
        return denied
    case = await _handover_case(info, handover_id)
    if not isinstance(case, UUID):
        return case
    handover = need_id(handover_id, "Handover", "handover_id")
    outcome = await perform(info, Capability.WORK_ON_CASES, lambda: command(case, handover))
    if not isinstance(outcome, UUID):
        return outcome
    return await _handover_payload(info, outcome, case)
