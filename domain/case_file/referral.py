"""A referral: association A asks association B to serve the young person in a domain."""

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from domain.actor import Actor
from domain.errors import NotPermitted, RuleViolation
from domain.privacy.sealed import Sealed
from domain.vocabulary import DeclineReason, Domain, ReferralStatus

S = ReferralStatus
_ALLOWED: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    S.MADE: frozenset({S.ACCEPTED, S.DECLINED, S.WITHDRAWN, S.EXPIRED}),
    S.ACCEPTED: frozenset({S.COMPLETED, S.WITHDRAWN}),
}
_BY_ADDRESSEE = frozenset({S.ACCEPTED, S.DECLINED, S.COMPLETED})
_BY_SENDER = frozenset({S.WITHDRAWN})

OPEN_STATUSES = frozenset({S.MADE, S.ACCEPTED})


def can_move(current: ReferralStatus, target: ReferralStatus) -> bool:
    return target in _ALLOWED.get(current, frozenset())


@dataclass(frozen=True)
class Referral:
    id: UUID
    from_association: UUID
    to_association: UUID
    domain: Domain
    need_id: UUID | None
    reason: Sealed | None
    status: ReferralStatus
    made_at: datetime
    awaiting_since: datetime
    """When the ledger learned of it: the expiry clock starts here, not at a late `made_at`."""
    responded_at: datetime | None = None
    completed_at: datetime | None = None
    closed_at: datetime | None = None
    decline_reason: DeclineReason | None = None

    def check_move(self, target: ReferralStatus, actor: Actor | None) -> None:
        """Refuses a move asked by the wrong party, then one DESIGN.md does not allow.

        The party is checked first, so an association with no part in a referral learns nothing
        of its state. `actor` is None for the ledger's own moves (expiry).
        """
        if target in _BY_ADDRESSEE and not (actor and actor.acts_for(self.to_association)):
            raise NotPermitted("only the addressed association may do this", field="referral_id")
        if target in _BY_SENDER and not (actor and actor.acts_for(self.from_association)):
            raise NotPermitted("only the sending association may withdraw", field="referral_id")
        if not can_move(self.status, target):
            raise RuleViolation(
                f"a {self.status.value} referral cannot become {target.value}",
                field="referral_id",
                code="REFERRAL_TRANSITION_NOT_ALLOWED",
            )

    def moved(self, target: ReferralStatus, at: datetime) -> "Referral":
        responded = at if target in (S.ACCEPTED, S.DECLINED) else None
        return replace(
            self,
            status=target,
            responded_at=self.responded_at or responded,
            completed_at=at if target is S.COMPLETED else self.completed_at,
            closed_at=self.closed_at if target is S.ACCEPTED else at,
        )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
