"""Idempotency: a retried command has exactly one effect; a reused key is not silently accepted."""

from datetime import timedelta
from uuid import uuid4

import pytest

from domain.errors import IdempotencyConflict, InvalidInput
from domain.ledger.fingerprints import parts
from domain.ledger.receipt import Receipt, receipt_id
from tests.domain.givens import case_of, intervention, refused
from tests.support import START, Network


def test_a_retried_enrolment_returns_the_same_young_person_and_records_nothing(
    network: Network,
) -> None:
    first = network.enrol(idempotency_key="enrol-camille")
    before = network.position()

    again = network.enrol(idempotency_key="enrol-camille")

    assert again == first
    assert network.position() == before


def test_a_retried_intervention_is_recorded_once(network: Network) -> None:
    young_person = network.enrol()
    first = intervention(network, network.worker_a, young_person, idempotency_key="visit-1")

    events = network.then(
        lambda: intervention(network, network.worker_a, young_person, idempotency_key="visit-1")
    )

    assert events == []
    assert list(case_of(network, young_person).interventions) == [str(first)]


def test_the_receipt_is_saved_with_the_command_beside_the_log(network: Network) -> None:
    young_person = network.enrol()
    before = network.position()

    recorded = intervention(network, network.worker_a, young_person, idempotency_key="visit-1")

    topics = [
        n.topic.rsplit(".", 1)[-1]
        for n in network.ledger.recorder.select_notifications(start=before + 1, limit=10)
    ]
    assert topics == ["InterventionRecorded"]
    receipt = network.ledger.receipts.select_receipt(receipt_id(network.worker_a, "visit-1"))
    assert receipt is not None
    assert (receipt.id, receipt.target, receipt.outcome) == (
        receipt_id(network.worker_a, "visit-1"),
        young_person,
        recorded,
    )
    assert parts(receipt.command)[0] == "record_intervention"
    assert parts(receipt.command)[1] is not None, "the arguments' fingerprint is kept"


def test_a_key_reused_for_another_command_is_a_conflict(network: Network) -> None:
    young_person = network.enrol(idempotency_key="k-1")

    error = refused(
        network,
        IdempotencyConflict,
        lambda: intervention(network, network.worker_a, young_person, idempotency_key="k-1"),
    )

    assert (error.code, error.field) == ("IDEMPOTENCY_KEY_REUSED", "idempotency_key")


def test_a_key_reused_for_the_same_command_on_another_young_person_is_a_conflict(
    network: Network,
) -> None:
    """Not a retry: answering with the first young person's intervention would lose this one."""
    camille, sami = network.enrol(), network.enrol(first_name="Sami")
    intervention(network, network.worker_a, camille, idempotency_key="visit-1")

    error = refused(
        network,
        IdempotencyConflict,
        lambda: intervention(network, network.worker_a, sami, idempotency_key="visit-1"),
    )

    assert error.code == "IDEMPOTENCY_KEY_REUSED"


def test_two_users_use_the_same_key_independently(network: Network) -> None:
    by_a = network.enrol(network.worker_a, idempotency_key="shared-key")

    events = network.then(lambda: network.enrol(network.worker_b, idempotency_key="shared-key"))

    assert events == ["Enrolled"]
    by_b = network.enrol(network.worker_b, idempotency_key="shared-key")
    assert by_b != by_a
    assert case_of(network, by_b).lead_association_id == network.b


def test_a_refused_command_does_not_use_up_its_key(network: Network) -> None:
    young_person = network.enrol()
    ahead = START + timedelta(minutes=10)
    refused(
        network,
        InvalidInput,
        lambda: intervention(
            network, network.worker_a, young_person, occurred_at=ahead, idempotency_key="late"
        ),
    )
    network.clock.advance(minutes=10)

    events = network.then(
        lambda: intervention(
            network, network.worker_a, young_person, occurred_at=ahead, idempotency_key="late"
        )
    )

    assert events == ["InterventionRecorded"]


def test_an_empty_idempotency_key_is_refused(network: Network) -> None:
    error = refused(network, InvalidInput, lambda: network.enrol(idempotency_key="  "))

    assert error.field == "idempotency_key"


def test_a_key_reused_with_other_arguments_is_a_conflict_not_a_retry(network: Network) -> None:
    """Answered with the first outcome, the second enrolment was dropped without a word, and
    whatever came after it went into the first young person's case file."""
    first = network.enrol(first_name="Camille", idempotency_key="legacy-88")

    error = refused(
        network,
        IdempotencyConflict,
        lambda: network.enrol(first_name="Bob", idempotency_key="legacy-88"),
    )
    again = network.enrol(first_name="Camille", idempotency_key="legacy-88")

    assert "other arguments" in error.message
    assert again == first


def test_a_receipt_from_before_fingerprints_takes_any_retry() -> None:
    """Receipts written before fingerprints hold the command's name alone."""
    old = Receipt(uuid4(), "record_intervention", None, uuid4())

    assert old.outcome_for("record_intervention", None, "a-fingerprint") == old.outcome


def test_a_receipt_with_a_plain_digest_of_the_first_version_takes_any_retry() -> None:
    """The first fingerprints were plain digests; the secret that keys today's cannot be
    compared with them, so they count as no fingerprint rather than refusing every retry."""
    plain = Receipt(uuid4(), "record_intervention#" + "ab" * 16, None, uuid4())

    assert plain.outcome_for("record_intervention", None, _KEYED + "cd" * 16) == plain.outcome


def test_fingerprints_under_another_secret_cannot_be_compared_and_the_retry_is_taken() -> None:
    """A ledger restored beside another key store holds receipts keyed by a secret this
    instance has not: only fingerprints under the same secret tell of other arguments."""
    keyed = Receipt(uuid4(), "record_intervention#" + _KEYED + "ab" * 16, None, uuid4())
    other_secret = "h1-99999999" + "cd" * 16

    assert keyed.outcome_for("record_intervention", None, _KEYED + "ab" * 16) == keyed.outcome
    assert keyed.outcome_for("record_intervention", None, other_secret) == keyed.outcome
    with pytest.raises(IdempotencyConflict, match="other arguments"):
        keyed.outcome_for("record_intervention", None, _KEYED + "cd" * 16)


_KEYED = "h1-0a1b2c3d"
"""The version mark and a secret's id."""
