"""The bounds of a case file's business time: the present, and the young person's birth."""

from dataclasses import dataclass
from datetime import date, datetime

from domain.errors import InvalidInput
from domain.rules import require_occurred_at


@dataclass(frozen=True)
class CaseTime:
    """Handed to every case-file command: facts are dated between birth and now (+5 minutes).

    The date of birth is sealed in the case file, so the ledger opens it and passes it here;
    `None` when it cannot be read any more (erased).
    """

    now: datetime
    born_on: date | None

    def occurred(self, occurred_at: datetime, field: str = "occurred_at") -> datetime:
        return require_occurred_at(occurred_at, self.now, self.born_on, field)

    def after(
        self, occurred_at: datetime, earlier: datetime, what: str, field: str = "occurred_at"
    ) -> datetime:
        """A fact that answers or ends another (a referral accepted, a goal achieved) is not
        dated before it: views of the case as at a business time would contradict themselves
        (an answer before its question, a negative delay in the indicators)."""
        moment = self.occurred(occurred_at, field)
        if moment < earlier:
            msg = f"{field} must not be before {what} ({earlier.isoformat()})"
            raise InvalidInput(msg, field=field)
        return moment
