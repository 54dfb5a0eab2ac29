"""An integrated programme: several associations combine services for a cohort."""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import InvalidInput, NotPermitted, RuleViolation
from domain.rules import require_period, require_range, require_text, require_within_horizon
from domain.vocabulary import Domain, Role


@dataclass(frozen=True)
class Component:
    association_id: UUID
    domain: Domain


class Programme(Aggregate):
    @classmethod
    def launch(
        cls,
        *,
        actor: Actor,
        name: str,
        partners: tuple[UUID, ...],
        components: tuple[Component, ...],
        capacity: int | None,
        starts_on: date | None,
        ends_on: date | None,
        launched_on: date,
    ) -> "Programme":
        if actor.role not in (Role.NETWORK_ADMIN, Role.SYSTEM):
            raise NotPermitted("only a network admin launches programmes")
        if not partners:
            raise InvalidInput("a programme needs at least one partner", field="partner_ids")
        if not components:
            raise InvalidInput("a programme needs at least one component", field="components")
        if any(c.association_id not in partners for c in components):
            raise InvalidInput("every component is delivered by a partner", field="components")
        if capacity is not None:
            require_range(capacity, "capacity", 1, 1_000_000)
        require_period(starts_on, ends_on)
        if starts_on is None and ends_on is not None:  # open from its launch
            require_within_horizon(ends_on, launched_on, "ends_on", "the launch")
        return cls(
            actor=actor,
            name=require_text(name, "name"),
            partners=tuple(dict.fromkeys(partners)),
            components=tuple(dict.fromkeys(components)),
            capacity=capacity,
            starts_on=starts_on,
            ends_on=ends_on,
        )

    @event("Launched")
    def __init__(
        self,
        *,
        actor: Actor,
        name: str,
        partners: tuple[UUID, ...],
        components: tuple[Component, ...],
        capacity: int | None,
        starts_on: date | None,
        ends_on: date | None,
    ) -> None:
        self.name = name
        self.partners = list(partners)
        self.components = list(components)
        self.capacity = capacity
        self.starts_on = starts_on
        self.ends_on = ends_on
        self.enrolled = 0
        self.closed_at: datetime | None = None

    def join(self, *, actor: Actor, association_id: UUID, components: tuple[Domain, ...]) -> None:
        self._require_manager(actor, association_id)
        self._require_open()
        if association_id in self.partners:
            raise RuleViolation("already a partner", field="association_id")
        unique = tuple(dict.fromkeys(components))  # as everywhere else: duplicates dropped
        self._partner_joined(actor=actor, association_id=association_id, domains=unique)

    @event("PartnerJoined")
    def _partner_joined(
        self, actor: Actor, association_id: UUID, domains: tuple[Domain, ...]
    ) -> None:
        self.partners.append(association_id)
        self.components.extend(Component(association_id, d) for d in domains)

    def leave(self, *, actor: Actor, association_id: UUID) -> None:
        self._require_manager(actor, association_id)
        if association_id not in self.partners:
            raise RuleViolation("not a partner of this programme", field="association_id")
        if len(self.partners) == 1:
            raise RuleViolation(
                "the last partner cannot leave: close the programme", field="association_id"
            )
        if all(c.association_id == association_id for c in self.components):
            raise RuleViolation(
                "the partner delivers every component left: another partner must take one on,"
                " or close the programme",
                field="association_id",
                code="LAST_COMPONENT",
            )
        self._partner_left(actor=actor, association_id=association_id)

    @event("PartnerLeft")
    def _partner_left(self, actor: Actor, association_id: UUID) -> None:
        self.partners.remove(association_id)
        self.components = [c for c in self.components if c.association_id != association_id]

    def close(self, *, actor: Actor, at: datetime) -> None:
        if actor.role not in (Role.NETWORK_ADMIN, Role.SYSTEM):
            raise NotPermitted("only a network admin closes programmes")
        self._require_open()
        self._closed(actor=actor, closed_at=at)

    @event("Closed")
    def _closed(self, actor: Actor, closed_at: datetime) -> None:
        self.closed_at = closed_at

    def require_takes_allocation(self, starts_on: date, ends_on: date) -> None:
        """A resource is allocated to an open programme, within its period: allocated to a
        closed one, or beyond its end, it held capacity nobody would use."""
        self._require_open()
        if self.starts_on is not None and starts_on < self.starts_on:
            msg = "starts_on must not be before the programme starts"
            raise InvalidInput(msg, field="starts_on")
        if self.ends_on is not None and ends_on > self.ends_on:
            raise InvalidInput("ends_on must not be after the programme ends", field="ends_on")

    def admit(self, *, actor: Actor, young_person_id: UUID, on: date) -> None:
        """Takes one place for a young person enrolling `on` that day (the enrolment's business
        time: an enrolment entered late, within the period, is admitted). Saved with the case
        file's event."""
        self._require_open()
        if self.ends_on is not None and on > self.ends_on:
            raise RuleViolation(
                "the programme had ended", field="occurred_at", code="PROGRAMME_CLOSED"
            )
        if self.starts_on is not None and on < self.starts_on:
            raise RuleViolation(
                "the programme had not started", field="occurred_at", code="PROGRAMME_NOT_STARTED"
            )
        if self.capacity is not None and self.enrolled >= self.capacity:
            raise RuleViolation(
                "the programme is full", field="programme_id", code="PROGRAMME_FULL"
            )
        self._place_taken(actor=actor, young_person_id=young_person_id)

    @event("PlaceTaken")
    def _place_taken(self, actor: Actor, young_person_id: UUID) -> None:
        self.enrolled += 1

    def release(self, *, actor: Actor, young_person_id: UUID) -> None:
        self._place_released(actor=actor, young_person_id=young_person_id)

    @event("PlaceReleased")
    def _place_released(self, actor: Actor, young_person_id: UUID) -> None:
        self.enrolled -= 1

    @property
    def partner_set(self) -> frozenset[UUID]:
        return frozenset(self.partners)

    def _require_open(self) -> None:
        if self.closed_at is not None:
            raise RuleViolation(
                "the programme is closed", field="programme_id", code="PROGRAMME_CLOSED"
            )

    @staticmethod
    def _require_manager(actor: Actor, association_id: UUID) -> None:
        own = actor.acts_for(association_id) and actor.role is Role.COORDINATOR
        if not (own or actor.role in (Role.NETWORK_ADMIN, Role.SYSTEM)):
            raise NotPermitted("only the association's coordinator or a network admin may do this")
