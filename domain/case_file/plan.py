"""The individual action plan: goals with a domain, a description and a target date."""

from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import UUID

from domain.privacy.sealed import Sealed
from domain.vocabulary import Domain, GoalStatus


@dataclass(frozen=True)
class Goal:
    id: UUID
    domain: Domain
    description: Sealed
    target_date: date | None
    added_at: datetime
    progress: int = 0
    status: GoalStatus = GoalStatus.OPEN
    reviewed_at: datetime | None = None
    added_by: UUID | None = None
    """The association that set the goal: its description is that association's writing."""

    def reviewed(self, progress: int, at: datetime) -> "Goal":
        return replace(self, progress=progress, reviewed_at=at)

    def ended(self, status: GoalStatus, at: datetime) -> "Goal":
        progress = 100 if status is GoalStatus.ACHIEVED else self.progress
        return replace(self, status=status, progress=progress, reviewed_at=at)
