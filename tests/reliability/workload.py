"""What the soak's clients do: the daily work of a network of associations, over GraphQL.

An admin registers the associations; then each client thread is one worker of one association
who enrols young people (their association leads those cases), records interventions,
identifies needs, refers cases to other associations and answers the referrals addressed to
their own. A share of acknowledged commands is sent once more with the same key, as a client
does when an answer is lost, and must come back with the same id.
"""

import random
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from api.graphql.ids import to_global
from domain.actor import Actor
from domain.vocabulary import Role
from tests.reliability.client import KINDS, Ack, Client, Command, Refusal, Tally
from tests.reliability.processes import Fleet

DOMAINS = ("EDUCATION", "HOUSING", "MENTAL_HEALTH", "MENTORING", "EMPLOYMENT_TRAINING")
TERRITORIES = ("93", "75", "94", "92")
ADMIN = Actor("soak-admin", Role.NETWORK_ADMIN)


@dataclass
class Journal:
    """Every final answer the clients got, for the checks."""

    acks: list[Ack] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    replays: int = 0
    replay_mismatches: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, answer: Ack | Refusal | None) -> None:
        with self._lock:
            if isinstance(answer, Ack):
                self.acks.append(answer)
            elif isinstance(answer, Refusal):
                self.refusals.append(answer)

    def kinds(self) -> Counter[str]:
        return Counter(ack.command.kind.name for ack in self.acks)

    def replayed(self, first: Ack, again: Ack | Refusal | None) -> None:
        with self._lock:
            self.replays += 1
            if not isinstance(again, Ack) or again.outcome != first.outcome:
                self.replay_mismatches.append(f"{first.command.key}: {first.outcome} then {again}")


class Inboxes:
    """Referrals waiting for an answer, by addressee: each is taken (and answered) once."""

    def __init__(self, associations: list[UUID]) -> None:
        self._waiting: dict[UUID, deque[UUID]] = {a: deque() for a in associations}
        self._lock = threading.Lock()

    def post(self, addressee: UUID, referral: UUID) -> None:
        with self._lock:
            self._waiting[addressee].append(referral)

    def take(self, association: UUID) -> UUID | None:
        with self._lock:
            waiting = self._waiting[association]
            return waiting.popleft() if waiting else None


@dataclass
class Network:
    """The registered associations and what the load shares between its threads."""

    associations: list[UUID]
    inboxes: Inboxes
    journal: Journal
    tally: Tally
    run: str


def command(kind: str, actor: Actor, key: str, /, **input: Any) -> Command:
    return Command(KINDS[kind], actor, key, {**input, "idempotencyKey": key})


def register_network(fleet: Fleet, count: int, journal: Journal, tally: Tally) -> Network:
    """The associations, registered over HTTP by a network admin (with keys, like any command)."""
    run = f"{random.getrandbits(48):012x}"
    client = Client(fleet.urls, fleet.instance.token(ADMIN), tally)
    associations = []
    try:
        for n in range(count):
            competences = [{"domain": d, "monthlyCapacity": 10_000} for d in DOMAINS]
            answer = client.send(
                command(
                    "association",
                    ADMIN,
                    f"{run}:association:{n}",
                    name=f"Association {n}",
                    territory=TERRITORIES[n % len(TERRITORIES)],
                    competences=competences,
                )
            )
            assert isinstance(answer, Ack), f"association {n} not registered: {answer}"
            journal.record(answer)
            associations.append(answer.outcome)
    finally:
        client.close()
    return Network(associations, Inboxes(associations), journal, tally, run)


def worker(number: int, network: Network) -> Actor:
    """The soak's n-th worker; the workers are spread over the associations."""
    association = network.associations[number % len(network.associations)]
    return Actor(f"soak-worker-{number}", Role.WORKER, association)


