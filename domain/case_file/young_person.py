"""The `YoungPerson` aggregate: the case file, one event stream per young person.

Public methods decide: they check the invariants, compute ids and seal personal text, then trigger
exactly one event. The private `@event` methods only assign state, so replaying the stream never
re-runs a rule that may have changed since.
"""

from datetime import date, datetime
from typing import TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.case_file.consent import Consent
from domain.case_file.handover import Handover
from domain.case_file.intervention import Intervention
from domain.case_file.need import Need
from domain.case_file.personal_data import PersonalData
from domain.case_file.plan import Goal
from domain.case_file.referral import Referral
from domain.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from domain.privacy.sealed import Seal, Sealed
from domain.rules import (
    SHORT_TEXT,
    require_occurred_at,
    require_range,
    require_text,
    seal_optional,
    seal_text,
)
from domain.vocabulary import (
    ConsentGiver,
    DeclineReason,
    Domain,
    GoalStatus,
    HandoverStatus,
    NeedStatus,
    ReferralStatus,
    Sensitivity,
)

NO_PARTNERS: frozenset[UUID] = frozenset()
T = TypeVar("T")


class YoungPerson(Aggregate):
    # --- enrolment and lifecycle -------------------------------------------------------------

    @classmethod
    def enrol(
        cls,
        *,
        id: UUID,
        actor: Actor,
        personal: PersonalData,
        territory: str,
        referent_user_id: str | None,
        occurred_at: datetime,
        now: datetime,
    ) -> "YoungPerson":
        if actor.association_id is None:
            raise NotPermitted("only a worker of an association may enrol a young person")
        require_occurred_at(occurred_at, now, None)
        return cls(
            id=id,
            actor=actor,
            personal=personal,
            territory=require_text(territory, "territory", SHORT_TEXT),
            lead_association_id=actor.association_id,
            referent_user_id=referent_user_id or actor.user_id,
            occurred_at=occurred_at,
        )

    @event("Enrolled")
    def __init__(
        self,
        *,
        id: UUID,
        actor: Actor,
        personal: PersonalData,
        territory: str,
        lead_association_id: UUID,
        referent_user_id: str,
        occurred_at: datetime,
    ) -> None:
        self.personal = personal
        self.territory = territory
        self.lead_association_id = lead_association_id
        self.referent_user_id = referent_user_id
        self.enrolled_at = occurred_at
        self.closed_at: datetime | None = None
        self.erased_at: datetime | None = None
        self.mentors: dict[str, UUID] = {}
        self.consents: dict[str, Consent] = {}
        self.needs: dict[str, Need] = {}
        self.plan_agreed_at: datetime | None = None
        self.goals: dict[str, Goal] = {}
        self.interventions: dict[str, Intervention] = {}
        self.referrals: dict[str, Referral] = {}
        self.handovers: dict[str, Handover] = {}
        self.programmes: dict[str, datetime] = {}

    def correct_personal_data(
        self, *, actor: Actor, personal: PersonalData, occurred_at: datetime, now: datetime
    ) -> None:
        self._require_lead(actor)
        self._require_not_erased()
        self._personal_data_corrected(
            actor=actor, personal=personal, occurred_at=require_occurred_at(occurred_at, now, None)
        )

    @event("PersonalDataCorrected")
    def _personal_data_corrected(
        self, actor: Actor, personal: PersonalData, occurred_at: datetime
    ) -> None:
        self.personal = personal

    def change_referent(
        self, *, actor: Actor, referent_user_id: str, occurred_at: datetime, now: datetime
    ) -> None:
        self._require_lead(actor)
        referent = require_text(referent_user_id, "referent_user_id")
        if referent == self.referent_user_id:
            raise RuleViolation("this worker is already the referent", field="referent_user_id")
        self._referent_changed(
            actor=actor,
            referent_user_id=referent,
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("ReferentChanged")
    def _referent_changed(self, actor: Actor, referent_user_id: str, occurred_at: datetime) -> None:
        self.referent_user_id = referent_user_id

    def assign_mentor(
        self,
        *,
        actor: Actor,
        mentor_user_id: str,
        mentor_association_id: UUID,
        occurred_at: datetime,
        now: datetime,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_involved(actor, partners)
        if mentor_association_id not in self.involved_associations(partners):
            raise RuleViolation(
                "a mentor must be a worker of an involved association",
                field="mentor_association_id",
                code="NOT_INVOLVED",
            )
        mentor = require_text(mentor_user_id, "mentor_user_id")
        if mentor in self.mentors:
            raise RuleViolation("this worker is already a mentor", field="mentor_user_id")
        self._mentor_assigned(
            actor=actor,
            mentor_user_id=mentor,
            mentor_association_id=mentor_association_id,
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("MentorAssigned")
    def _mentor_assigned(
        self, actor: Actor, mentor_user_id: str, mentor_association_id: UUID, occurred_at: datetime
    ) -> None:
        self.mentors[mentor_user_id] = mentor_association_id

    def unassign_mentor(
        self,
        *,
        actor: Actor,
        mentor_user_id: str,
        occurred_at: datetime,
        now: datetime,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_involved(actor, partners)
        if mentor_user_id not in self.mentors:
            raise NotFound("this worker is not a mentor", field="mentor_user_id")
        self._mentor_unassigned(
            actor=actor,
            mentor_user_id=mentor_user_id,
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("MentorUnassigned")
    def _mentor_unassigned(self, actor: Actor, mentor_user_id: str, occurred_at: datetime) -> None:
        del self.mentors[mentor_user_id]

    def close_case(
        self, *, actor: Actor, reason: str | None, occurred_at: datetime, now: datetime, seal: Seal
    ) -> None:
        self._require_lead(actor)
        self._require_open()
        if any(h.is_pending for h in self.handovers.values()):
            raise RuleViolation(
                "a handover is pending: cancel it or let it be answered first",
                code="HANDOVER_PENDING",
            )
        self._case_closed(
            actor=actor,
            reason=seal_optional(seal, reason, "reason"),
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("CaseClosed")
    def _case_closed(self, actor: Actor, reason: Sealed | None, occurred_at: datetime) -> None:
        self.closed_at = occurred_at

    def reopen_case(self, *, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        self._require_lead(actor)
        self._require_not_erased()
        if self.closed_at is None:
            raise RuleViolation("the case is not closed", code="CASE_OPEN")
        self._case_reopened(actor=actor, occurred_at=require_occurred_at(occurred_at, now, None))

    @event("CaseReopened")
    def _case_reopened(self, actor: Actor, occurred_at: datetime) -> None:
        self.closed_at = None

    # --- consents ------------------------------------------------------------------------------

    def give_consent(
        self,
        *,
        actor: Actor,
        consent_id: UUID,
        sensitivities: tuple[Sensitivity, ...],
        recipients: tuple[UUID, ...] | None,
        purpose: str,
        given_by: ConsentGiver,
        expires_on: date | None,
        occurred_at: datetime,
        now: datetime,
        seal: Seal,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_involved(actor, partners)
        self._require_not_erased()
        if not sensitivities:
            raise InvalidInput("a consent needs at least one sensitivity", field="sensitivities")
        if recipients is not None and not recipients:
            raise InvalidInput(
                "name at least one association, or none for every involved association",
                field="association_ids",
            )
        if expires_on is not None and expires_on < occurred_at.date():
            raise InvalidInput("expires_on must not be before the consent", field="expires_on")
        self._consent_given(
            actor=actor,
            consent_id=consent_id,
            sensitivities=tuple(sorted(set(sensitivities), key=lambda s: s.value)),
            recipients=None if recipients is None else tuple(dict.fromkeys(recipients)),
            purpose=seal_text(seal, purpose, "purpose", SHORT_TEXT),
            given_by=given_by,
            expires_on=expires_on,
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("ConsentGiven")
    def _consent_given(
        self,
        actor: Actor,
        consent_id: UUID,
        sensitivities: tuple[Sensitivity, ...],
        recipients: tuple[UUID, ...] | None,
        purpose: Sealed,
        given_by: ConsentGiver,
        expires_on: date | None,
        occurred_at: datetime,
    ) -> None:
        self.consents[str(consent_id)] = Consent(
            id=consent_id,
            sensitivities=tuple(sensitivities),
            recipients=None if recipients is None else tuple(recipients),
            purpose=purpose,
            given_by=given_by,
            given_at=occurred_at,
            expires_on=expires_on,
        )

    def withdraw_consent(
        self,
        *,
        actor: Actor,
        consent_id: UUID,
        occurred_at: datetime,
        now: datetime,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_involved(actor, partners)
        consent = self._find(self.consents, consent_id, "consent_id")
        if consent.withdrawn_at is not None:
            raise RuleViolation("the consent was already withdrawn", field="consent_id")
        self._consent_withdrawn(
            actor=actor,
            consent_id=consent_id,
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("ConsentWithdrawn")
    def _consent_withdrawn(self, actor: Actor, consent_id: UUID, occurred_at: datetime) -> None:
        key = str(consent_id)
        self.consents[key] = self.consents[key].withdrawn(occurred_at)

    # --- needs ---------------------------------------------------------------------------------

    def identify_need(
        self,
        *,
        actor: Actor,
        need_id: UUID,
        domain: Domain,
        severity: int,
        description: str | None,
        occurred_at: datetime,
        now: datetime,
        seal: Seal,
        born_on: date | None,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_involved(actor, partners)
        self._require_open()
        self._need_identified(
            actor=actor,
            need_id=need_id,
            domain=domain,
            severity=require_range(severity, "severity", 1, 5),
            description=seal_optional(seal, description, "description"),
            occurred_at=require_occurred_at(occurred_at, now, born_on),
        )

    @event("NeedIdentified")
    def _need_identified(
        self,
        actor: Actor,
        need_id: UUID,
        domain: Domain,
        severity: int,
        description: Sealed | None,
        occurred_at: datetime,
    ) -> None:
        self.needs[str(need_id)] = Need(
            id=need_id,
            domain=domain,
            severity=severity,
            description=description,
            identified_at=occurred_at,
            identified_by=_association(actor),
        )

    def meet_need(
        self,
        *,
        actor: Actor,
        need_id: UUID,
        occurred_at: datetime,
        now: datetime,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_open_need(actor, need_id, partners)
        self._need_met(
            actor=actor, need_id=need_id, occurred_at=require_occurred_at(occurred_at, now, None)
        )

    @event("NeedMet")
    def _need_met(self, actor: Actor, need_id: UUID, occurred_at: datetime) -> None:
        self.needs[str(need_id)] = self.needs[str(need_id)].met(occurred_at)

    def close_need(
        self,
        *,
        actor: Actor,
        need_id: UUID,
        occurred_at: datetime,
        now: datetime,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_open_need(actor, need_id, partners)
        self._need_closed(
            actor=actor, need_id=need_id, occurred_at=require_occurred_at(occurred_at, now, None)
        )

    @event("NeedClosed")
    def _need_closed(self, actor: Actor, need_id: UUID, occurred_at: datetime) -> None:
        self.needs[str(need_id)] = self.needs[str(need_id)].closed(occurred_at)

    def _require_open_need(self, actor: Actor, need_id: UUID, partners: frozenset[UUID]) -> None:
        self._require_involved(actor, partners)
        need = self._find(self.needs, need_id, "need_id")
        if need.status is not NeedStatus.OPEN:
            raise RuleViolation(f"the need is already {need.status.value}", field="need_id")

    # --- action plan ---------------------------------------------------------------------------

    def agree_action_plan(self, *, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        self._require_lead(actor)
        self._require_open()
        if self.plan_agreed_at is not None:
            raise RuleViolation("an action plan was already agreed", code="PLAN_EXISTS")
        self._action_plan_agreed(
            actor=actor, occurred_at=require_occurred_at(occurred_at, now, None)
        )

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
        now: datetime,
        seal: Seal,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_involved(actor, partners)
        self._require_open()
        if self.plan_agreed_at is None:
            raise RuleViolation("agree an action plan before adding goals", code="NO_PLAN")
        self._goal_added(
            actor=actor,
            goal_id=goal_id,
            domain=domain,
            description=seal_text(seal, description, "description"),
            target_date=target_date,
            occurred_at=require_occurred_at(occurred_at, now, None),
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
        )

    def review_goal(
        self,
        *,
        actor: Actor,
        goal_id: UUID,
        progress: int,
        occurred_at: datetime,
        now: datetime,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_open_goal(actor, goal_id, partners)
        self._goal_progress_reviewed(
            actor=actor,
            goal_id=goal_id,
            progress=require_range(progress, "progress", 0, 100),
            occurred_at=require_occurred_at(occurred_at, now, None),
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
        now: datetime,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        """Marks a goal achieved or dropped: two facts, two events, one rule."""
        self._require_open_goal(actor, goal_id, partners)
        moment = require_occurred_at(occurred_at, now, None)
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
        goal = self._find(self.goals, goal_id, "goal_id")
        if goal.status is not GoalStatus.OPEN:
            raise RuleViolation(f"the goal is already {goal.status.value}", field="goal_id")

    # --- interventions -------------------------------------------------------------------------

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
        now: datetime,
        seal: Seal,
        born_on: date | None,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_involved(actor, partners)
        self._require_open()
        self._check_links(goal_id, need_id, programme_id)
        self._intervention_recorded(
            actor=actor,
            intervention_id=intervention_id,
            domain=domain,
            kind=require_text(kind, "kind", 100),
            occurred_at=require_occurred_at(occurred_at, now, born_on),
            duration_minutes=_duration(duration_minutes),
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
            association_id=_association(actor),
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
        now: datetime,
        seal: Seal,
        born_on: date | None,
    ) -> None:
        self._find(self.interventions, intervention_id, "intervention_id").check_correction(actor)
        if summary is None and occurred_at is None and duration_minutes is None:
            raise InvalidInput(
                "an amendment changes the summary, the time or the duration", field="summary"
            )
        self._intervention_amended(
            actor=actor,
            intervention_id=intervention_id,
            summary=seal_optional(seal, summary, "summary"),
            occurred_at=occurred_at and require_occurred_at(occurred_at, now, born_on),
            duration_minutes=_duration(duration_minutes),
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
        self, *, actor: Actor, intervention_id: UUID, reason: str, now: datetime, seal: Seal
    ) -> None:
        self._find(self.interventions, intervention_id, "intervention_id").check_correction(actor)
        self._intervention_retracted(
            actor=actor,
            intervention_id=intervention_id,
            reason=seal_text(seal, reason, "reason"),
            retracted_at=now,
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

    # --- referrals -----------------------------------------------------------------------------

    def make_referral(
        self,
        *,
        actor: Actor,
        referral_id: UUID,
        to_association_id: UUID,
        domain: Domain,
        need_id: UUID | None,
        reason: str | None,
        occurred_at: datetime,
        now: datetime,
        seal: Seal,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_involved(actor, partners)
        self._require_open()
        if actor.acts_for(to_association_id):
            raise RuleViolation(
                "an association cannot refer to itself",
                field="to_association_id",
                code="SELF_REFERRAL",
            )
        if need_id is not None and self._find(self.needs, need_id, "need_id").domain != domain:
            raise InvalidInput("the need is in another domain", field="need_id")
        self._referral_made(
            actor=actor,
            referral_id=referral_id,
            to_association_id=to_association_id,
            domain=domain,
            need_id=need_id,
            reason=seal_optional(seal, reason, "reason"),
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("ReferralMade")
    def _referral_made(
        self,
        actor: Actor,
        referral_id: UUID,
        to_association_id: UUID,
        domain: Domain,
        need_id: UUID | None,
        reason: Sealed | None,
        occurred_at: datetime,
    ) -> None:
        self.referrals[str(referral_id)] = Referral(
            id=referral_id,
            from_association=_association(actor),
            to_association=to_association_id,
            domain=domain,
            need_id=need_id,
            reason=reason,
            status=ReferralStatus.MADE,
            made_at=occurred_at,
        )

    def referral(self, referral_id: UUID) -> Referral:
        return self._find(self.referrals, referral_id, "referral_id")

    def accept_referral(
        self, *, actor: Actor, referral_id: UUID, occurred_at: datetime, now: datetime
    ) -> None:
        self.referral(referral_id).check_move(ReferralStatus.ACCEPTED, actor)
        self._require_open()
        self._referral_accepted(
            actor=actor,
            referral_id=referral_id,
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("ReferralAccepted")
    def _referral_accepted(self, actor: Actor, referral_id: UUID, occurred_at: datetime) -> None:
        self._move_referral(referral_id, ReferralStatus.ACCEPTED, occurred_at)

    def decline_referral(
        self,
        *,
        actor: Actor,
        referral_id: UUID,
        reason: DeclineReason,
        note: str | None,
        occurred_at: datetime,
        now: datetime,
        seal: Seal,
    ) -> None:
        self.referral(referral_id).check_move(ReferralStatus.DECLINED, actor)
        self._referral_declined(
            actor=actor,
            referral_id=referral_id,
            reason=reason,
            note=seal_optional(seal, note, "note"),
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("ReferralDeclined")
    def _referral_declined(
        self,
        actor: Actor,
        referral_id: UUID,
        reason: DeclineReason,
        note: Sealed | None,
        occurred_at: datetime,
    ) -> None:
        self._move_referral(referral_id, ReferralStatus.DECLINED, occurred_at, reason)

    def withdraw_referral(
        self, *, actor: Actor, referral_id: UUID, occurred_at: datetime, now: datetime
    ) -> None:
        self.referral(referral_id).check_move(ReferralStatus.WITHDRAWN, actor)
        self._referral_withdrawn(
            actor=actor,
            referral_id=referral_id,
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("ReferralWithdrawn")
    def _referral_withdrawn(self, actor: Actor, referral_id: UUID, occurred_at: datetime) -> None:
        self._move_referral(referral_id, ReferralStatus.WITHDRAWN, occurred_at)

    def complete_referral(
        self,
        *,
        actor: Actor,
        referral_id: UUID,
        outcome: str | None,
        occurred_at: datetime,
        now: datetime,
        seal: Seal,
    ) -> None:
        self.referral(referral_id).check_move(ReferralStatus.COMPLETED, actor)
        self._referral_completed(
            actor=actor,
            referral_id=referral_id,
            outcome=seal_optional(seal, outcome, "outcome"),
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("ReferralCompleted")
    def _referral_completed(
        self, actor: Actor, referral_id: UUID, outcome: Sealed | None, occurred_at: datetime
    ) -> None:
        self._move_referral(referral_id, ReferralStatus.COMPLETED, occurred_at)

    def expire_referral(
        self, *, actor: Actor, referral_id: UUID, expiry_days: int, now: datetime
    ) -> None:
        """The ledger's own decision: a referral unanswered for `expiry_days` expires."""
        referral = self.referral(referral_id)
        referral.check_move(ReferralStatus.EXPIRED, None)
        if (now - referral.made_at).days < expiry_days:
            raise RuleViolation(
                f"the referral is younger than {expiry_days} days",
                field="referral_id",
                code="NOT_DUE",
            )
        self._referral_expired(actor=actor, referral_id=referral_id, occurred_at=now)

    @event("ReferralExpired")
    def _referral_expired(self, actor: Actor, referral_id: UUID, occurred_at: datetime) -> None:
        self._move_referral(referral_id, ReferralStatus.EXPIRED, occurred_at)

    def _move_referral(
        self,
        referral_id: UUID,
        target: ReferralStatus,
        at: datetime,
        decline_reason: DeclineReason | None = None,
    ) -> None:
        moved = self.referrals[str(referral_id)].moved(target, at)
        if decline_reason is not None:
            moved = Referral(**{**vars(moved), "decline_reason": decline_reason})
        self.referrals[str(referral_id)] = moved

    # --- handovers -----------------------------------------------------------------------------

    def propose_handover(
        self,
        *,
        actor: Actor,
        handover_id: UUID,
        to_association_id: UUID,
        summary: str | None,
        occurred_at: datetime,
        now: datetime,
        seal: Seal,
    ) -> None:
        self._require_lead(actor)
        self._require_open()
        if to_association_id == self.lead_association_id:
            raise RuleViolation(
                "the association already leads this case",
                field="to_association_id",
                code="SELF_HANDOVER",
            )
        if any(h.is_pending for h in self.handovers.values()):
            raise RuleViolation(
                "another handover is already pending",
                field="to_association_id",
                code="HANDOVER_PENDING",
            )
        self._handover_proposed(
            actor=actor,
            handover_id=handover_id,
            to_association_id=to_association_id,
            summary=seal_optional(seal, summary, "summary"),
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("HandoverProposed")
    def _handover_proposed(
        self,
        actor: Actor,
        handover_id: UUID,
        to_association_id: UUID,
        summary: Sealed | None,
        occurred_at: datetime,
    ) -> None:
        self.handovers[str(handover_id)] = Handover(
            id=handover_id,
            from_association=_association(actor),
            to_association=to_association_id,
            summary=summary,
            status=HandoverStatus.PROPOSED,
            proposed_at=occurred_at,
        )

    def handover(self, handover_id: UUID) -> Handover:
        return self._find(self.handovers, handover_id, "handover_id")

    def accept_handover(
        self,
        *,
        actor: Actor,
        handover_id: UUID,
        referent_user_id: str | None,
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        """The lead and the referent move in one event: there is never zero or two leads."""
        self.handover(handover_id).check_response(HandoverStatus.ACCEPTED, actor)
        self._handover_accepted(
            actor=actor,
            handover_id=handover_id,
            referent_user_id=require_text(referent_user_id or actor.user_id, "referent_user_id"),
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("HandoverAccepted")
    def _handover_accepted(
        self, actor: Actor, handover_id: UUID, referent_user_id: str, occurred_at: datetime
    ) -> None:
        handover = self.handovers[str(handover_id)]
        self.handovers[str(handover_id)] = handover.responded(HandoverStatus.ACCEPTED, occurred_at)
        self.lead_association_id = handover.to_association
        self.referent_user_id = referent_user_id

    def decline_handover(
        self, *, actor: Actor, handover_id: UUID, occurred_at: datetime, now: datetime
    ) -> None:
        self.handover(handover_id).check_response(HandoverStatus.DECLINED, actor)
        self._handover_declined(
            actor=actor,
            handover_id=handover_id,
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("HandoverDeclined")
    def _handover_declined(self, actor: Actor, handover_id: UUID, occurred_at: datetime) -> None:
        key = str(handover_id)
        self.handovers[key] = self.handovers[key].responded(HandoverStatus.DECLINED, occurred_at)

    def cancel_handover(
        self, *, actor: Actor, handover_id: UUID, occurred_at: datetime, now: datetime
    ) -> None:
        self.handover(handover_id).check_response(HandoverStatus.CANCELLED, actor)
        self._handover_cancelled(
            actor=actor,
            handover_id=handover_id,
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("HandoverCancelled")
    def _handover_cancelled(self, actor: Actor, handover_id: UUID, occurred_at: datetime) -> None:
        key = str(handover_id)
        self.handovers[key] = self.handovers[key].responded(HandoverStatus.CANCELLED, occurred_at)

    # --- programmes ----------------------------------------------------------------------------

    def enrol_in_programme(
        self,
        *,
        actor: Actor,
        programme_id: UUID,
        programme_partners: frozenset[UUID],
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        """The lead or a partner of the programme enrols; the programme checks its capacity."""
        if not (
            actor.acts_for(self.lead_association_id) or _acts_for_any(actor, programme_partners)
        ):
            raise NotPermitted(
                "only the lead or a partner of the programme may enrol", field="programme_id"
            )
        self._require_open()
        if str(programme_id) in self.programmes:
            raise RuleViolation("already enrolled in this programme", field="programme_id")
        self._enrolled_in_programme(
            actor=actor,
            programme_id=programme_id,
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("EnrolledInProgramme")
    def _enrolled_in_programme(
        self, actor: Actor, programme_id: UUID, occurred_at: datetime
    ) -> None:
        self.programmes[str(programme_id)] = occurred_at

    def leave_programme(
        self,
        *,
        actor: Actor,
        programme_id: UUID,
        programme_partners: frozenset[UUID],
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        if not (
            actor.acts_for(self.lead_association_id) or _acts_for_any(actor, programme_partners)
        ):
            raise NotPermitted(
                "only the lead or a partner of the programme may do this", field="programme_id"
            )
        if str(programme_id) not in self.programmes:
            raise NotFound("not enrolled in this programme", field="programme_id")
        self._left_programme(
            actor=actor,
            programme_id=programme_id,
            occurred_at=require_occurred_at(occurred_at, now, None),
        )

    @event("LeftProgramme")
    def _left_programme(self, actor: Actor, programme_id: UUID, occurred_at: datetime) -> None:
        del self.programmes[str(programme_id)]

    # --- involvement and shared checks ---------------------------------------------------------

    def involved_associations(self, partners: frozenset[UUID] = NO_PARTNERS) -> frozenset[UUID]:
        """Who is involved now, per DESIGN.md; `partners` are those of enrolled programmes."""
        involved = {self.lead_association_id, *partners}
        involved.update(r.to_association for r in self.referrals.values() if r.is_open)
        involved.update(h.to_association for h in self.handovers.values() if h.is_pending)
        return frozenset(involved)

    @property
    def programme_ids(self) -> tuple[UUID, ...]:
        return tuple(UUID(key) for key in self.programmes)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def _require_lead(self, actor: Actor) -> None:
        if not actor.acts_for(self.lead_association_id):
            raise NotPermitted("only the lead association may do this")

    def _require_involved(self, actor: Actor, partners: frozenset[UUID]) -> None:
        if actor.association_id not in self.involved_associations(partners):
            raise NotPermitted("the association is not involved with this young person")

    def _require_open(self) -> None:
        self._require_not_erased()
        if self.closed_at is not None:
            raise RuleViolation("the case is closed: reopen it first", code="CASE_CLOSED")

    def _require_not_erased(self) -> None:
        if self.erased_at is not None:
            raise RuleViolation("the young person's data was erased", code="ERASED")

    @staticmethod
    def _find(items: dict[str, T], item_id: UUID, field: str) -> T:
        try:
            return items[str(item_id)]
        except KeyError:
            what = field.removesuffix("_id")
            raise NotFound(f"no such {what} in this case file", field=field) from None


def _association(actor: Actor) -> UUID:
    assert actor.association_id is not None, "decided before the event: actor acts for one"
    return actor.association_id


def _acts_for_any(actor: Actor, associations: frozenset[UUID]) -> bool:
    return actor.association_id is not None and actor.association_id in associations


def _duration(minutes: int | None) -> int | None:
    return None if minutes is None else require_range(minutes, "duration_minutes", 1, 24 * 60)
