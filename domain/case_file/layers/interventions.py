"""Interventions recorded, amended and retracted: corrections are new events, never edits."""

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.case_file.case_time import CaseTime
from domain.case_file.intervention import Intervention
from domain.case_file.layers.base import NO_PARTNERS, association_of, checked_duration
from domain.case_file.layers.plan import CasePlan
from domain.errors import InvalidInput, RuleViolation
from domain.privacy.sealed import Seal, Sealed
from domain.rules import require_label, seal_optional, seal_text
from domain.vocabulary import Domain


class CaseInterventions(CasePlan):
    def record_intervention(
        self,
        *,
        actor: Actor,
        intervention_id: UUID,
        domain: Domain,
        kind: str,
        occurred_at: datetime,
        duration_minutes: int | None,
        summary: str | None,
        goal_id: UUID | None,
        need_id: UUID | None,
        programme_id: UUID | None,
        time: CaseTime,
        seal: Seal,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_involved(actor, partners)
        self._require_open()
        self._check_links(goal_id, need_id, programme_id)
        self._intervention_recorded(
            actor=actor,
            intervention_id=intervention_id,
            domain=domain,
            kind=require_label(kind, "kind"),
            occurred_at=time.occurred(occurred_at),
            duration_minutes=checked_duration(duration_minutes),
            summary=seal_optional(seal, summary, "summary"),
            goal_id=goal_id,
            need_id=need_id,
            programme_id=programme_id,
        )

    class InterventionRecorded(Aggregate.Event):
        """Version 2 links an intervention to the programme it serves.

        Upcasting convention (README, "Evolving events"): an event class whose stored shape
        changes gets `class_version = N` and a static `upcast_vK_vK+1(state)` per step, which
        rewrites the stored dict in place to the next shape; stored events are never rewritten.
        """

        class_version = 2
        actor: Actor
        intervention_id: UUID
        domain: Domain
        kind: str
        occurred_at: datetime
        duration_minutes: int | None
        summary: Sealed | None
        goal_id: UUID | None
        need_id: UUID | None
        programme_id: UUID | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            """v1 interventions predate programme links: they served no programme."""
            state["programme_id"] = None

    @event(InterventionRecorded)
    def _intervention_recorded(
        self,
        actor: Actor,
        intervention_id: UUID,
        domain: Domain,
        kind: str,
        occurred_at: datetime,
        duration_minutes: int | None,
        summary: Sealed | None,
        goal_id: UUID | None,
        need_id: UUID | None,
        programme_id: UUID | None,
    ) -> None:
        self.interventions[str(intervention_id)] = Intervention(
            id=intervention_id,
            association_id=association_of(actor),
            worker_id=actor.user_id,
            domain=domain,
            kind=kind,
            occurred_at=occurred_at,
            duration_minutes=duration_minutes,
            summary=summary,
            goal_id=goal_id,
            need_id=need_id,
            programme_id=programme_id,
        )

    def amend_intervention(
        self,
        *,
        actor: Actor,
        intervention_id: UUID,
        summary: str | None,
        occurred_at: datetime | None,
        duration_minutes: int | None,
        reason: str,
        time: CaseTime,
        seal: Seal,
    ) -> None:
        self._find(self.interventions, intervention_id, "intervention_id").check_correction(actor)
        if summary is not None and not summary.strip():
            summary = None  # a blank summary changes nothing (it is not how one clears it)
        if summary is None and occurred_at is None and duration_minutes is None:
            raise InvalidInput(
                "an amendment changes the summary, the time or the duration", field="summary"
            )
        self._intervention_amended(
            actor=actor,
            intervention_id=intervention_id,
            summary=seal_optional(seal, summary, "summary"),
            occurred_at=occurred_at and time.occurred(occurred_at),
            duration_minutes=checked_duration(duration_minutes),
            reason=seal_text(seal, reason, "reason"),
        )

    @event("InterventionAmended")
    def _intervention_amended(
        self,
        actor: Actor,
        intervention_id: UUID,
        summary: Sealed | None,
        occurred_at: datetime | None,
        duration_minutes: int | None,
        reason: Sealed,
    ) -> None:
        key = str(intervention_id)
        self.interventions[key] = self.interventions[key].amended(
            summary, occurred_at, duration_minutes
        )

    def retract_intervention(
        self, *, actor: Actor, intervention_id: UUID, reason: str, time: CaseTime, seal: Seal
    ) -> None:
        self._find(self.interventions, intervention_id, "intervention_id").check_correction(actor)
        self._intervention_retracted(
            actor=actor,
            intervention_id=intervention_id,
            reason=seal_text(seal, reason, "reason"),
            retracted_at=time.now,
        )

    @event("InterventionRetracted")
    def _intervention_retracted(
        self, actor: Actor, intervention_id: UUID, reason: Sealed, retracted_at: datetime
    ) -> None:
        key = str(intervention_id)
        self.interventions[key] = self.interventions[key].retracted(retracted_at)

    def _check_links(
        self, goal_id: UUID | None, need_id: UUID | None, programme_id: UUID | None
    ) -> None:
        if goal_id is not None:
            self._find(self.goals, goal_id, "goal_id")
        if need_id is not None:
            self._find(self.needs, need_id, "need_id")
        if programme_id is not None and str(programme_id) not in self.programmes:
            raise RuleViolation(
                "the young person is not enrolled in this programme",
                field="programme_id",
                code="NOT_ENROLLED",
            )
