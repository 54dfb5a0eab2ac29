"""Consents given and withdrawn: they decide who may read which sensitivity."""

from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import event

from domain.actor import Actor
from domain.case_file.case_time import CaseTime
from domain.case_file.consent import Consent
from domain.case_file.layers.base import NO_PARTNERS
from domain.case_file.layers.lifecycle import CaseLifecycle
from domain.errors import InvalidInput, NotPermitted, RuleViolation
from domain.privacy.sealed import Seal, Sealed
from domain.rules import SHORT_TEXT, require_within_horizon, seal_text
from domain.vocabulary import ConsentGiver, Sensitivity


class CaseConsents(CaseLifecycle):
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
        time: CaseTime,
        seal: Seal,
    ) -> None:
        """Recorded by the lead association only. A consent widens what associations read, and
        the ledger cannot see the young person's signature: an association that could record
        one naming itself (or every involved association) could read another's sensitive notes
        on its own word. The lead, who holds the case, collects consents for the network."""
        if not actor.acts_for(self.lead_association_id):
            raise NotPermitted(
                "only the lead association records a consent: an association may not grant"
                " itself access to others' notes"
            )
        self.require_not_erased()
        if not sensitivities:
            raise InvalidInput("a consent needs at least one sensitivity", field="sensitivities")
        if recipients is not None and not recipients:
            raise InvalidInput(
                "name at least one association, or none for every involved association",
                field="association_ids",
            )
        if expires_on is not None:
            if expires_on < occurred_at.date():
                raise InvalidInput("expires_on must not be before the consent", field="expires_on")
            require_within_horizon(expires_on, occurred_at.date(), "expires_on", "the consent")
        self._consent_given(
            actor=actor,
            consent_id=consent_id,
            sensitivities=tuple(sorted(set(sensitivities), key=lambda s: s.value)),
            recipients=None if recipients is None else tuple(dict.fromkeys(recipients)),
            purpose=seal_text(seal, purpose, "purpose", SHORT_TEXT),
            given_by=given_by,
            expires_on=expires_on,
            occurred_at=time.occurred(occurred_at),
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
        time: CaseTime,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_involved(actor, partners)
        consent = self._find(self.consents, consent_id, "consent_id")
        if consent.withdrawn_at is not None:
            raise RuleViolation("the consent was already withdrawn", field="consent_id")
        self._consent_withdrawn(
            actor=actor,
            consent_id=consent_id,
            occurred_at=time.after(occurred_at, consent.given_at, "the consent was given"),
        )

    @event("ConsentWithdrawn")
    def _consent_withdrawn(self, actor: Actor, consent_id: UUID, occurred_at: datetime) -> None:
        key = str(consent_id)
        self.consents[key] = self.consents[key].withdrawn(occurred_at)
