"""The ledger service's machinery: persistence wiring, idempotency, optimistic retries.

Every command is load, decide, save. `execute` adds what every command needs: a retried command
with the same idempotency key returns its first outcome, and a command that lost an optimistic
concurrency race is decided again on fresh state (a few times) instead of failing.
"""

import random
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from domain.actor import Actor
from domain.case_file.young_person import YoungPerson
from domain.errors import NotFound, RuleViolation
from domain.ledger.receipt import CommandReceipt, receipt_id
from domain.ledger.transcodings import register_domain_transcodings
from domain.network.programme import Programme
from domain.privacy.vault import Vault

Clock = Callable[[], datetime]
Decision = tuple[UUID, Sequence[Aggregate]]
"""What a command decided: its outcome (the id it created or changed) and what to save."""

A = TypeVar("A", bound=Aggregate)
MAX_ATTEMPTS = 12
SNAPSHOT_INTERVAL = 100


def _back_off(attempt: int) -> None:
    """Randomised, growing pause after a lost race, so contenders stop colliding in step."""
    time.sleep(random.uniform(0, 0.002 * 2 ** min(attempt, 6)))  # noqa: S311 - jitter only


def utc_now() -> datetime:
    return datetime.now(UTC)


class ConcurrencyConflict(RuleViolation):
    code = "CONCURRENT_UPDATE"


class LedgerCore(Application[UUID]):
    snapshotting_intervals = {YoungPerson: SNAPSHOT_INTERVAL}

    def __init__(self, env: Mapping[str, str], vault: Vault, clock: Clock = utc_now) -> None:
        super().__init__(env=dict(env))
        self.vault = vault
        self.clock = clock

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)

    def execute(
        self,
        command: str,
        actor: Actor,
        idempotency_key: str | None,
        decide: Callable[[], Decision],
        target: UUID | None = None,
    ) -> UUID:
        """Runs `decide` and saves what it decided, once per idempotency key.

        `target` is what the command acts on (a case file, an association…): a key reused for
        another command or another target is a client error, not a retry, and is refused.
        """
        receipt = None if idempotency_key is None else receipt_id(actor, idempotency_key)
        for attempt in range(MAX_ATTEMPTS):
            if receipt is not None and (first := self._receipt(receipt)) is not None:
                return first.outcome_for(command, target)
            outcome, aggregates = decide()
            issued = (
                []
                if receipt is None
                else [CommandReceipt(id=receipt, command=command, target=target, outcome=outcome)]
            )
            try:
                self.save(*aggregates, *issued)
            except IntegrityError:
                _back_off(attempt)
                continue
            return outcome
        raise ConcurrencyConflict("the record kept changing under this command: retry it")

    def load(self, kind: type[A], aggregate_id: UUID, field: str) -> A:
        """The aggregate of that kind, or a `NotFound` naming the input field that named it."""
        found: object
        try:
            found = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            found = None
        if not isinstance(found, kind):
            what = field.removesuffix("_id").replace("_", " ")
            raise NotFound(f"no such {what}", field=field)
        return found

    def young_person(self, young_person_id: UUID) -> YoungPerson:
        return self.load(YoungPerson, young_person_id, "young_person_id")

    def young_person_as_of(
        self, young_person_id: UUID, recorded_at: datetime
    ) -> YoungPerson | None:
        """The case file as the ledger knew it at `recorded_at` (None before its enrolment).

        An auditor's question, answered from the events themselves: folds the stream up to the
        last event recorded at or before that time (snapshots are left out on purpose — they
        are taken later than the moment asked about).
        """
        state: object = None
        for event in self.events.get(young_person_id):
            if event.timestamp > recorded_at:  # type: ignore[attr-defined]
                break
            state = event.mutate(state)  # type: ignore[attr-defined]
        return state if isinstance(state, YoungPerson) else None

    def programme_partners(self, young_person: YoungPerson) -> frozenset[UUID]:
        """Partners of the programmes the young person is enrolled in: they are involved too."""
        partners: set[UUID] = set()
        for programme_id in young_person.programme_ids:
            partners.update(self.load(Programme, programme_id, "programme_id").partners)
        return frozenset(partners)

    def born_on(self, young_person: YoungPerson) -> date | None:
        opened = self.vault.open(young_person.personal.date_of_birth)
        return None if opened is None else date.fromisoformat(opened)

    def _receipt(self, receipt: UUID) -> CommandReceipt | None:
        try:
            found: Any = self.repository.get(receipt)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, CommandReceipt) else None