class Desk:
    """One worker at their desk: the cases they enrolled and what to do next."""

    def __init__(self, actor: Actor, network: Network, client: Client, replay_share: float) -> None:
        self.actor = actor
        self.network = network
        self.client = client
        self.replay_share = replay_share
        self.cases: list[UUID] = []
        self.random = random.Random(f"{network.run}:{actor.user_id}")
        self._sequence = 0

    def work(self, stop: threading.Event) -> None:
        """Commands one after the other until `stop`; the one in flight is always finished. A
        crash of the client itself is tallied as an error, so it cannot pass unnoticed."""
        try:
            self._work(stop)
        except Exception as error:
            self.network.tally.add(self.network.tally.errors, f"client crashed: {error!r}")

    def _work(self, stop: threading.Event) -> None:
        while not stop.is_set():
            next_command, addressee = self.next_command()
            answer = self.client.send(next_command)
            self.network.journal.record(answer)
            if isinstance(answer, Ack):
                self.learn(answer, addressee)
                if self.random.random() < self.replay_share:
                    self.network.journal.replayed(answer, self.client.send(next_command))

    def learn(self, ack: Ack, addressee: UUID | None) -> None:
        if ack.command.kind.name == "enrol":
            self.cases.append(ack.outcome)
        elif ack.command.kind.name == "referral" and addressee is not None:
            self.network.inboxes.post(addressee, ack.outcome)

    def next_command(self) -> tuple[Command, UUID | None]:
        """A referral addressed to us first, sometimes; otherwise work on our cases."""
        association = self.actor.association_id
        assert association is not None
        if self.random.random() < 0.4:
            referral = self.network.inboxes.take(association)
            if referral is not None:
                return self.answer(referral), None
        if not self.cases or self.random.random() < 0.12:
            return self.enrol(), None
        case = self.random.choice(self.cases)
        choice = self.random.random()
        if choice < 0.6:
            return self.intervention(case), None
        if choice < 0.8:
            return self.need(case), None
        return self.referral(case)

    def key(self) -> str:
        self._sequence += 1
        return f"{self.network.run}:{self.actor.user_id}:{self._sequence}"

    def enrol(self) -> Command:
        born = datetime(2006, 1, 1, tzinfo=UTC) + timedelta(days=self.random.randrange(4000))
        personal = {
            "firstName": self.random.choice(("Camille", "Yanis", "Inès", "Noah", "Lina")),
            "lastName": self.random.choice(("Martin", "Diallo", "Nguyen", "Bernard")),
            "dateOfBirth": born.date().isoformat(),
            "contact": f"06 {self.random.randrange(10**8):08d}",
        }
        territory = self.random.choice(TERRITORIES)
        return command("enrol", self.actor, self.key(), personalData=personal, territory=territory)

    def intervention(self, case: UUID) -> Command:
        occurred = datetime.now(UTC) - timedelta(minutes=self.random.randrange(1, 60 * 24 * 30))
        return command(
            "intervention",
            self.actor,
            self.key(),
            youngPersonId=to_global("YoungPerson", case),
            domain=self.random.choice(DOMAINS),
            kind=self.random.choice(("session", "home visit", "phone call", "workshop")),
            occurredAt=occurred.isoformat(),
            durationMinutes=self.random.randrange(10, 180),
            summary=f"soak note {self.random.getrandbits(32):08x}",
        )

    def need(self, case: UUID) -> Command:
        return command(
            "need",
            self.actor,
            self.key(),
            youngPersonId=to_global("YoungPerson", case),
            domain=self.random.choice(DOMAINS),
            severity=self.random.randint(1, 5),
            description="identified during the soak",
        )

    def referral(self, case: UUID) -> tuple[Command, UUID]:
        others = [a for a in self.network.associations if a != self.actor.association_id]
        addressee = self.random.choice(others)
        made = command(
            "referral",
            self.actor,
            self.key(),
            youngPersonId=to_global("YoungPerson", case),
            toAssociationId=to_global("Association", addressee),
            domain=self.random.choice(DOMAINS),
            reason="needs a partner's service",
        )
        return made, addressee

    def answer(self, referral: UUID) -> Command:
        referral_id = to_global("Referral", referral)
        if self.random.random() < 0.7:
            return command("accept", self.actor, self.key(), referralId=referral_id)
        return command(
            "decline", self.actor, self.key(), referralId=referral_id, reason="AT_CAPACITY"
        )
