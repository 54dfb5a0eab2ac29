"""A need identified for a young person in a domain, later met or closed."""

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from domain.privacy.sealed import Sealed
from domain.vocabulary import Domain, NeedStatus


@dataclass(frozen=True)
class Need:
    id: UUID
    domain: Domain
    severity: int
    description: Sealed | None
    identified_at: datetime
    identified_by: UUID
    status: NeedStatus = NeedStatus.OPEN
    met_at: datetime | None = None
    closed_at: datetime | None = None

    def met(self, at: datetime) -> "Need":
        return replace(self, status=NeedStatus.MET, met_at=at)

    def closed(self, at: datetime) -> "Need":
        return replace(self, status=NeedStatus.CLOSED, closed_at=at)
