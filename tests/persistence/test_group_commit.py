"""Group commit: commands arriving together are saved together, and each keeps its own fate.

A blocker job holds the committer while other threads submit, so the next batch is known to
hold all of them; what is asserted is what the store holds afterwards, on both backends.
"""

import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from functools import partial
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError

from api.bootstrap import Parcours
from domain.errors import DomainError, NotFound
from domain.ledger.appending import Encoded
from domain.ledger.group_commit import Job
from domain.ledger.receipt import CommandReceipt
from domain.vocabulary import Domain
from tests.conftest import Instances
from tests.support import build_network


class HeldCommitter:
    """Keeps the committer busy with a blocker job until released, so submissions queue up."""

    def __init__(self, parcours: Parcours) -> None:
        self.parcours = parcours
        self.running = threading.Event()
        self.release = threading.Event()
        self._thread = threading.Thread(target=self._block)

    def _block(self) -> None:
        def decide() -> tuple[UUID, list[CommandReceipt]]:
            self.running.set()
            assert self.release.wait(10)
            return uuid4(), []

        self.parcours.ledger.committer.submit(Job("block", None, None, decide))

    def __enter__(self) -> "HeldCommitter":
        self._thread.start()
        assert self.running.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._thread.join(10)


def submit_all(calls: list[Callable[[], UUID]], held: HeldCommitter) -> list[UUID | Exception]:
    """Runs each call in its own thread while the committer is held, then releases it."""
    results: list[UUID | Exception | None] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            results[index] = calls[index]()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    committer = held.parcours.ledger.committer
    while len(committer._pending) < len(calls):
        threading.Event().wait(0.005)
    held.release.set()
    for thread in threads:
        thread.join(30)
    return [r for r in results if r is not None]


def test_commands_submitted_together_are_saved_in_one_batch(instances: Instances) -> None:
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    people = [network.enrol() for _ in range(3)]
    calls: list[Callable[[], UUID]] = [
        partial(network.intervene, yp, f"visit {n}") for n, yp in enumerate(people * 4)
    ]
    batches_before = parcours.ledger.committer.batches

    with HeldCommitter(parcours) as held:
        results = submit_all(calls, held)

    assert all(isinstance(r, UUID) for r in results)
    assert parcours.ledger.committer.largest_batch == len(calls)
    assert parcours.ledger.committer.batches == batches_before + 2
    fresh = instances.start().ledger
    recorded = {UUID(i) for yp in people for i in fresh.young_person(yp).interventions}
    assert recorded == set(results)


def test_a_refused_command_in_a_batch_fails_alone(instances: Instances) -> None:
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    young_person = network.enrol()
    calls: list[Callable[[], UUID]] = [
        lambda: network.intervene(young_person, "before"),
        lambda: network.intervene(uuid4(), "nobody"),
        lambda: network.intervene(young_person, "after"),
    ]

    with HeldCommitter(parcours) as held:
        results = submit_all(calls, held)

    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1
    assert isinstance(refused[0], NotFound)
    assert refused[0].field == "young_person_id"
    fresh = instances.start().ledger.young_person(young_person)
    assert sorted(i.kind for i in fresh.interventions.values()) == ["after", "before"]


def test_one_key_submitted_twice_in_a_batch_has_one_effect(instances: Instances) -> None:
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    young_person = network.enrol()
    calls: list[Callable[[], UUID]] = [
        lambda: network.intervene(young_person, "visit", key="same-visit"),
        lambda: network.intervene(young_person, "other"),
        lambda: network.intervene(young_person, "visit", key="same-visit"),
    ]

    with HeldCommitter(parcours) as held:
        results = submit_all(calls, held)

    assert all(isinstance(r, UUID) for r in results)
    assert results[0] == results[2]
    fresh = instances.start().ledger.young_person(young_person)
    assert sorted(i.kind for i in fresh.interventions.values()) == ["other", "visit"]


@pytest.mark.parametrize("writers", [16])
def test_concurrent_writers_lose_and_duplicate_nothing(instances: Instances, writers: int) -> None:
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    people = [network.enrol() for _ in range(4)]
    acknowledged: list[UUID] = []
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        for n in range(10):
            try:
                acknowledged.append(
                    network.intervene(people[(writer + n) % 4], "visit", key=f"w{writer}-{n}")
                )
            except BaseException as error:
                errors.append(error)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert len(set(acknowledged)) == writers * 10
    fresh = instances.start().ledger
    stored = [UUID(i) for yp in people for i in fresh.young_person(yp).interventions]
    assert sorted(stored) == sorted(acknowledged)


def test_a_writer_with_a_stale_working_set_decides_again(instances: Instances) -> None:
    first = instances.start()
    network = build_network(first.ledger, instances.clock)
    young_person = network.enrol()
    other = instances.start().ledger
    replace(network, ledger=other).intervene(young_person, "warm the cache")

    network.intervene(young_person, "written elsewhere")
    referral = network.ledger.make_referral(
        network.worker_a,
        young_person,
        to_association_id=network.b,
        domain=Domain.HOUSING,
        reason="needs a flat",
    )
    elsewhere = replace(network, ledger=other)
    accepted = other.accept_referral(network.worker_b, young_person, referral_id=referral)
    elsewhere.intervene(young_person, "after")

    assert accepted == referral
    fresh = instances.start().ledger.young_person(young_person)
    assert sorted(i.kind for i in fresh.interventions.values()) == [
        "after",
        "warm the cache",
        "written elsewhere",
    ]


def test_a_batch_refused_in_flight_runs_again_and_so_does_the_one_decided_on_it(
    instances: Instances,
) -> None:
    """While a batch is written, the next is decided on its state. Another process writes to
    the same case file first, so the batch in flight collides: its commands run again on fresh
    state, and the batch decided on top of it is decided again too — nothing lost, nothing
    twice."""
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    young_person = network.enrol()
    intruder = replace(network, ledger=instances.start().ledger)
    ledger = parcours.ledger
    ledger.committer._max_batch = 3  # batches of three, more waiting: the pipeline fills
    sent: list[Future[None]] = []
    send = ledger.appender.send

    def send_after_an_intruder(encoded: Encoded) -> Future[None]:
        if not sent:
            intruder.intervene(young_person, "written elsewhere meanwhile")
        sent.append(send(encoded))
        return sent[-1]

    ledger.appender.send = send_after_an_intruder  # type: ignore[method-assign]
    calls: list[Callable[[], UUID]] = [
        partial(network.intervene, young_person, f"visit {n}", f"key {n}") for n in range(9)
    ]

    with HeldCommitter(parcours) as held:
        results = submit_all(calls, held)

    assert len(sent) >= 2
    assert isinstance(sent[0].exception(), IntegrityError)
    assert all(isinstance(r, UUID) for r in results)
    fresh = instances.start().ledger.young_person(young_person)
    assert sorted(i.kind for i in fresh.interventions.values()) == sorted(
        [f"visit {n}" for n in range(9)] + ["written elsewhere meanwhile"]
    )
    assert {UUID(i) for i in fresh.interventions} >= set(results)
