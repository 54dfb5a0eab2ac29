"""A consent: for some sensitivities, to every involved association or to named ones."""

from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import UUID

from domain.privacy.sealed import Sealed
from domain.vocabulary import ConsentGiver, Sensitivity


@dataclass(frozen=True)
class Consent:
    id: UUID
    sensitivities: tuple[Sensitivity, ...]
    recipients: tuple[UUID, ...] | None
    """None means every association involved with the young person, now or later."""
    purpose: Sealed
    given_by: ConsentGiver
    given_at: datetime
    expires_on: date | None = None
    withdrawn_at: datetime | None = None

    def is_active(self, on: date) -> bool:
        expired = self.expires_on is not None and on > self.expires_on
        return self.withdrawn_at is None and not expired

    def covers(self, sensitivity: Sensitivity, association: UUID, on: date) -> bool:
        to_them = self.recipients is None or association in self.recipients
        return self.is_active(on) and sensitivity in self.sensitivities and to_them

    def withdrawn(self, at: datetime) -> "Consent":
        return replace(self, withdrawn_at=at)
