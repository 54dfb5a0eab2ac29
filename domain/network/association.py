"""An association: a partner organisation with a territory, competences and pooled resources."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from domain.rules import SHORT_TEXT, require_range, require_text
from domain.vocabulary import Domain, Role

MAX_MONTHLY_CAPACITY = 100_000


@dataclass(frozen=True)
class Competence:
    domain: Domain
    monthly_capacity: int | None
    description: str | None


def competence(domain: Domain, monthly_capacity: int | None, description: str | None) -> Competence:
    """Validates a competence; its description is about the service, never about a person."""
    if monthly_capacity is not None:
        require_range(monthly_capacity, "monthly_capacity", 0, MAX_MONTHLY_CAPACITY)
    text = None if description is None else require_text(description, "description", SHORT_TEXT)
    return Competence(domain=domain, monthly_capacity=monthly_capacity, description=text)


def _checked(given: Competence) -> Competence:
    """A competence as `competence` would have made it: every path in (an import line builds
    the dataclass itself) meets the same rules."""
    return competence(given.domain, given.monthly_capacity, given.description)


class Association(Aggregate):
    @classmethod
    def register(
        cls, *, actor: Actor, name: str, territory: str, competences: tuple[Competence, ...]
    ) -> "Association":
        if actor.role not in (Role.NETWORK_ADMIN, Role.SYSTEM):
            raise NotPermitted("only a network admin registers associations")
        domains = [c.domain for c in competences]
        if len(domains) != len(set(domains)):
            raise InvalidInput("each domain may be declared once", field="competences")
        return cls(
            actor=actor,
            name=require_text(name, "name"),
            territory=require_text(territory, "territory"),
            competences=tuple(_checked(c) for c in competences),
        )

    @event("Registered")
    def __init__(
        self, *, actor: Actor, name: str, territory: str, competences: tuple[Competence, ...]
    ) -> None:
        self.name = name
        self.territory = territory
        self.competences = {c.domain.value: c for c in competences}
        self.resources: list[UUID] = []

    def declare_competence(self, *, actor: Actor, competence: Competence) -> None:
        self._require_coordinator(actor)
        competence = _checked(competence)
        if self.competences.get(competence.domain.value) == competence:
            raise RuleViolation("this competence is already declared as is", field="domain")
        self._competence_declared(actor=actor, competence=competence)

    @event("CompetenceDeclared")
    def _competence_declared(self, actor: Actor, competence: Competence) -> None:
        self.competences[competence.domain.value] = competence

    def withdraw_competence(self, *, actor: Actor, domain: Domain) -> None:
        self._require_coordinator(actor)
        if domain.value not in self.competences:
            raise NotFound("no such competence declared", field="domain")
        self._competence_withdrawn(actor=actor, domain=domain)

    @event("CompetenceWithdrawn")
    def _competence_withdrawn(self, actor: Actor, domain: Domain) -> None:
        del self.competences[domain.value]

    def offer_resource(self, *, actor: Actor, resource_id: UUID) -> None:
        self._require_coordinator(actor)
        self._resource_offered(actor=actor, resource_id=resource_id)

    @event("ResourceOffered")
    def _resource_offered(self, actor: Actor, resource_id: UUID) -> None:
        self.resources.append(resource_id)

    def withdraw_resource(self, *, actor: Actor, resource_id: UUID, at: datetime) -> None:
        self._require_coordinator(actor)
        if resource_id not in self.resources:
            raise NotFound("the association does not offer this resource", field="resource_id")
        self._resource_withdrawn(actor=actor, resource_id=resource_id, withdrawn_at=at)

    @event("ResourceWithdrawn")
    def _resource_withdrawn(self, actor: Actor, resource_id: UUID, withdrawn_at: datetime) -> None:
        self.resources.remove(resource_id)

    def has_competence(self, domain: Domain) -> bool:
        return domain.value in self.competences

    def _require_coordinator(self, actor: Actor) -> None:
        """A coordinator acts for their own association only (network admins for any)."""
        own = actor.acts_for(self.id) and actor.role is Role.COORDINATOR
        if not (own or actor.role in (Role.NETWORK_ADMIN, Role.SYSTEM)):
            raise NotPermitted("only a coordinator of this association may do this")
