"""Consents: for at least one sensitivity and a purpose, recorded by the lead association."""

from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest

from domain.actor import Actor
from domain.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from domain.vocabulary import ConsentGiver, Domain, Sensitivity
from tests.domain.givens import case_of, refused
from tests.support import Network


def consent(
    network: Network,
    young_person: UUID,
    *,
    sensitivities: tuple[Sensitivity, ...] = (Sensitivity.HEALTH,),
    purpose: str = "Coordinate mental health follow-up.",
    recipients: tuple[UUID, ...] | None = None,
    expires_on: date | None = None,
    by: Actor | None = None,
) -> UUID:
    """A consent recorded by `by` (A's worker, A leading, unless told otherwise)."""
    return network.ledger.give_consent(
        by or network.worker_a,
        young_person,
        sensitivities=sensitivities,
        purpose=purpose,
        given_by=ConsentGiver.YOUNG_PERSON,
        recipients=recipients,
        expires_on=expires_on,
    )


def test_a_consent_is_given_for_sensitivities_and_a_purpose(network: Network) -> None:
    young_person = network.enrol()

    events = network.then(
        lambda: consent(
            network,
            young_person,
            sensitivities=(Sensitivity.JUSTICE, Sensitivity.HEALTH, Sensitivity.HEALTH),
            recipients=(network.c,),
        )
    )

    assert events == ["ConsentGiven"]
    (given,) = case_of(network, young_person).consents.values()
    assert given.sensitivities == (Sensitivity.HEALTH, Sensitivity.JUSTICE)
    assert given.recipients == (network.c,)


def test_a_consent_needs_at_least_one_sensitivity(network: Network) -> None:
    young_person = network.enrol()

    error = refused(network, InvalidInput, lambda: consent(network, young_person, sensitivities=()))

    assert error.field == "sensitivities"


@pytest.mark.parametrize("purpose", ["", "   "])
def test_a_consent_needs_a_purpose(network: Network, purpose: str) -> None:
    young_person = network.enrol()

    error = refused(network, InvalidInput, lambda: consent(network, young_person, purpose=purpose))

    assert error.field == "purpose"


def test_a_consent_to_named_associations_names_at_least_one(network: Network) -> None:
    young_person = network.enrol()

    error = refused(network, InvalidInput, lambda: consent(network, young_person, recipients=()))

    assert error.field == "association_ids"


def test_a_consent_names_only_registered_associations(network: Network) -> None:
    young_person = network.enrol()

    error = refused(
        network, NotFound, lambda: consent(network, young_person, recipients=(network.b, uuid4()))
    )

    assert error.field == "association_ids[1]"


def test_a_consent_does_not_expire_before_it_is_given(network: Network) -> None:
    young_person = network.enrol()

    error = refused(
        network,
        InvalidInput,
        lambda: consent(network, young_person, expires_on=date(2026, 3, 1)),
    )

    assert error.field == "expires_on"


def test_an_uninvolved_association_records_no_consent(network: Network) -> None:
    young_person = network.enrol()

    refused(network, NotPermitted, lambda: consent(network, young_person, by=network.worker_c))


def test_a_consent_is_withdrawn_once(network: Network) -> None:
    young_person = network.enrol()
    given = consent(network, young_person)

    events = network.then(
        lambda: network.ledger.withdraw_consent(network.worker_a, young_person, consent_id=given)
    )

    assert events == ["ConsentWithdrawn"]
    error = refused(
        network,
        RuleViolation,
        lambda: network.ledger.withdraw_consent(network.worker_a, young_person, consent_id=given),
    )
    assert error.field == "consent_id"


@pytest.mark.parametrize("recipients", ["itself", "every involved association"])
def test_an_involved_association_that_is_not_the_lead_records_no_consent(
    network: Network, recipients: str
) -> None:
    """B is involved (a referral it accepted) but does not lead: a consent it recorded would
    let it read A's sensitive notes on its own word."""
    young_person = network.enrol()
    referral = network.ledger.make_referral(
        network.worker_a, young_person, to_association_id=network.b, domain=Domain.HOUSING
    )
    network.ledger.accept_referral(network.worker_b, young_person, referral_id=referral)

    error = refused(
        network,
        NotPermitted,
        lambda: consent(
            network,
            young_person,
            recipients=(network.b,) if recipients == "itself" else None,
            by=network.coordinator_b,
        ),
    )
    assert "lead" in error.message
    assert case_of(network, young_person).consents == {}


@pytest.mark.parametrize(("days_after", "accepted"), [(0, True), (1, False)])
def test_a_consent_expires_within_ten_years_of_being_given(
    network: Network, days_after: int, accepted: bool
) -> None:
    """A typo such as 2206 for 2026 kept a consent open for 180 years."""
    young_person = network.enrol()
    given_on = network.clock.now.date()
    expires_on = given_on.replace(year=given_on.year + 10) + timedelta(days=days_after)

    def give() -> UUID:
        return consent(network, young_person, expires_on=expires_on)

    if accepted:
        assert network.then(give) == ["ConsentGiven"]
    else:
        error = refused(network, InvalidInput, give)
        assert (error.field, str(error)) == (
            "expires_on",
            "expires_on must be within 10 years of the consent",
        )
