"""Erasure: a network admin's act, recorded as an event; the key is gone afterwards."""

from uuid import UUID

import pytest

from domain.errors import InvalidInput, NotPermitted, RuleViolation
from domain.vocabulary import Domain
from tests.support import Network


def test_a_network_admin_erases_a_young_person_and_the_key_is_destroyed(network: Network) -> None:
    young_person = network.enrol()
    name = network.ledger.young_person(young_person).personal.first_name

    events = network.then(
        lambda: network.ledger.erase_young_person(network.admin, young_person, reason="art. 17")
    )

    assert events == ["Erased"]
    assert network.ledger.vault.open(name) is None
    assert network.ledger.young_person(young_person).erased_at is not None


def test_only_a_network_admin_may_erase(network: Network) -> None:
    young_person = network.enrol()
    before = network.position()

    with pytest.raises(NotPermitted):
        network.ledger.erase_young_person(network.worker_a, young_person, reason="asked")

    assert network.position() == before
    assert network.ledger.vault.has_key(young_person)


def test_an_erased_case_file_takes_no_new_fact(network: Network) -> None:
    young_person = network.enrol()
    network.ledger.erase_young_person(network.admin, young_person, reason="art. 17")

    with pytest.raises(RuleViolation) as refused:
        network.ledger.identify_need(
            network.worker_a, young_person, domain=Domain.HOUSING, severity=2
        )
    with pytest.raises(RuleViolation) as again:
        network.ledger.erase_young_person(network.admin, young_person, reason="twice")

    assert refused.value.code == "ERASED"
    assert again.value.code == "ERASED"


def stored_keys(network: Network) -> int:
    """How many subject keys the key store holds (white-box: orphan keys are the point)."""
    return len(network.ledger.vault._store._keys)  # type: ignore[attr-defined]


def test_an_erasure_whose_key_survived_is_finished_when_asked_again(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The event was saved, then the key store failed: asking again destroys the key instead
    of refusing the erasure as done while the data can still be read."""
    young_person = network.enrol()
    name = network.ledger.young_person(young_person).personal.first_name
    vault = network.ledger.vault
    destroy = vault.destroy_key
    failures = [OSError("the key store is locked")]

    def destroy_failing_once(subject: UUID) -> bool:
        if subject == young_person and failures:
            raise failures.pop()
        return destroy(subject)

    monkeypatch.setattr(vault, "destroy_key", destroy_failing_once)
    with pytest.raises(OSError, match="locked"):
        network.ledger.erase_young_person(network.admin, young_person, reason="art. 17")
    assert vault.open(name) is not None  # erased in the log, still readable

    with pytest.raises(NotPermitted):
        network.ledger.erase_young_person(network.worker_a, young_person, reason="art. 17")
    assert vault.open(name) is not None
    events = network.then(
        lambda: network.ledger.erase_young_person(network.admin, young_person, reason="art. 17")
    )

    assert events == []
    assert vault.open(name) is None
    with pytest.raises(RuleViolation) as again:
        network.ledger.erase_young_person(network.admin, young_person, reason="once more")
    assert again.value.code == "ERASED"


@pytest.mark.parametrize(
    ("who", "reason", "refusal"),
    [("worker", "art. 17", NotPermitted), ("admin", "   ", InvalidInput)],
)
def test_a_refused_erasure_leaves_no_key_behind(
    network: Network, who: str, reason: str, refusal: type[Exception]
) -> None:
    young_person = network.enrol()
    actor = network.worker_a if who == "worker" else network.admin
    before = stored_keys(network)

    with pytest.raises(refusal):
        network.ledger.erase_young_person(actor, young_person, reason=reason)

    assert stored_keys(network) == before


def test_a_refused_practice_note_leaves_no_key_behind(network: Network) -> None:
    before = stored_keys(network)

    with pytest.raises(InvalidInput) as refused:
        network.ledger.publish_practice_note(
            network.worker_a, title="  ", body="what worked", domains=(Domain.HOUSING,)
        )

    assert refused.value.field == "title"
    assert stored_keys(network) == before
