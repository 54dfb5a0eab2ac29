"""Enrolment in integrated programmes and leaving them."""

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from domain.actor import Actor
from domain.case_file.case_time import CaseTime
from domain.case_file.layers.base import NO_PARTNERS, acts_for_any
from domain.case_file.layers.handovers import CaseHandovers
from domain.errors import NotFound, NotPermitted, RuleViolation
from domain.privacy.sealed import Seal


class CaseProgrammes(CaseHandovers):
    def enrol_in_programme(
        self,
        *,
        actor: Actor,
        programme_id: UUID,
        programme_partners: frozenset[UUID],
        occurred_at: datetime,
        time: CaseTime,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        """The lead, or a partner of the programme already involved with the young person,
        enrols; the programme checks its capacity. A partner not involved yet would make itself
        involved — and see the case — by enrolling someone it had no part in. `partners` are
        those of the programmes the young person is already enrolled in."""
        partner = acts_for_any(actor, programme_partners)
        involved = actor.association_id in self.involved_associations(partners)
        if not (actor.acts_for(self.lead_association_id) or (partner and involved)):
            raise NotPermitted(
                "only the lead, or a partner of the programme already involved with the young"
                " person, may enrol",
                field="programme_id",
            )
        self._require_open()
        if str(programme_id) in self.programmes:
            raise RuleViolation("already enrolled in this programme", field="programme_id")
        self._enrolled_in_programme(
            actor=actor,
            programme_id=programme_id,
            occurred_at=time.occurred(occurred_at),
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
        time: CaseTime,
    ) -> None:
        if not (
            actor.acts_for(self.lead_association_id) or acts_for_any(actor, programme_partners)
        ):
            raise NotPermitted(
                "only the lead or a partner of the programme may do this", field="programme_id"
            )
        if str(programme_id) not in self.programmes:
            raise NotFound("not enrolled in this programme", field="programme_id")
        enrolled = self.programmes[str(programme_id)]
        self._left_programme(
            actor=actor,
            programme_id=programme_id,
            occurred_at=time.after(occurred_at, enrolled, "the enrolment in the programme"),
        )

    @event("LeftProgramme")
    def _left_programme(self, actor: Actor, programme_id: UUID, occurred_at: datetime) -> None:
        del self.programmes[str(programme_id)]

    def close_case(
        self, *, actor: Actor, reason: str | None, occurred_at: datetime, time: CaseTime, seal: Seal
    ) -> None:
        """Closing the case also leaves its programmes: a closed case held its places for ever
        (the ledger releases them in the same commit, `CaseFileCommands.close_case`). A reopened
        case is enrolled again like any other."""
        super().close_case(
            actor=actor, reason=reason, occurred_at=occurred_at, time=time, seal=seal
        )
        assert self.closed_at is not None
        self._leave_every_programme(actor, self.closed_at)

    def _leave_every_programme(self, actor: Actor, at: datetime) -> None:
        """What a closure or an erasure does to the programmes the young person is in."""
        for programme_id in self.programme_ids:
            self._left_programme(actor=actor, programme_id=programme_id, occurred_at=at)
