"""An intervention: a service delivered by an association's worker, correctable, never edited."""

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from domain.actor import Actor
from domain.errors import NotPermitted, RuleViolation
from domain.privacy.sealed import Sealed
from domain.vocabulary import Domain


@dataclass(frozen=True)
class Intervention:
    id: UUID
    association_id: UUID
    worker_id: str
    domain: Domain
    kind: str
    occurred_at: datetime
    duration_minutes: int | None
    summary: Sealed | None
    goal_id: UUID | None = None
    need_id: UUID | None = None
    programme_id: UUID | None = None
    amendments: int = 0
    retracted_at: datetime | None = None

    def check_correction(self, actor: Actor) -> None:
        """Only the recording association corrects its record, and never a retracted one."""
        if not actor.acts_for(self.association_id):
            raise NotPermitted(
                "only the association that recorded an intervention may correct it",
                field="intervention_id",
            )
        if self.retracted_at is not None:
            raise RuleViolation(
                "the intervention was retracted", field="intervention_id", code="RETRACTED"
            )

    def amended(
        self, summary: Sealed | None, occurred_at: datetime | None, duration_minutes: int | None
    ) -> "Intervention":
        return replace(
            self,
            summary=summary if summary is not None else self.summary,
            occurred_at=occurred_at or self.occurred_at,
            duration_minutes=(
                duration_minutes if duration_minutes is not None else self.duration_minutes
            ),
            amendments=self.amendments + 1,
        )

    def retracted(self, at: datetime) -> "Intervention":
        return replace(self, retracted_at=at)
