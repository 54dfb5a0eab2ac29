"""A shared resource: premises, staff time, material or funding one association pools.

Allocations are periods with a quantity; at no instant may the allocations in force add up to
more than the capacity. The check sweeps the allocations overlapping the new one, so two
allocations that merely touch the new period at different times do not add up.
"""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from domain.rules import require_period, require_range, require_text
from domain.vocabulary import ResourceKind, Role


@dataclass(frozen=True)
class Allocation:
    id: UUID
    programme_id: UUID | None
    association_id: UUID | None
    starts_on: date
    ends_on: date
    quantity: int

    def overlaps(self, starts_on: date, ends_on: date) -> bool:
        return self.starts_on <= ends_on and starts_on <= self.ends_on


def peak_use(allocations: list[Allocation], starts_on: date, ends_on: date) -> int:
    """The largest total quantity in force at any instant of [starts_on, ends_on]."""
    overlapping = [a for a in allocations if a.overlaps(starts_on, ends_on)]
    instants = {max(a.starts_on, starts_on) for a in overlapping}
    return max(
        (sum(a.quantity for a in overlapping if a.starts_on <= t <= a.ends_on) for t in instants),
        default=0,
    )


class SharedResource(Aggregate):
    @classmethod
    def offer(
        cls, *, actor: Actor, association_id: UUID, kind: ResourceKind, name: str, capacity: int
    ) -> "SharedResource":
        return cls(
            actor=actor,
            association_id=association_id,
            kind=kind,
            name=require_text(name, "name"),
            capacity=require_range(capacity, "capacity", 1, 1_000_000_000),
        )

    @event("Offered")
    def __init__(
        self, *, actor: Actor, association_id: UUID, kind: ResourceKind, name: str, capacity: int
    ) -> None:
        self.association_id = association_id
        self.kind = kind
        self.name = name
        self.capacity = capacity
        self.allocations: dict[str, Allocation] = {}
        self.withdrawn_at: datetime | None = None

    def allocate(
        self,
        *,
        actor: Actor,
        allocation_id: UUID,
        programme_id: UUID | None,
        association_id: UUID | None,
        starts_on: date,
        ends_on: date,
        quantity: int,
    ) -> None:
        self.require_owner(actor)
        if self.withdrawn_at is not None:
            raise RuleViolation("the resource was withdrawn", field="resource_id")
        if (programme_id is None) == (association_id is None):
            raise InvalidInput("allocate to a programme or to an association", field="programme_id")
        require_period(starts_on, ends_on)
        require_range(quantity, "quantity", 1, self.capacity)
        peak = peak_use(list(self.allocations.values()), starts_on, ends_on)
        if peak + quantity > self.capacity:
            raise RuleViolation(
                f"only {self.capacity - peak} of {self.capacity} free over that period",
                field="quantity",
                code="OVER_CAPACITY",
            )
        allocation = Allocation(
            allocation_id, programme_id, association_id, starts_on, ends_on, quantity
        )
        self._allocated(actor=actor, allocation=allocation)

    @event("Allocated")
    def _allocated(self, actor: Actor, allocation: Allocation) -> None:
        self.allocations[str(allocation.id)] = allocation

    def release(self, *, actor: Actor, allocation_id: UUID) -> None:
        self.require_owner(actor)
        if str(allocation_id) not in self.allocations:
            raise NotFound("no such allocation", field="allocation_id")
        self._released(actor=actor, allocation_id=allocation_id)

    @event("Released")
    def _released(self, actor: Actor, allocation_id: UUID) -> None:
        del self.allocations[str(allocation_id)]

    def withdraw(self, *, actor: Actor, at: datetime) -> None:
        """Refused while an allocation runs or is to come: withdrawn under it, the resource was
        still promised to a programme or an association that counts on it."""
        self.require_owner(actor)
        if self.withdrawn_at is not None:
            raise RuleViolation("the resource was already withdrawn", field="resource_id")
        if any(a.ends_on >= at.date() for a in self.allocations.values()):
            raise RuleViolation(
                "the resource is allocated now or later: release its allocations first",
                field="resource_id",
                code="RESOURCE_ALLOCATED",
            )
        self._withdrawn(actor=actor, withdrawn_at=at)

    @event("Withdrawn")
    def _withdrawn(self, actor: Actor, withdrawn_at: datetime) -> None:
        self.withdrawn_at = withdrawn_at

    def require_owner(self, actor: Actor) -> None:
        own = actor.acts_for(self.association_id) and actor.role is Role.COORDINATOR
        if not (own or actor.role in (Role.NETWORK_ADMIN, Role.SYSTEM)):
            raise NotPermitted("only a coordinator of the offering association may do this")
