"""Erasure (GDPR art. 17): the case file records that it was erased; the key is destroyed.

The event itself carries no personal data. Everything sealed with the young person's key —
in this stream, its snapshots and every read model — becomes unreadable the moment the ledger
service destroys the key, right after saving this event. The stream's structure stays, so the
history remains verifiable and the network's indicators keep counting what happened.
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
        self._require_not_erased()
        self._erased(actor=actor, reason=reason, erased_at=now)

    @event("Erased")
    def _erased(self, actor: Actor, reason: Sealed, erased_at: datetime) -> None:
        self.erased_at = erased_at
