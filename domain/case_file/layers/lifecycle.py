"""Who steers the case: the referent, mentors, and closing or reopening the case."""

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from domain.actor import Actor
from domain.case_file.case_time import CaseTime
from domain.case_file.layers.base import NO_PARTNERS, CaseFile
from domain.errors import NotFound, RuleViolation
from domain.privacy.sealed import Seal, Sealed
from domain.rules import require_user_id, seal_optional


class CaseLifecycle(CaseFile):
    def change_referent(
        self, *, actor: Actor, referent_user_id: str, occurred_at: datetime, time: CaseTime
    ) -> None:
        self._require_lead(actor)
        self._require_open()
        referent = require_user_id(referent_user_id, "referent_user_id")
        if referent == self.referent_user_id:
            raise RuleViolation("this worker is already the referent", field="referent_user_id")
        self._referent_changed(
            actor=actor,
            referent_user_id=referent,
            occurred_at=time.occurred(occurred_at),
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
        time: CaseTime,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_involved(actor, partners)
        self._require_open()
        if mentor_association_id not in self.involved_associations(partners):
            raise RuleViolation(
                "a mentor must be a worker of an involved association",
                field="mentor_association_id",
                code="NOT_INVOLVED",
            )
        mentor = require_user_id(mentor_user_id, "mentor_user_id")
        if mentor in self.mentors:
            raise RuleViolation("this worker is already a mentor", field="mentor_user_id")
        self._mentor_assigned(
            actor=actor,
            mentor_user_id=mentor,
            mentor_association_id=mentor_association_id,
            occurred_at=time.occurred(occurred_at),
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
        time: CaseTime,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_involved(actor, partners)
        self._require_open()
        if mentor_user_id not in self.mentors:
            raise NotFound("this worker is not a mentor", field="mentor_user_id")
        self._mentor_unassigned(
            actor=actor,
            mentor_user_id=mentor_user_id,
            occurred_at=time.occurred(occurred_at),
        )

    @event("MentorUnassigned")
    def _mentor_unassigned(self, actor: Actor, mentor_user_id: str, occurred_at: datetime) -> None:
        del self.mentors[mentor_user_id]

    def close_case(
        self, *, actor: Actor, reason: str | None, occurred_at: datetime, time: CaseTime, seal: Seal
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
            occurred_at=time.after(
                occurred_at,
                self._last_opening(),
                "the case was last opened (enrolled or reopened) or joined a programme it leaves",
            ),
        )

    @event("CaseClosed")
    def _case_closed(self, actor: Actor, reason: Sealed | None, occurred_at: datetime) -> None:
        self.closed_at = occurred_at

    def reopen_case(self, *, actor: Actor, occurred_at: datetime, time: CaseTime) -> None:
        self._require_lead(actor)
        self.require_not_erased()
        if self.closed_at is None:
            raise RuleViolation("the case is not closed", code="CASE_OPEN")
        moment = time.after(occurred_at, self.closed_at, "the case was closed")
        self._case_reopened(actor=actor, occurred_at=moment)

    @event("CaseReopened")
    def _case_reopened(self, actor: Actor, occurred_at: datetime) -> None:
        self.closed_at = None
        self.reopened_at = occurred_at

    def _last_opening(self) -> datetime:
        """When the case was last opened — enrolled, or reopened (snapshots taken before this
        was kept have no `reopened_at`: their case counts from its enrolment) — or joined a
        programme: a closure ends all of these, and is not dated before any."""
        reopened: datetime | None = getattr(self, "reopened_at", None)
        return max([self.enrolled_at, *([reopened] if reopened else []), *self.programmes.values()])
