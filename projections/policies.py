"""Policies: processes that read the projections and ask the ledger to act.

The referral expiry policy turns "unanswered for N days" into a real `ReferralExpired` event
instead of a guess at query time. It runs in the projection worker; the command it issues is
idempotent per referral, so two runs (or two workers after a failover) expire a referral once.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from projections.cases import CasesProjection
from projections.queries.served import Reader
from projections.store import ReadStore, moment

log = logging.getLogger("parcours.policies")
ExpireReferral = Callable[[UUID, UUID, int], object]
"""(young person id, referral id, expiry days) → issues the ledger's expiry command."""


class Policy(Protocol):
    def run_once(self) -> int: ...


class RefusedError(Exception):
    """What the expiry command raises when the ledger refuses (already answered, not due)."""


class ReferralExpiry:
    def __init__(
        self,
        store: ReadStore,
        expire: ExpireReferral,
        expiry_days: int,
        clock: Callable[[], datetime],
        refused: tuple[type[Exception], ...] = (RefusedError,),
    ) -> None:
        self._store = store
        self._expire = expire
        self._days = expiry_days
        self._clock = clock
        self._refused = refused

    def due(self) -> list[tuple[UUID, UUID]]:
        """Unanswered referrals past their delay. Not those of an erased case: the ledger
        refuses any new fact on it, so one erased before erasures ended open referrals would
        be offered again at every run."""
        cutoff = moment(self._clock() - timedelta(days=self._days))
        with self._store.transaction() as tx:
            rows = Reader(tx, CasesProjection).all(
                "SELECT r.young_person_id, r.referral_id FROM {cases_referrals} r"
                " JOIN {cases_cases} c ON c.young_person_id = r.young_person_id"
                " WHERE r.status = 'MADE' AND r.awaiting_since <= ? AND c.erased_at IS NULL"
                " ORDER BY r.awaiting_since",
                (cutoff,),
            )
        return [(UUID(str(r[0])), UUID(str(r[1]))) for r in rows]

    def run_once(self) -> int:
        expired = 0
        for young_person_id, referral_id in self.due():
            try:
                self._expire(young_person_id, referral_id, self._days)
            except self._refused as refusal:
                log.info("referral %s not expired: %s", referral_id, refusal)
                continue
            expired += 1
        return expired
