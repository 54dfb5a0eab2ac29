"""Evaluation studies: registered once per name, by a network admin."""

import pytest

from domain.errors import InvalidInput, NotPermitted, RuleViolation
from tests.support import Network


def test_a_network_admin_registers_a_study(network: Network) -> None:
    events = network.then(lambda: network.ledger.register_study(network.admin, name="eval-2026"))

    assert events == ["Registered"]


def test_a_study_name_is_registered_once(network: Network) -> None:
    network.ledger.register_study(network.admin, name="eval-2026")

    with pytest.raises(RuleViolation) as refused:
        network.ledger.register_study(network.admin, name="eval-2026")

    assert (refused.value.code, refused.value.field) == ("STUDY_EXISTS", "name")


def test_only_a_network_admin_registers_a_study(network: Network) -> None:
    before = network.position()

    with pytest.raises(NotPermitted):
        network.ledger.register_study(network.worker_a, name="eval-2026")

    assert network.position() == before


def test_a_study_name_follows_the_naming_rule(network: Network) -> None:
    with pytest.raises(InvalidInput) as refused:
        network.ledger.register_study(network.admin, name="../etc")

    assert refused.value.field == "name"
