"""Referrals between associations, along the state machine of DESIGN.md."""

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from domain.actor import Actor
from domain.case_file.case_time import CaseTime
from domain.case_file.layers.base import NO_PARTNERS, association_of
from domain.case_file.layers.interventions import CaseInterventions
from domain.case_file.referral import Referral
from domain.errors import InvalidInput, RuleViolation
from domain.privacy.sealed import Seal, Sealed
from domain.rules import seal_optional
from domain.vocabulary import DeclineReason, Domain, ReferralStatus

MADE = "the referral was made"
MOVED = "the referral's last move"


class CaseReferrals(CaseInterventions):
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
        time: CaseTime,
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
            occurred_at=time.occurred(occurred_at),
            awaiting_since=time.now,
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
        awaiting_since: datetime,
    ) -> None:
        self.referrals[str(referral_id)] = Referral(
            id=referral_id,
            from_association=association_of(actor),
            to_association=to_association_id,
            domain=domain,
            need_id=need_id,
            reason=reason,
            status=ReferralStatus.MADE,
            made_at=occurred_at,
            awaiting_since=awaiting_since,
        )

    def referral(self, referral_id: UUID) -> Referral:
        return self._find(self.referrals, referral_id, "referral_id")

    def accept_referral(
        self, *, actor: Actor, referral_id: UUID, occurred_at: datetime, time: CaseTime
    ) -> None:
        referral = self.referral(referral_id)
        referral.check_move(ReferralStatus.ACCEPTED, actor)
        self._require_open()
        self._referral_accepted(
            actor=actor,
            referral_id=referral_id,
            occurred_at=time.after(occurred_at, referral.made_at, MADE),
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
        time: CaseTime,
        seal: Seal,
    ) -> None:
        referral = self.referral(referral_id)
        referral.check_move(ReferralStatus.DECLINED, actor)
        self._referral_declined(
            actor=actor,
            referral_id=referral_id,
            reason=reason,
            note=seal_optional(seal, note, "note"),
            occurred_at=time.after(occurred_at, referral.made_at, MADE),
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
        self, *, actor: Actor, referral_id: UUID, occurred_at: datetime, time: CaseTime
    ) -> None:
        referral = self.referral(referral_id)
        referral.check_move(ReferralStatus.WITHDRAWN, actor)
        self._referral_withdrawn(
            actor=actor,
            referral_id=referral_id,
            occurred_at=time.after(occurred_at, referral.responded_at or referral.made_at, MOVED),
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
        time: CaseTime,
        seal: Seal,
    ) -> None:
        referral = self.referral(referral_id)
        referral.check_move(ReferralStatus.COMPLETED, actor)
        accepted = referral.responded_at or referral.made_at
        self._referral_completed(
            actor=actor,
            referral_id=referral_id,
            outcome=seal_optional(seal, outcome, "outcome"),
            occurred_at=time.after(occurred_at, accepted, "the referral was accepted"),
        )

    @event("ReferralCompleted")
    def _referral_completed(
        self, actor: Actor, referral_id: UUID, outcome: Sealed | None, occurred_at: datetime
    ) -> None:
        self._move_referral(referral_id, ReferralStatus.COMPLETED, occurred_at)

    def expire_referral(
        self, *, actor: Actor, referral_id: UUID, expiry_days: int, time: CaseTime
    ) -> None:
        """The ledger's own decision: a referral unanswered for `expiry_days` expires.

        The days count from when the ledger learned of the referral (`awaiting_since`), so a
        referral entered late still gives its addressee the full delay to answer.
        """
        referral = self.referral(referral_id)
        referral.check_move(ReferralStatus.EXPIRED, None)
        if (time.now - referral.awaiting_since).days < expiry_days:
            raise RuleViolation(
                f"the referral is younger than {expiry_days} days",
                field="referral_id",
                code="NOT_DUE",
            )
        self._referral_expired(actor=actor, referral_id=referral_id, occurred_at=time.now)

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
            moved = replace(moved, decline_reason=decline_reason)
        self.referrals[str(referral_id)] = moved
