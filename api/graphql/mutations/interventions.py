"""The contract's mutations on interventions: recorded, amended, retracted.

An intervention is addressed by its timeline entry's id (what clients hold), within the case
named by `young_person_id`; a case the viewer may not see answers as an unknown id.
"""

from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry

from api import policy
from api.graphql.context import Info
from api.graphql.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from api.graphql.mutations.perform import need_id, not_yet_visible, optional_id, perform
from api.graphql.types.timeline import TimelineEntry
from api.graphql.types.young_person import YoungPerson, visible_young_person
from api.policy import Capability
from domain import vocabulary
from projections.queries.timeline import timeline_entry


@strawberry.input
class RecordInterventionInput:
    young_person_id: strawberry.ID
    domain: vocabulary.Domain
    kind: str
    occurred_at: datetime
    duration_minutes: int | None = None
    summary: str | None = None
    goal_id: strawberry.ID | None = None
    need_id: strawberry.ID | None = None
    programme_id: strawberry.ID | None = None
    idempotency_key: str | None = None


@strawberry.type
class InterventionRecorded:
    entry: TimelineEntry
    young_person: YoungPerson


RecordInterventionResult = Annotated[
    InterventionRecorded | InvalidInput | NotPermitted | NotFound | RuleViolation,
    strawberry.union("RecordInterventionResult"),
]


@strawberry.input
class AmendInterventionInput:
    young_person_id: strawberry.ID
    intervention_id: strawberry.ID
    summary: str | None = None
    occurred_at: datetime | None = None
    duration_minutes: int | None = None
    reason: str
    idempotency_key: str | None = None


@strawberry.type
class InterventionAmended:
    entry: TimelineEntry


AmendInterventionResult = Annotated[
    InterventionAmended | InvalidInput | NotPermitted | NotFound | RuleViolation,
    strawberry.union("AmendInterventionResult"),
]


@strawberry.input
class RetractInterventionInput:
    young_person_id: strawberry.ID
    intervention_id: strawberry.ID
    reason: str
    idempotency_key: str | None = None


@strawberry.type
class InterventionRetracted:
    entry: TimelineEntry


RetractInterventionResult = Annotated[
    InterventionRetracted | InvalidInput | NotPermitted | NotFound | RuleViolation,
    strawberry.union("RetractInterventionResult"),
]


async def _entry(info: Info, young_person: UUID, entry: UUID) -> TimelineEntry | None:
    """The entry as the viewer sees it, once the read models show it."""
    person = await visible_young_person(info, str(young_person))
    row = await info.context.run(timeline_entry, young_person, str(entry))
    if person is None or row is None:
        return None
    info.context.read(str(young_person), "timeline:1")
    view = policy.entry_view(
        info.context.viewer, person.facts, row.association_id, row.sensitivity, info.context.today
    )
    return TimelineEntry(row=row, view=view, young_person_id=str(young_person))


@strawberry.type
class InterventionMutations:
    @strawberry.mutation
    async def record_intervention(
        self,
        info: Info,
        input: RecordInterventionInput,
    ) -> RecordInterventionResult:
        actor, ledger = info.context.viewer, info.context.parcours.ledger

        def command() -> UUID:
            return ledger.record_intervention(
                actor,
                need_id(input.young_person_id, "YoungPerson", "young_person_id"),
                domain=input.domain,
                kind=input.kind,
                occurred_at=input.occurred_at,
                duration_minutes=input.duration_minutes,
                summary=input.summary,
                goal_id=optional_id(input.goal_id, "Goal", "goal_id"),
                need_id=optional_id(input.need_id, "Need", "need_id"),
                programme_id=optional_id(input.programme_id, "Programme", "programme_id"),
                idempotency_key=input.idempotency_key,
            )

        outcome = await perform(info, Capability.WORK_ON_CASES, command, case=input.young_person_id)
        if not isinstance(outcome, UUID):
            return outcome
        case = need_id(input.young_person_id, "YoungPerson", "young_person_id")
        entry = await _entry(info, case, outcome)
        person = await visible_young_person(info, str(case))
        if entry is None or person is None:
            return not_yet_visible()
        return InterventionRecorded(entry=entry, young_person=person)

    @strawberry.mutation
    async def amend_intervention(
        self,
        info: Info,
        input: AmendInterventionInput,
    ) -> AmendInterventionResult:
        actor, ledger = info.context.viewer, info.context.parcours.ledger
        outcome = await perform(
            info,
            Capability.WORK_ON_CASES,
            lambda: ledger.amend_intervention(
                actor,
                need_id(input.young_person_id, "YoungPerson", "young_person_id"),
                intervention_id=_intervention(input.intervention_id),
                summary=input.summary,
                occurred_at=input.occurred_at,
                duration_minutes=input.duration_minutes,
                reason=input.reason,
                idempotency_key=input.idempotency_key,
            ),
            case=input.young_person_id,
        )
        if not isinstance(outcome, UUID):
            return outcome
        entry = await _entry(info, need_id(input.young_person_id, "YoungPerson", ""), outcome)
        return not_yet_visible() if entry is None else InterventionAmended(entry=entry)

    @strawberry.mutation
    async def retract_intervention(
        self,
        info: Info,
        input: RetractInterventionInput,
    ) -> RetractInterventionResult:
        actor, ledger = info.context.viewer, info.context.parcours.ledger
        outcome = await perform(
            info,
            Capability.WORK_ON_CASES,
            lambda: ledger.retract_intervention(
                actor,
                need_id(input.young_person_id, "YoungPerson", "young_person_id"),
                intervention_id=_intervention(input.intervention_id),
                reason=input.reason,
                idempotency_key=input.idempotency_key,
            ),
            case=input.young_person_id,
        )
        if not isinstance(outcome, UUID):
            return outcome
        entry = await _entry(info, need_id(input.young_person_id, "YoungPerson", ""), outcome)
        return not_yet_visible() if entry is None else InterventionRetracted(entry=entry)


def _intervention(global_id: str) -> UUID:
    """Interventions are addressed by their timeline entry's id (what clients hold)."""
    return need_id(global_id, "TimelineEntry", "intervention_id")
