"""Who did something: carried by every event so auditors can read who did what."""

from dataclasses import dataclass
from uuid import UUID

from domain.vocabulary import Role


@dataclass(frozen=True)
class Actor:
    user_id: str
    role: Role
    association_id: UUID | None = None

    def acts_for(self, association_id: UUID) -> bool:
        return self.association_id == association_id


SYSTEM_ACTOR = Actor(user_id="parcours", role=Role.SYSTEM)
"""The actor of events the ledger emits by itself (a referral expiring, for instance)."""
