"""A decision that is replaced by another leaves no subject key behind.

The ledger decides a command again when its first decision was not saved: its batch could not
be decided whole, or its append lost a race. An enrolment decides a new young person (a new id,
a new key) each time, so the first key sealed nothing that was saved; it used to stay in the key
store for ever.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.ledger import ConcurrencyConflict, fingerprints
from domain.ledger.group_commit import Job
from domain.ledger.receipt import Receipt
from domain.vocabulary import Domain
from tests.domain.givens import jobs_of
from tests.support import BIRTH, Network


def stored_keys(network: Network) -> set[UUID]:
    """The subjects whose key the key store holds (white-box: orphan keys are the point), but
    the fingerprints' secret, made by the first keyed command."""
    return set(network.ledger.vault._store._keys) - {fingerprints.SECRET}  # type: ignore[attr-defined]


def enrolment_and_intervention(network: Network, person: UUID, occurred_at: datetime) -> list[Job]:
    """A batch of two jobs: an enrolment, then an intervention on `person` at that time."""
    return jobs_of(
        network,
        [
            lambda: network.enrol(first_name="Inès"),
            lambda: network.ledger.record_intervention(
                network.worker_a,
                person,
                domain=Domain.EDUCATION,
                kind="visit",
                occurred_at=occurred_at,
            ),
        ],
    )


def test_an_enrolment_decided_again_alone_keeps_only_the_key_of_the_saved_young_person(
    network: Network,
) -> None:
    """The batch holds a command refused (dated tomorrow): it cannot be decided whole, so each
    command is decided again alone, and the enrolment creates a second young person."""
    person = network.enrol()
    before = stored_keys(network)
    ledger = network.ledger
    jobs = enrolment_and_intervention(network, person, network.clock.now + timedelta(days=1))

    ledger._run_batch(jobs)

    enrolled = jobs[0].result()
    assert jobs[1].error is not None
    assert stored_keys(network) - before == {enrolled}
    assert ledger.young_person(enrolled).personal.first_name is not None


def test_an_enrolment_whose_append_lost_a_race_keeps_one_key(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = network.ledger
    append = ledger._append
    lost = [IntegrityError("duplicate key value violates unique constraint")]

    def losing_once(aggregates: Sequence[Aggregate], receipts: Sequence[Receipt] = ()) -> None:
        if lost:
            raise lost.pop()
        append(aggregates, receipts)

    monkeypatch.setattr(ledger, "_append", losing_once)
    before = stored_keys(network)

    enrolled = ledger.enrol_young_person(
        network.worker_a,
        first_name="Inès",
        last_name="Bensaïd",
        date_of_birth=BIRTH,
        territory="93",
    )

    assert not lost
    assert stored_keys(network) - before == {enrolled}


def test_an_enrolment_retried_with_its_idempotency_key_leaves_no_second_key(
    network: Network,
) -> None:
    """A retry decides again (a new young person, a new key), collides on the receipt and
    answers the first outcome: the retry's key sealed nothing that was saved."""

    def enrol() -> UUID:
        return network.ledger.enrol_young_person(
            network.worker_a,
            first_name="Inès",
            last_name="Bensaïd",
            date_of_birth=BIRTH,
            territory="93",
            idempotency_key="enrol-ines",
        )

    before = stored_keys(network)
    first = enrol()

    again = enrol()

    assert again == first
    assert stored_keys(network) - before == {first}


@dataclass
class Enrolments:
    """An import chunk of enrolments (`Chunk`), each with its idempotency key."""

    network: Network
    keys: list[str]

    def stage(self) -> None:
        for key in self.keys:
            self.network.ledger.enrol_young_person(
                self.network.worker_a,
                first_name="Inès",
                last_name=key,
                date_of_birth=BIRTH,
                territory="93",
                idempotency_key=key,
            )

    def take_back(self) -> None:
        pass

    def run_alone(self) -> None:
        self.stage()

    def committed(self) -> None:
        pass


def test_an_import_chunk_refused_when_written_leaves_no_key_behind(network: Network) -> None:
    """The first chunk repeats a line already imported: the store refuses it when written,
    after its keys were stored and while the next chunk, its keys stored too, was decided on
    top. Both are decided again; only the keys of the young people saved remain."""
    Enrolments(network, ["line-1"]).stage()
    before = stored_keys(network)

    network.ledger.run_chunks(
        [Enrolments(network, ["line-1", "line-2"]), Enrolments(network, ["line-3"])]
    )

    new = stored_keys(network) - before
    assert len(new) == 2
    assert {network.ledger.young_person(s).id for s in new} == new


def test_an_enrolment_that_loses_every_race_leaves_no_key(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    def always_losing(aggregates: Sequence[Aggregate], receipts: Sequence[Receipt] = ()) -> None:
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(network.ledger, "_append", always_losing)
    monkeypatch.setattr("domain.ledger.core._back_off", lambda attempt: None)
    before = stored_keys(network)

    with pytest.raises(ConcurrencyConflict):
        network.enrol()

    assert stored_keys(network) == before


def test_a_batch_that_fails_to_decide_leaves_no_key_behind(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error that is no refusal (a store failing while deciding) failed the whole batch,
    and the key its first enrolment had made stayed in the key store, sealing nothing."""
    from domain.case_file.young_person import YoungPerson  # noqa: PLC0415

    person = network.enrol()
    before = stored_keys(network)
    ledger = network.ledger
    jobs = enrolment_and_intervention(network, person, network.clock.now - timedelta(hours=1))

    def store_down(*args: object, **kwargs: object) -> None:
        raise OSError("the store is down")

    monkeypatch.setattr(YoungPerson, "record_intervention", store_down)
    ledger._run_batch(jobs)

    assert [type(job.error) for job in jobs] == [OSError, OSError]
    assert stored_keys(network) == before
