"""The contract's case-file mutations: enrolment, consents, needs, erasure."""

from datetime import date
from typing import Annotated
from uuid import UUID

import strawberry

from api.graphql.context import Info
from api.graphql.enums import Sensitivity
from api.graphql.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from api.graphql.input_paths import under
from api.graphql.mutations.perform import need_id, not_yet_visible, perform
from api.graphql.types.young_person import (
    Consent,
    Need,
    YoungPerson,
    details_of,
    visible_young_person,
)
from api.policy import Capability
from domain import errors, vocabulary


@strawberry.input
class PersonalDataInput:
    first_name: str
    last_name: str
    date_of_birth: date
    contact: str | None = None


PERSONAL_DATA = under("personal_data", ("first_name", "last_name", "date_of_birth", "contact"))
"""Where a refusal of one of these fields points: `personalData.firstName`."""


@strawberry.input
class EnrolYoungPersonInput:
    personal_data: PersonalDataInput
    territory: str
    referent_user_id: str | None = None
    idempotency_key: str | None = None


@strawberry.type
class YoungPersonEnrolled:
    young_person: YoungPerson


EnrolYoungPersonResult = Annotated[
    YoungPersonEnrolled | InvalidInput | NotPermitted | RuleViolation,
    strawberry.union("EnrolYoungPersonResult"),
]


@strawberry.input
class GiveConsentInput:
    young_person_id: strawberry.ID
    sensitivities: list[Sensitivity]
    association_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="null = every involved association"
    )
    purpose: str
    expires_on: date | None = None
    given_by: str
    idempotency_key: str | None = None


@strawberry.type
class ConsentGiven:
    consent: Consent
    young_person: YoungPerson


GiveConsentResult = Annotated[
    ConsentGiven | InvalidInput | NotPermitted | NotFound | RuleViolation,
    strawberry.union("GiveConsentResult"),
]


@strawberry.input
class WithdrawConsentInput:
    young_person_id: strawberry.ID
    consent_id: strawberry.ID
    idempotency_key: str | None = None


@strawberry.type
class ConsentWithdrawn:
    young_person: YoungPerson


WithdrawConsentResult = Annotated[
    ConsentWithdrawn | InvalidInput | NotPermitted | NotFound | RuleViolation,
    strawberry.union("WithdrawConsentResult"),
]


@strawberry.input
class IdentifyNeedInput:
    young_person_id: strawberry.ID
    domain: vocabulary.Domain
    severity: int
    description: str | None = None
    idempotency_key: str | None = None


@strawberry.type
class NeedIdentified:
    need: Need
    young_person: YoungPerson


IdentifyNeedResult = Annotated[
    NeedIdentified | InvalidInput | NotPermitted | NotFound | RuleViolation,
    strawberry.union("IdentifyNeedResult"),
]


@strawberry.input
class EraseYoungPersonInput:
    young_person_id: strawberry.ID
    reason: str


@strawberry.type
class YoungPersonErased:
    young_person_id: strawberry.ID


EraseYoungPersonResult = Annotated[
    YoungPersonErased | InvalidInput | NotPermitted | NotFound,
    strawberry.union("EraseYoungPersonResult"),
]

GIVERS = {g.value: g for g in vocabulary.ConsentGiver}


def consent_giver(value: str) -> vocabulary.ConsentGiver:
    """`givenBy` is the contract's free string; the ledger knows who may give consent."""
    try:
        return GIVERS[value.strip().upper()]
    except KeyError:
        known = " or ".join(GIVERS)
        raise errors.InvalidInput(f"givenBy must be {known}", field="given_by") from None


