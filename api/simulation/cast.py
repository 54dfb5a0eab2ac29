"""The cast of a simulated network: who exists, so a demo can act and print tokens for them.

A plain, frozen record of ids and user ids; it holds no ledger and no personal data of young
people, only the associations, programmes and workers the simulator created.
"""

from dataclasses import dataclass
from uuid import UUID

from domain.actor import Actor
from domain.vocabulary import Role


@dataclass(frozen=True)
class Member:
    """A user of the network: a worker, a coordinator or the network admin."""

    user_id: str
    role: Role
    association_id: UUID | None
    title: str

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.role, self.association_id)

    def as_dict(self) -> dict[str, object]:
        return {
            "user_id": self.user_id,
            "role": self.role.value,
            "association_id": None if self.association_id is None else str(self.association_id),
            "title": self.title,
        }


@dataclass(frozen=True)
class AssociationCast:
    id: UUID
    key: str
    name: str
    territory: str
    domains: tuple[str, ...]
    coordinator: Member
    workers: tuple[Member, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "id": str(self.id),
            "key": self.key,
            "name": self.name,
            "territory": self.territory,
            "domains": list(self.domains),
            "coordinator": self.coordinator.as_dict(),
            "workers": [w.as_dict() for w in self.workers],
        }


@dataclass(frozen=True)
class ProgrammeCast:
    id: UUID
    key: str
    name: str
    partners: tuple[UUID, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "id": str(self.id),
            "key": self.key,
            "name": self.name,
            "partners": [str(p) for p in self.partners],
        }


@dataclass(frozen=True)
class Cast:
    admin: Member
    associations: tuple[AssociationCast, ...]
    programmes: tuple[ProgrammeCast, ...]

    @property
    def territories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.territory for a in self.associations))

    @property
    def members(self) -> tuple[Member, ...]:
        people = [self.admin]
        for association in self.associations:
            people.extend((association.coordinator, *association.workers))
        return tuple(people)

    def member(self, user_id: str) -> Member:
        for candidate in self.members:
            if candidate.user_id == user_id:
                return candidate
        raise KeyError(user_id)

    def association_of(self, user_id: str) -> UUID | None:
        """Which association a worker or coordinator belongs to (None for the network admin)."""
        return self.member(user_id).association_id

    def association(self, key: str) -> AssociationCast:
        return next(a for a in self.associations if a.key == key)

    def as_dict(self) -> dict[str, object]:
        return {
            "admin": self.admin.as_dict(),
            "territories": list(self.territories),
            "associations": [a.as_dict() for a in self.associations],
            "programmes": [p.as_dict() for p in self.programmes],
        }
