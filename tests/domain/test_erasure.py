"""Erasure: a network admin's act, recorded as an event; the key is gone afterwards."""

import pytest

from domain.errors import NotPermitted, RuleViolation
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