@strawberry.type
class CaseFileMutations:
    @strawberry.mutation
    async def enrol_young_person(
        self,
        info: Info,
        input: EnrolYoungPersonInput,
    ) -> EnrolYoungPersonResult:
        actor, ledger, data = info.context.viewer, info.context.parcours.ledger, input.personal_data
        outcome = await perform(
            info,
            Capability.WORK_ON_CASES,
            lambda: ledger.enrol_young_person(
                actor,
                first_name=data.first_name,
                last_name=data.last_name,
                date_of_birth=data.date_of_birth,
                contact=data.contact,
                territory=input.territory,
                referent_user_id=input.referent_user_id,
                idempotency_key=input.idempotency_key,
            ),
            paths=PERSONAL_DATA,
        )
        if isinstance(outcome, NotFound):  # the token's association is not registered
            return NotPermitted(code="NOT_PERMITTED", message=outcome.message, field=outcome.field)
        if not isinstance(outcome, UUID):
            return outcome
        found = await visible_young_person(info, str(outcome))
        return not_yet_visible() if found is None else YoungPersonEnrolled(young_person=found)

    @strawberry.mutation
    async def give_consent(
        self,
        info: Info,
        input: GiveConsentInput,
    ) -> GiveConsentResult:
        actor, ledger = info.context.viewer, info.context.parcours.ledger

        def command() -> UUID:
            recipients = (
                None
                if input.association_ids is None
                else tuple(
                    need_id(a, "Association", f"association_ids[{i}]")
                    for i, a in enumerate(input.association_ids)
                )
            )
            return ledger.give_consent(
                actor,
                need_id(input.young_person_id, "YoungPerson", "young_person_id"),
                sensitivities=tuple(input.sensitivities),
                purpose=input.purpose,
                given_by=consent_giver(input.given_by),
                recipients=recipients,
                expires_on=input.expires_on,
                idempotency_key=input.idempotency_key,
            )

        outcome = await perform(info, Capability.WORK_ON_CASES, command, case=input.young_person_id)
        if not isinstance(outcome, UUID):
            return outcome
        young_person = await visible_young_person(info, _raw(input.young_person_id))
        details = await details_of(info, _raw(input.young_person_id))
        consent = next((c for c in details.consents if c.consent_id == str(outcome)), None)
        if young_person is None or consent is None:
            return not_yet_visible()
        info.context.read(_raw(input.young_person_id), "consents")  # as the case's own list is
        return ConsentGiven(consent=Consent(row=consent), young_person=young_person)

    @strawberry.mutation
    async def withdraw_consent(
        self,
        info: Info,
        input: WithdrawConsentInput,
    ) -> WithdrawConsentResult:
        actor, ledger = info.context.viewer, info.context.parcours.ledger
        outcome = await perform(
            info,
            Capability.WORK_ON_CASES,
            lambda: ledger.withdraw_consent(
                actor,
                need_id(input.young_person_id, "YoungPerson", "young_person_id"),
                consent_id=need_id(input.consent_id, "Consent", "consent_id"),
                idempotency_key=input.idempotency_key,
            ),
            case=input.young_person_id,
        )
        if not isinstance(outcome, UUID):
            return outcome
        young_person = await visible_young_person(info, _raw(input.young_person_id))
        return (
            not_yet_visible()
            if young_person is None
            else ConsentWithdrawn(young_person=young_person)
        )

    @strawberry.mutation
    async def identify_need(
        self,
        info: Info,
        input: IdentifyNeedInput,
    ) -> IdentifyNeedResult:
        actor, ledger = info.context.viewer, info.context.parcours.ledger
        outcome = await perform(
            info,
            Capability.WORK_ON_CASES,
            lambda: ledger.identify_need(
                actor,
                need_id(input.young_person_id, "YoungPerson", "young_person_id"),
                domain=input.domain,
                severity=input.severity,
                description=input.description,
                idempotency_key=input.idempotency_key,
            ),
            case=input.young_person_id,
        )
        if not isinstance(outcome, UUID):
            return outcome
        young_person = await visible_young_person(info, _raw(input.young_person_id))
        details = await details_of(info, _raw(input.young_person_id))
        need = next((n for n in details.needs if n.need_id == str(outcome)), None)
        if young_person is None or need is None:
            return not_yet_visible()
        info.context.read(_raw(input.young_person_id), "needs")  # as the case's own list is
        return NeedIdentified(need=Need(row=need), young_person=young_person)

    @strawberry.mutation
    async def erase_young_person(
        self,
        info: Info,
        input: EraseYoungPersonInput,
    ) -> EraseYoungPersonResult:
        actor, ledger = info.context.viewer, info.context.parcours.ledger
        outcome = await perform(
            info,
            Capability.ERASE,
            lambda: ledger.erase_young_person(
                actor,
                need_id(input.young_person_id, "YoungPerson", "young_person_id"),
                reason=input.reason,
            ),
        )
        if not isinstance(outcome, UUID):
            if isinstance(outcome, RuleViolation):
                return NotFound(code=outcome.code, message=outcome.message, field=outcome.field)
            return outcome
        return YoungPersonErased(young_person_id=input.young_person_id)


def _raw(global_id: str) -> str:
    return str(need_id(global_id, "YoungPerson", "young_person_id"))
