"""Handovers of the lead: the lead and the referent always move together."""

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from domain.actor import Actor
from domain.case_file.case_time import CaseTime
from domain.case_file.handover import Handover
from domain.case_file.layers.base import association_of
from domain.case_file.layers.referrals import CaseReferrals
from domain.errors import RuleViolation
from domain.privacy.sealed import Seal, Sealed
from domain.rules import require_user_id, seal_optional
from domain.vocabulary import HandoverStatus

PROPOSED = "the handover was proposed"


class CaseHandovers(CaseReferrals):
    def propose_handover(
        self,
        *,
        actor: Actor,
        handover_id: UUID,
        to_association_id: UUID,
        summary: str | None,
        occurred_at: datetime,
        time: CaseTime,
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
            occurred_at=time.occurred(occurred_at),
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
            from_association=association_of(actor),
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
        time: CaseTime,
    ) -> None:
        """The lead and the referent move in one event: there is never zero or two leads."""
        handover = self.handover(handover_id)
        handover.check_response(HandoverStatus.ACCEPTED, actor)
        self._handover_accepted(
            actor=actor,
            handover_id=handover_id,
            referent_user_id=require_user_id(
                actor.user_id if referent_user_id is None else referent_user_id, "referent_user_id"
            ),
            occurred_at=time.after(occurred_at, handover.proposed_at, PROPOSED),
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
        self, *, actor: Actor, handover_id: UUID, occurred_at: datetime, time: CaseTime
    ) -> None:
        handover = self.handover(handover_id)
        handover.check_response(HandoverStatus.DECLINED, actor)
        self._handover_declined(
            actor=actor,
            handover_id=handover_id,
            occurred_at=time.after(occurred_at, handover.proposed_at, PROPOSED),
        )

    @event("HandoverDeclined")
    def _handover_declined(self, actor: Actor, handover_id: UUID, occurred_at: datetime) -> None:
        key = str(handover_id)
        self.handovers[key] = self.handovers[key].responded(HandoverStatus.DECLINED, occurred_at)

    def cancel_handover(
        self, *, actor: Actor, handover_id: UUID, occurred_at: datetime, time: CaseTime
    ) -> None:
        handover = self.handover(handover_id)
        handover.check_response(HandoverStatus.CANCELLED, actor)
        self._handover_cancelled(
            actor=actor,
            handover_id=handover_id,
            occurred_at=time.after(occurred_at, handover.proposed_at, PROPOSED),
        )

    @event("HandoverCancelled")
    def _handover_cancelled(self, actor: Actor, handover_id: UUID, occurred_at: datetime) -> None:
        key = str(handover_id)
        self.handovers[key] = self.handovers[key].responded(HandoverStatus.CANCELLED, occurred_at)
