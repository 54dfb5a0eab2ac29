"""A handover: the lead association hands the lead (and the referent) to another association."""

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from domain.actor import Actor
from domain.errors import NotPermitted, RuleViolation
from domain.privacy.sealed import Sealed
from domain.vocabulary import HandoverStatus

H = HandoverStatus


@dataclass(frozen=True)
class Handover:
    id: UUID
    from_association: UUID
    to_association: UUID
    summary: Sealed | None
    status: HandoverStatus
    proposed_at: datetime
    responded_at: datetime | None = None

    def check_response(self, target: HandoverStatus, actor: Actor) -> None:
        if self.status is not H.PROPOSED:
            raise RuleViolation(
                f"a {self.status.value} handover cannot become {target.value}",
                field="handover_id",
                code="HANDOVER_TRANSITION_NOT_ALLOWED",
            )
        party = self.from_association if target is H.CANCELLED else self.to_association
        if not actor.acts_for(party):
            who = "proposing" if target is H.CANCELLED else "addressed"
            raise NotPermitted(f"only the {who} association may do this", field="handover_id")

    def responded(self, target: HandoverStatus, at: datetime) -> "Handover":
        return replace(self, status=target, responded_at=at)

    @property
    def is_pending(self) -> bool:
        return self.status is H.PROPOSED
