"""Commands on shared practice notes: published, revised and endorsed across the network."""

from typing import Annotated
from uuid import UUID

import strawberry

from api.graphql.context import Info
from api.graphql.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from api.graphql.mutations.perform import Failure, need_id, not_yet_visible, optional_id, perform
from api.graphql.types.directory import PracticeNote
from api.policy import Capability
from domain import vocabulary
from projections.queries.directory import practice_notes_by_id


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


@strawberry.input
class ErasePracticeNoteInput:
    note_id: strawberry.ID
    idempotency_key: str | None = None


@strawberry.type
class PracticeNoteUpdated:
    practice_note: PracticeNote


@strawberry.type
class PracticeNoteErased:
    note_id: strawberry.ID


ErasePracticeNoteResult = Annotated[
    PracticeNoteErased | InvalidInput | NotPermitted | NotFound | RuleViolation,
    strawberry.union("ErasePracticeNoteResult"),
]


PracticeNoteResult = Annotated[
    PracticeNoteUpdated | InvalidInput | NotPermitted | NotFound | RuleViolation,
    strawberry.union("PracticeNoteResult"),
]


async def _note_payload(info: Info, outcome: UUID | Failure) -> PracticeNoteResult:
    if not isinstance(outcome, UUID):
        return outcome
    row = (await info.context.run(practice_notes_by_id, [str(outcome)])).get(str(outcome))
    return (
        not_yet_visible()
        if row is None
        else PracticeNoteUpdated(practice_note=PracticeNote(row=row))
    )


@strawberry.type
class PracticeNoteMutations:
    @strawberry.mutation
    async def publish_practice_note(
        self,
        info: Info,
        input: PublishPracticeNoteInput,
    ) -> PracticeNoteResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await perform(
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
        outcome = await perform(
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
        outcome = await perform(
            info,
            Capability.WRITE_PRACTICE_NOTES,
            lambda: ledger.endorse_practice_note(
                actor,
                need_id(input.note_id, "PracticeNote", "note_id"),
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _note_payload(info, outcome)

    @strawberry.mutation(
        description="network admins: a note's title and body erased for good (its key destroyed)"
    )
    async def erase_practice_note(
        self,
        info: Info,
        input: ErasePracticeNoteInput,
    ) -> ErasePracticeNoteResult:
        ledger, actor = info.context.parcours.ledger, info.context.viewer
        outcome = await perform(
            info,
            Capability.ERASE,
            lambda: ledger.erase_practice_note(
                actor,
                need_id(input.note_id, "PracticeNote", "note_id"),
                idempotency_key=input.idempotency_key,
            ),
        )
        if not isinstance(outcome, UUID):
            return outcome
        return PracticeNoteErased(note_id=input.note_id)
