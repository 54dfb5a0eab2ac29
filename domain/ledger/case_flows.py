"""Commands on what moves through a case file: interventions, referrals and handovers."""

from datetime import datetime
from uuid import UUID, uuid4

from domain.actor import SYSTEM_ACTOR, Actor
from domain.case_file.young_person import YoungPerson
from domain.errors import InvalidInput
from domain.ledger.case_care import CaseCareCommands
from domain.ledger.case_context import CaseContext
from domain.network.association import Association
from domain.vocabulary import DeclineReason, Domain, HandoverStatus


class CaseFlowCommands(CaseCareCommands):
    # --- interventions -------------------------------------------------------------------------

    def record_intervention(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        domain: Domain,
        kind: str,
        occurred_at: datetime,
        duration_minutes: int | None = None,
        summary: str | None = None,
        goal_id: UUID | None = None,
        need_id: UUID | None = None,
        programme_id: UUID | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            intervention_id = uuid4()
            yp.record_intervention(
                actor=actor,
                intervention_id=intervention_id,
                domain=domain,
                kind=kind,
                occurred_at=occurred_at,
                duration_minutes=duration_minutes,
                summary=summary,
                goal_id=goal_id,
                need_id=need_id,
                programme_id=programme_id,
                time=ctx.time,
                seal=ctx.seal,
                partners=ctx.partners,
            )
            return intervention_id

        return self.on_case("record_intervention", actor, young_person_id, idempotency_key, act)

    def amend_intervention(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        intervention_id: UUID,
        reason: str,
        summary: str | None = None,
        occurred_at: datetime | None = None,
        duration_minutes: int | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.amend_intervention(
                actor=actor,
                intervention_id=intervention_id,
                summary=summary,
                occurred_at=occurred_at,
                duration_minutes=duration_minutes,
                reason=reason,
                time=ctx.time,
                seal=ctx.seal,
            )
            return intervention_id

        return self.on_case("amend_intervention", actor, young_person_id, idempotency_key, act)

    def retract_intervention(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        intervention_id: UUID,
        reason: str,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.retract_intervention(
                actor=actor,
                intervention_id=intervention_id,
                reason=reason,
                time=ctx.time,
                seal=ctx.seal,
            )
            return intervention_id

        return self.on_case("retract_intervention", actor, young_person_id, idempotency_key, act)

    # --- referrals -----------------------------------------------------------------------------

    def make_referral(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        to_association_id: UUID,
        domain: Domain,
        need_id: UUID | None = None,
        reason: str | None = None,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            self.load(Association, to_association_id, "to_association_id")
            referral_id = uuid4()
            yp.make_referral(
                actor=actor,
                referral_id=referral_id,
                to_association_id=to_association_id,
                domain=domain,
                need_id=need_id,
                reason=reason,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
                seal=ctx.seal,
                partners=ctx.partners,
            )
            return referral_id

        return self.on_case("make_referral", actor, young_person_id, idempotency_key, act)

    def accept_referral(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        referral_id: UUID,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.accept_referral(
                actor=actor,
                referral_id=referral_id,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
            )
            return referral_id

        return self.on_case("accept_referral", actor, young_person_id, idempotency_key, act)

    def decline_referral(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        referral_id: UUID,
        reason: DeclineReason,
        note: str | None = None,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.decline_referral(
                actor=actor,
                referral_id=referral_id,
                reason=reason,
                note=note,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
                seal=ctx.seal,
            )
            return referral_id

        return self.on_case("decline_referral", actor, young_person_id, idempotency_key, act)

    def withdraw_referral(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        referral_id: UUID,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.withdraw_referral(
                actor=actor,
                referral_id=referral_id,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
            )
            return referral_id

        return self.on_case("withdraw_referral", actor, young_person_id, idempotency_key, act)

    def complete_referral(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        referral_id: UUID,
        outcome: str | None = None,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.complete_referral(
                actor=actor,
                referral_id=referral_id,
                outcome=outcome,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
                seal=ctx.seal,
            )
            return referral_id

        return self.on_case("complete_referral", actor, young_person_id, idempotency_key, act)

    def expire_referral(
        self, young_person_id: UUID, *, referral_id: UUID, expiry_days: int
    ) -> UUID:
        """Run by the expiry policy, as the ledger itself; idempotent per referral."""

        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.expire_referral(
                actor=SYSTEM_ACTOR, referral_id=referral_id, expiry_days=expiry_days, time=ctx.time
            )
            return referral_id

        key = f"expire-referral:{referral_id}"
        return self.on_case("expire_referral", SYSTEM_ACTOR, young_person_id, key, act)

    # --- handovers -----------------------------------------------------------------------------

    def propose_handover(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        to_association_id: UUID,
        summary: str | None = None,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            self.load(Association, to_association_id, "to_association_id")
            handover_id = uuid4()
            yp.propose_handover(
                actor=actor,
                handover_id=handover_id,
                to_association_id=to_association_id,
                summary=summary,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
                seal=ctx.seal,
            )
            return handover_id

        return self.on_case("propose_handover", actor, young_person_id, idempotency_key, act)

    def accept_handover(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        handover_id: UUID,
        referent_user_id: str | None = None,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.accept_handover(
                actor=actor,
                handover_id=handover_id,
                referent_user_id=referent_user_id,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
            )
            return handover_id

        return self.on_case("accept_handover", actor, young_person_id, idempotency_key, act)

    def end_handover(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        handover_id: UUID,
        status: HandoverStatus,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        """Declines (addressee) or cancels (proposer) a pending handover."""

        if status not in (HandoverStatus.DECLINED, HandoverStatus.CANCELLED):
            raise InvalidInput("a handover ends declined or cancelled", field="status")

        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            moment = occurred_at or ctx.now
            if status is HandoverStatus.DECLINED:
                yp.decline_handover(
                    actor=actor, handover_id=handover_id, occurred_at=moment, time=ctx.time
                )
            else:
                yp.cancel_handover(
                    actor=actor, handover_id=handover_id, occurred_at=moment, time=ctx.time
                )
            return handover_id

        return self.on_case(
            f"{status.value.lower()}_handover", actor, young_person_id, idempotency_key, act
        )
