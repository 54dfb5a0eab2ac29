"""Associations: registered by a network admin, managed by their own coordinators."""

import pytest

from domain.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from domain.network.association import Association, competence
from domain.vocabulary import Domain
from tests.domain.givens import refused
from tests.support import Network


def test_a_network_admin_registers_an_association(network: Network) -> None:
    events = network.then(
        lambda: network.ledger.register_association(
            network.admin, name="Association D", territory="94"
        )
    )

    assert events == ["Registered"]


@pytest.mark.parametrize("actor", ["coordinator_a", "worker_a"])
def test_only_a_network_admin_registers_an_association(network: Network, actor: str) -> None:
    refused(
        network,
        NotPermitted,
        lambda: network.ledger.register_association(
            getattr(network, actor), name="Association D", territory="94"
        ),
    )


def test_an_association_declares_each_domain_once(network: Network) -> None:
    twice = (competence(Domain.HOUSING, 1, None), competence(Domain.HOUSING, 2, None))

    error = refused(
        network,
        InvalidInput,
        lambda: network.ledger.register_association(
            network.admin, name="Association D", territory="94", competences=twice
        ),
    )

    assert error.field == "competences"


def test_a_coordinator_declares_a_competence_of_their_association(network: Network) -> None:
    events = network.then(
        lambda: network.ledger.declare_competence(
            network.coordinator_a,
            network.a,
            competence=competence(Domain.MENTORING, 4, "Weekly mentoring."),
        )
    )

    assert events == ["CompetenceDeclared"]
    assert network.ledger.load(Association, network.a, "association_id").has_competence(
        Domain.MENTORING
    )


def test_a_coordinator_does_not_act_for_another_association(network: Network) -> None:
    refused(
        network,
        NotPermitted,
        lambda: network.ledger.declare_competence(
            network.coordinator_b, network.a, competence=competence(Domain.MENTORING, 4, None)
        ),
    )


def test_a_worker_does_not_declare_competences(network: Network) -> None:
    refused(
        network,
        NotPermitted,
        lambda: network.ledger.declare_competence(
            network.worker_a, network.a, competence=competence(Domain.MENTORING, 4, None)
        ),
    )


def test_a_worker_does_not_withdraw_competences(network: Network) -> None:
    refused(
        network,
        NotPermitted,
        lambda: network.ledger.withdraw_competence(
            network.worker_a, network.a, domain=Domain.EDUCATION
        ),
    )


def test_the_same_competence_is_not_declared_twice(network: Network) -> None:
    error = refused(
        network,
        RuleViolation,
        lambda: network.ledger.declare_competence(
            network.coordinator_a, network.a, competence=competence(Domain.EDUCATION, 20, None)
        ),
    )

    assert error.field == "domain"


def test_only_a_declared_competence_is_withdrawn(network: Network) -> None:
    error = refused(
        network,
        NotFound,
        lambda: network.ledger.withdraw_competence(
            network.coordinator_a, network.a, domain=Domain.ADDICTION
        ),
    )

    assert error.field == "domain"


def test_a_monthly_capacity_is_never_negative() -> None:
    with pytest.raises(InvalidInput) as refused_input:
        competence(Domain.HOUSING, -1, None)

    assert refused_input.value.field == "monthly_capacity"
