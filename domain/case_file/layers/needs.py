"""Needs identified in a domain, later met or closed."""

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from domain.actor import Actor
from domain.case_file.case_time import CaseTime
from domain.case_file.layers.base import NO_PARTNERS, association_of
from domain.case_file.layers.consents import CaseConsents
from domain.case_file.need import Need
from domain.errors import RuleViolation
from domain.privacy.sealed import Seal, Sealed
from domain.rules import require_range, seal_optional
from domain.vocabulary import Domain, NeedStatus

IDENTIFIED = "the need was identified"


class CaseNeeds(CaseConsents):
    def identify_need(
        self,
        *,
        actor: Actor,
        need_id: UUID,
        domain: Domain,
        severity: int,
        description: str | None,
        occurred_at: datetime,
        time: CaseTime,
        seal: Seal,
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
            occurred_at=time.occurred(occurred_at),
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
            identified_by=association_of(actor),
        )

    def meet_need(
        self,
        *,
        actor: Actor,
        need_id: UUID,
        occurred_at: datetime,
        time: CaseTime,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_open_need(actor, need_id, partners)
        moment = time.after(occurred_at, self.needs[str(need_id)].identified_at, IDENTIFIED)
        self._need_met(actor=actor, need_id=need_id, occurred_at=moment)

    @event("NeedMet")
    def _need_met(self, actor: Actor, need_id: UUID, occurred_at: datetime) -> None:
        self.needs[str(need_id)] = self.needs[str(need_id)].met(occurred_at)

    def close_need(
        self,
        *,
        actor: Actor,
        need_id: UUID,
        occurred_at: datetime,
        time: CaseTime,
        partners: frozenset[UUID] = NO_PARTNERS,
    ) -> None:
        self._require_open_need(actor, need_id, partners)
        moment = time.after(occurred_at, self.needs[str(need_id)].identified_at, IDENTIFIED)
        self._need_closed(actor=actor, need_id=need_id, occurred_at=moment)

    @event("NeedClosed")
    def _need_closed(self, actor: Actor, need_id: UUID, occurred_at: datetime) -> None:
        self.needs[str(need_id)] = self.needs[str(need_id)].closed(occurred_at)

    def _require_open_need(self, actor: Actor, need_id: UUID, partners: frozenset[UUID]) -> None:
        self._require_involved(actor, partners)
        self._require_open()
        need = self._find(self.needs, need_id, "need_id")
        if need.status is not NeedStatus.OPEN:
            raise RuleViolation(f"the need is already {need.status.value}", field="need_id")
