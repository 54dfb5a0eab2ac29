"""The rest of the case-file commands: plan and goals, needs met or closed, the team
(referent, mentors), closure, personal data, programme enrolment. One payload for all:
the case file as it stands after the command."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import strawberry

from api.graphql.context import Info
from api.graphql.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from api.graphql.ids import to_global
from api.graphql.input_paths import NO_PATHS, Paths
from api.graphql.mutations.case_file import PERSONAL_DATA, PersonalDataInput
from api.graphql.mutations.perform import need_id, not_yet_visible, perform
from api.graphql.types.young_person import YoungPerson, visible_young_person
from api.policy import Capability
from domain import errors, vocabulary
from domain.actor import Actor
from domain.ledger import Ledger


@strawberry.type
class CaseFileUpdated:
    young_person: YoungPerson
    changed_id: strawberry.ID | None = strawberry.field(
        description="the goal, need or programme the command created or changed"
    )


CaseFileResult = Annotated[
    CaseFileUpdated | InvalidInput | NotPermitted | NotFound | RuleViolation,
    strawberry.union("CaseFileResult"),
]


@strawberry.input
class CaseInput:
    young_person_id: strawberry.ID
    occurred_at: datetime | None = None
    idempotency_key: str | None = None


@strawberry.input
class AddGoalInput:
    young_person_id: strawberry.ID
    domain: vocabulary.Domain
    description: str
    target_date: date | None = None
    occurred_at: datetime | None = None
    idempotency_key: str | None = None


@strawberry.input
class GoalInput:
    young_person_id: strawberry.ID
    goal_id: strawberry.ID
    progress: int | None = strawberry.field(default=None, description="0-100, for reviews")
    occurred_at: datetime | None = None
    idempotency_key: str | None = None


@strawberry.input
class NeedInput:
    young_person_id: strawberry.ID
    need_id: strawberry.ID
    occurred_at: datetime | None = None
    idempotency_key: str | None = None


@strawberry.input
class CloseCaseInput:
    young_person_id: strawberry.ID
    reason: str | None = None
    occurred_at: datetime | None = None
    idempotency_key: str | None = None


@strawberry.input
class ChangeReferentInput:
    young_person_id: strawberry.ID
    referent_user_id: str
    occurred_at: datetime | None = None
    idempotency_key: str | None = None


@strawberry.input
class MentorInput:
    young_person_id: strawberry.ID
    mentor_user_id: str
    mentor_association_id: strawberry.ID | None = strawberry.field(
        default=None, description="required to assign; ignored to unassign"
    )
    occurred_at: datetime | None = None
    idempotency_key: str | None = None


@strawberry.input
class CorrectPersonalDataInput:
    young_person_id: strawberry.ID
    personal_data: PersonalDataInput
    idempotency_key: str | None = None


@strawberry.input
class ProgrammeEnrolmentInput:
    young_person_id: strawberry.ID
    programme_id: strawberry.ID
    occurred_at: datetime | None = None
    idempotency_key: str | None = None


Command = Callable[[Ledger, Actor, UUID], UUID]


async def _on_case(
    info: Info,
    young_person_id: str,
    command: Command,
    paths: Paths = NO_PATHS,
    changed: str | None = None,
) -> CaseFileResult:
    """Runs a command on a case; `changed` is the kind of what the command returns when that
    is not the case itself (a goal, a need, a programme), given back as its global id: the raw
    UUID it was given back as was taken by no input."""
    ledger, actor = info.context.parcours.ledger, info.context.viewer
    outcome = await perform(
        info,
        Capability.WORK_ON_CASES,
        lambda: command(ledger, actor, need_id(young_person_id, "YoungPerson", "young_person_id")),
        case=young_person_id,
        paths=paths,
    )
    if not isinstance(outcome, UUID):
        return outcome
    case = str(need_id(young_person_id, "YoungPerson", "young_person_id"))
    person = await visible_young_person(info, case)
    changed_id = None if str(outcome) == case or changed is None else to_global(changed, outcome)
    return (
        not_yet_visible()
        if person is None
        else CaseFileUpdated(young_person=person, changed_id=changed_id)
    )


@strawberry.type
class CaseWorkMutations:
    @strawberry.mutation
    async def agree_action_plan(self, info: Info, input: CaseInput) -> CaseFileResult:
        return await _on_case(
            info,
            input.young_person_id,
            lambda ledger, actor, case: ledger.agree_action_plan(
                actor, case, occurred_at=input.occurred_at, idempotency_key=input.idempotency_key
            ),
        )

    @strawberry.mutation
    async def add_goal(self, info: Info, input: AddGoalInput) -> CaseFileResult:
        return await _on_case(
            info,
            input.young_person_id,
            lambda ledger, actor, case: ledger.add_goal(
                actor,
                case,
                domain=input.domain,
                description=input.description,
                target_date=input.target_date,
                occurred_at=input.occurred_at,
                idempotency_key=input.idempotency_key,
            ),
            changed="Goal",
        )

    @strawberry.mutation
    async def review_goal(self, info: Info, input: GoalInput) -> CaseFileResult:
        def command(ledger: Ledger, actor: Actor, case: UUID) -> UUID:
            if input.progress is None:
                raise errors.InvalidInput("a review gives the progress (0-100)", field="progress")
            return ledger.review_goal(
                actor,
                case,
                goal_id=need_id(input.goal_id, "Goal", "goal_id"),
                progress=input.progress,
                occurred_at=input.occurred_at,
                idempotency_key=input.idempotency_key,
            )

        return await _on_case(info, input.young_person_id, command, changed="Goal")

    @strawberry.mutation
    async def achieve_goal(self, info: Info, input: GoalInput) -> CaseFileResult:
        return await _end_goal(info, input, vocabulary.GoalStatus.ACHIEVED)

    @strawberry.mutation
    async def drop_goal(self, info: Info, input: GoalInput) -> CaseFileResult:
        return await _end_goal(info, input, vocabulary.GoalStatus.DROPPED)

    @strawberry.mutation
    async def meet_need(self, info: Info, input: NeedInput) -> CaseFileResult:
        return await _on_case(
            info,
            input.young_person_id,
            lambda ledger, actor, case: ledger.meet_need(
                actor,
                case,
                need_id=need_id(input.need_id, "Need", "need_id"),
                occurred_at=input.occurred_at,
                idempotency_key=input.idempotency_key,
            ),
            changed="Need",
        )

    @strawberry.mutation
    async def close_need(self, info: Info, input: NeedInput) -> CaseFileResult:
        return await _on_case(
            info,
            input.young_person_id,
            lambda ledger, actor, case: ledger.close_need(
                actor,
                case,
                need_id=need_id(input.need_id, "Need", "need_id"),
                occurred_at=input.occurred_at,
                idempotency_key=input.idempotency_key,
            ),
            changed="Need",
        )

    @strawberry.mutation
    async def close_case(self, info: Info, input: CloseCaseInput) -> CaseFileResult:
        return await _on_case(
            info,
            input.young_person_id,
            lambda ledger, actor, case: ledger.close_case(
                actor,
                case,
                reason=input.reason,
                occurred_at=input.occurred_at,
                idempotency_key=input.idempotency_key,
            ),
        )

    @strawberry.mutation
    async def reopen_case(self, info: Info, input: CaseInput) -> CaseFileResult:
        return await _on_case(
            info,
            input.young_person_id,
            lambda ledger, actor, case: ledger.reopen_case(
                actor, case, occurred_at=input.occurred_at, idempotency_key=input.idempotency_key
            ),
        )

    @strawberry.mutation
    async def change_referent(
        self,
        info: Info,
        input: ChangeReferentInput,
    ) -> CaseFileResult:
        return await _on_case(
            info,
            input.young_person_id,
            lambda ledger, actor, case: ledger.change_referent(
                actor,
                case,
                referent_user_id=input.referent_user_id,
                occurred_at=input.occurred_at,
                idempotency_key=input.idempotency_key,
            ),
        )

    @strawberry.mutation
    async def assign_mentor(self, info: Info, input: MentorInput) -> CaseFileResult:
        def command(ledger: Ledger, actor: Actor, case: UUID) -> UUID:
            if input.mentor_association_id is None:
                raise errors.InvalidInput(
                    "name the mentor's association", field="mentor_association_id"
                )
            return ledger.assign_mentor(
                actor,
                case,
                mentor_user_id=input.mentor_user_id,
                mentor_association_id=need_id(
                    input.mentor_association_id, "Association", "mentor_association_id"
                ),
                occurred_at=input.occurred_at,
                idempotency_key=input.idempotency_key,
            )

        return await _on_case(info, input.young_person_id, command)

    @strawberry.mutation
    async def unassign_mentor(self, info: Info, input: MentorInput) -> CaseFileResult:
        return await _on_case(
            info,
            input.young_person_id,
            lambda ledger, actor, case: ledger.unassign_mentor(
                actor,
                case,
                mentor_user_id=input.mentor_user_id,
                occurred_at=input.occurred_at,
                idempotency_key=input.idempotency_key,
            ),
        )

    @strawberry.mutation
    async def correct_personal_data(
        self,
        info: Info,
        input: CorrectPersonalDataInput,
    ) -> CaseFileResult:
        data = input.personal_data
        return await _on_case(
            info,
            input.young_person_id,
            lambda ledger, actor, case: ledger.correct_personal_data(
                actor,
                case,
                first_name=data.first_name,
                last_name=data.last_name,
                date_of_birth=data.date_of_birth,
                contact=data.contact,
                idempotency_key=input.idempotency_key,
            ),
            PERSONAL_DATA,
        )

    @strawberry.mutation
    async def enrol_in_programme(
        self,
        info: Info,
        input: ProgrammeEnrolmentInput,
    ) -> CaseFileResult:
        return await _on_case(
            info,
            input.young_person_id,
            lambda ledger, actor, case: ledger.enrol_in_programme(
                actor,
                case,
                programme_id=need_id(input.programme_id, "Programme", "programme_id"),
                occurred_at=input.occurred_at,
                idempotency_key=input.idempotency_key,
            ),
            changed="Programme",
        )

    @strawberry.mutation
    async def leave_programme(
        self,
        info: Info,
        input: ProgrammeEnrolmentInput,
    ) -> CaseFileResult:
        return await _on_case(
            info,
            input.young_person_id,
            lambda ledger, actor, case: ledger.leave_programme(
                actor,
                case,
                programme_id=need_id(input.programme_id, "Programme", "programme_id"),
                occurred_at=input.occurred_at,
                idempotency_key=input.idempotency_key,
            ),
            changed="Programme",
        )


async def _end_goal(info: Info, input: GoalInput, status: vocabulary.GoalStatus) -> CaseFileResult:
    def command(ledger: Ledger, actor: Actor, case: UUID) -> UUID:
        if input.progress is not None:  # it was dropped without a word
            raise errors.InvalidInput("progress is given with a review only", field="progress")
        return ledger.end_goal(
            actor,
            case,
            goal_id=need_id(input.goal_id, "Goal", "goal_id"),
            status=status,
            occurred_at=input.occurred_at,
            idempotency_key=input.idempotency_key,
        )

    return await _on_case(info, input.young_person_id, command, changed="Goal")
