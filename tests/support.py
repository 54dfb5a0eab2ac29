"""Test helpers: a frozen clock, a small network of associations, given/when/then over events."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from domain.actor import Actor
from domain.ledger import Ledger
from domain.ledger.receipt_rows import IN_MEMORY
from domain.network.association import competence
from domain.privacy import cipher
from domain.privacy.keyring import KeyEncryptionKey
from domain.privacy.keystore import InMemoryKeyStore
from domain.privacy.vault import Vault
from domain.vocabulary import Domain, Role

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BIRTH = date(2010, 5, 17)


class FrozenClock:
    """Time stands still until a test moves it, so decisions about time are reproducible."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def memory_vault() -> Vault:
    return Vault(InMemoryKeyStore(), KeyEncryptionKey("test-kek", cipher.new_key()))


def memory_ledger(clock: FrozenClock | None = None, vault: Vault | None = None) -> Ledger:
    return Ledger(
        IN_MEMORY,
        vault or memory_vault(),
        clock or FrozenClock(),
    )


@dataclass
class Network:
    """Three registered associations (A leads, B and C are partners) and their people."""

    ledger: Ledger
    clock: FrozenClock
    admin: Actor
    a: UUID
    b: UUID
    c: UUID
    worker_a: Actor
    worker_b: Actor
    worker_c: Actor
    coordinator_a: Actor
    coordinator_b: Actor

    def enrol(self, actor: Actor | None = None, **overrides: object) -> UUID:
        fields: dict[str, object] = {
            "first_name": "Camille",
            "last_name": "Martin",
            "date_of_birth": BIRTH,
            "territory": "93",
            "contact": "06 12 34 56 78",
        }
        fields.update(overrides)
        return self.ledger.enrol_young_person(actor or self.worker_a, **fields)  # type: ignore[arg-type]

    def intervene(self, young_person: UUID, kind: str = "visit", key: str | None = None) -> UUID:
        """Worker A records an education intervention of an hour ago (with `key` as its
        idempotency key, if given)."""
        return self.ledger.record_intervention(
            self.worker_a,
            young_person,
            domain=Domain.EDUCATION,
            kind=kind,
            occurred_at=self.clock.now - timedelta(hours=1),
            idempotency_key=key,
        )

    def position(self) -> int:
        return self.ledger.recorder.max_notification_id() or 0

    def events_since(self, position: int) -> list[str]:
        """Names of the events recorded after `position` (receipts are not events)."""
        notifications = self.ledger.recorder.select_notifications(start=position + 1, limit=1000)
        return [n.topic.rsplit(".", 1)[-1] for n in notifications]

    def then(self, when: Callable[[], object]) -> list[str]:
        """Runs the command and returns the events it recorded."""
        before = self.position()
        when()
        return self.events_since(before)


def build_network(ledger: Ledger, clock: FrozenClock) -> Network:
    admin = Actor("admin", Role.NETWORK_ADMIN)
    a = ledger.register_association(
        admin,
        name="Association A",
        territory="93",
        competences=(competence(Domain.EDUCATION, 20, None),),
    )
    b = ledger.register_association(
        admin,
        name="Association B",
        territory="93",
        competences=(competence(Domain.HOUSING, 5, None),),
    )
    c = ledger.register_association(
        admin,
        name="Association C",
        territory="75",
        competences=(competence(Domain.MENTAL_HEALTH, 8, None),),
    )
    return Network(
        ledger=ledger,
        clock=clock,
        admin=admin,
        a=a,
        b=b,
        c=c,
        worker_a=Actor("worker-a", Role.WORKER, a),
        worker_b=Actor("worker-b", Role.WORKER, b),
        worker_c=Actor("worker-c", Role.WORKER, c),
        coordinator_a=Actor("coord-a", Role.COORDINATOR, a),
        coordinator_b=Actor("coord-b", Role.COORDINATOR, b),
    )
