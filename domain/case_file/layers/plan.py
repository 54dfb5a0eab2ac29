"""The individual action plan: agreed once, then goals added, reviewed, achieved or dropped."""

from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import event

from domain.actor import Actor
from domain.case_file.case_time import CaseTime
from domain.case_file.layers.base import NO_PARTNERS
from domain.case_file.layers.needs import CaseNeeds
from domain.case_file.plan import Goal
from domain.errors import InvalidInput, RuleViolation
from domain.privacy.sealed import Seal, Sealed
from domain.rules import require_range, require_target_date, seal_text
from domain.vocabulary import Domain, GoalStatus

ADDED = "the goal was added"


class CasePlan(CaseNeeds):
    def agree_action_plan(self, *, actor: Actor, occurred_at: datetime, time: CaseTime) -> None:
        self._require_lead(actor)
        self._require_open()
        if self.plan_agreed_at is not None:
            raise RuleViolation("an action plan was already agreed", code="PLAN_EXISTS")
        self._action_plan_agreed(actor=actor, occurred_at=time.occurred(occurred_at))

    @event("ActionPlanAgreed")
    def _action_plan_agreed(self, actor: Actor, occurred_at: datetime) -> None:
        self.plan_agreed_at = occurred_at

    def add_goal(
        self,
        *,
        actor: Actor,
        goal_id: UUID,
        domain: Domain,
        description: str,
        target_date: date | None,
        occurred_at: datetime,
        time: CaseTime,
        seal: Seal,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_involved(actor, partners)
        self._require_open()
        if self.plan_agreed_at is None:
            raise RuleViolation("agree an action plan before adding goals", code="NO_PLAN")
        moment = time.after(occurred_at, self.plan_agreed_at, "the action plan was agreed")
        require_target_date(target_date, moment.date())
        self._goal_added(
            actor=actor,
            goal_id=goal_id,
            domain=domain,
            description=seal_text(seal, description, "description"),
            target_date=target_date,
            occurred_at=moment,
        )

    @event("GoalAdded")
    def _goal_added(
        self,
        actor: Actor,
        goal_id: UUID,
        domain: Domain,
        description: Sealed,
        target_date: date | None,
        occurred_at: datetime,
    ) -> None:
        self.goals[str(goal_id)] = Goal(
            id=goal_id,
            domain=domain,
            description=description,
            target_date=target_date,
            added_at=occurred_at,
            added_by=actor.association_id,
        )

    def review_goal(
        self,
        *,
        actor: Actor,
        goal_id: UUID,
        progress: int,
        occurred_at: datetime,
        time: CaseTime,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_open_goal(actor, goal_id, partners)
        self._goal_progress_reviewed(
            actor=actor,
            goal_id=goal_id,
            progress=require_range(progress, "progress", 0, 100),
            occurred_at=time.after(occurred_at, self.goals[str(goal_id)].added_at, ADDED),
        )

    @event("GoalProgressReviewed")
    def _goal_progress_reviewed(
        self, actor: Actor, goal_id: UUID, progress: int, occurred_at: datetime
    ) -> None:
        self.goals[str(goal_id)] = self.goals[str(goal_id)].reviewed(progress, occurred_at)

    def end_goal(
        self,
        *,
        actor: Actor,
        goal_id: UUID,
        status: GoalStatus,
        occurred_at: datetime,
        time: CaseTime,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        """Marks a goal achieved or dropped: two facts, two events, one rule."""
        self._require_open_goal(actor, goal_id, partners)
        moment = time.after(occurred_at, self.goals[str(goal_id)].added_at, ADDED)
        if status is GoalStatus.ACHIEVED:
            self._goal_achieved(actor=actor, goal_id=goal_id, occurred_at=moment)
        elif status is GoalStatus.DROPPED:
            self._goal_dropped(actor=actor, goal_id=goal_id, occurred_at=moment)
        else:
            raise InvalidInput("a goal ends achieved or dropped", field="status")

    @event("GoalAchieved")
    def _goal_achieved(self, actor: Actor, goal_id: UUID, occurred_at: datetime) -> None:
        self.goals[str(goal_id)] = self.goals[str(goal_id)].ended(GoalStatus.ACHIEVED, occurred_at)

    @event("GoalDropped")
    def _goal_dropped(self, actor: Actor, goal_id: UUID, occurred_at: datetime) -> None:
        self.goals[str(goal_id)] = self.goals[str(goal_id)].ended(GoalStatus.DROPPED, occurred_at)

    def _require_open_goal(self, actor: Actor, goal_id: UUID, partners: frozenset[UUID]) -> None:
        self._require_involved(actor, partners)
        self._require_open()
        goal = self._find(self.goals, goal_id, "goal_id")
        if goal.status is not GoalStatus.OPEN:
            raise RuleViolation(f"the goal is already {goal.status.value}", field="goal_id")
