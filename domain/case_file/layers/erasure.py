"""Erasure (GDPR art. 17): the case file records that it was erased; the key is destroyed.

The event itself carries no personal data. Everything sealed with the young person's key —
in this stream, its snapshots and every read model — becomes unreadable the moment the ledger
service destroys the key, right after saving this event. The stream's structure stays, so the
history remains verifiable and the network's indicators keep counting what happened.

An erased case takes no new fact, so nothing may be left waiting on it: its open referrals are
withdrawn, its pending handover cancelled and its programmes left, by the erasing admin, in the
same commit and just before `Erased`. Left open, a referral would sit in its addressee's inbox
for ever (it could no longer be answered), keep that association involved, and be offered to the
expiry policy again and again; an enrolment would hold a programme's place for ever (the ledger
releases the places, `CaseFiles.erase_young_person`).
"""

from datetime import datetime

from eventsourcing.domain import event

from domain.actor import Actor
from domain.case_file.layers.programmes import CaseProgrammes
from domain.errors import NotPermitted
from domain.privacy.sealed import Sealed
from domain.vocabulary import Role


class CaseErasure(CaseProgrammes):
    @staticmethod
    def require_eraser(actor: Actor) -> None:
        if actor.role is not Role.NETWORK_ADMIN:
            raise NotPermitted("only a network admin carries out erasure requests")

    def erase(self, *, actor: Actor, reason: Sealed, now: datetime) -> None:
        self.require_eraser(actor)
        self.require_not_erased()
        for referral in [r for r in self.referrals.values() if r.is_open]:
            self._referral_withdrawn(actor=actor, referral_id=referral.id, occurred_at=now)
        for handover in [h for h in self.handovers.values() if h.is_pending]:
            self._handover_cancelled(actor=actor, handover_id=handover.id, occurred_at=now)
        self._leave_every_programme(actor, now)
        self._erased(actor=actor, reason=reason, erased_at=now)

    @event("Erased")
    def _erased(self, actor: Actor, reason: Sealed, erased_at: datetime) -> None:
        self.erased_at = erased_at
