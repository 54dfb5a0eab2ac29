"""Business time: every fact of a case file happened after the young person was born.

rules.require_occurred_at: "Business time may be late (a late entry is normal) but never in the
future or pre-birth." Interventions obey it (see test_interventions); so must the other facts.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.errors import InvalidInput
from domain.vocabulary import ConsentGiver, Domain, Sensitivity
from tests.domain.givens import refused
from tests.support import BIRTH, Network

BEFORE_BIRTH = datetime(BIRTH.year, BIRTH.month, BIRTH.day, tzinfo=UTC) - timedelta(days=30)
Fact = Callable[[Network, UUID], object]


def need(network: Network, young_person: UUID) -> object:
    return network.ledger.identify_need(
        network.worker_a, young_person, domain=Domain.HOUSING, severity=2, occurred_at=BEFORE_BIRTH
    )


def referral(network: Network, young_person: UUID) -> object:
    return network.ledger.make_referral(
        network.worker_a,
        young_person,
        to_association_id=network.b,
        domain=Domain.HOUSING,
        occurred_at=BEFORE_BIRTH,
    )


def consent(network: Network, young_person: UUID) -> object:
    return network.ledger.give_consent(
        network.worker_a,
        young_person,
        sensitivities=(Sensitivity.GENERAL,),
        purpose="Housing search.",
        given_by=ConsentGiver.YOUNG_PERSON,
        occurred_at=BEFORE_BIRTH,
    )


def handover(network: Network, young_person: UUID) -> object:
    return network.ledger.propose_handover(
        network.worker_a, young_person, to_association_id=network.b, occurred_at=BEFORE_BIRTH
    )


def test_no_young_person_is_enrolled_before_their_birth(network: Network) -> None:
    error = refused(network, InvalidInput, lambda: network.enrol(occurred_at=BEFORE_BIRTH))

    assert error.field == "occurred_at"


@pytest.mark.parametrize("fact", [need, referral, consent, handover], ids=lambda f: f.__name__)
def test_no_fact_of_a_case_file_is_dated_before_birth(network: Network, fact: Fact) -> None:
    young_person = network.enrol()

    error = refused(network, InvalidInput, lambda: fact(network, young_person))

    assert error.field == "occurred_at"
