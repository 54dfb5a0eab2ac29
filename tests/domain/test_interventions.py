"""Interventions: recorded by involved associations, at a plausible time, corrected not edited."""

from datetime import datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from domain.vocabulary import ReferralStatus
from tests.domain.givens import case_of, intervention, programme, referral_in, refused
from tests.support import BIRTH, START, Network

S = ReferralStatus


def test_the_lead_records_an_intervention(network: Network) -> None:
    young_person = network.enrol()

    events = network.then(lambda: intervention(network, network.worker_a, young_person))

    assert events == ["InterventionRecorded"]


def test_an_uninvolved_association_records_no_intervention(network: Network) -> None:
    young_person = network.enrol()

    refused(network, NotPermitted, lambda: intervention(network, network.worker_c, young_person))


def test_an_actor_without_an_association_records_no_intervention(network: Network) -> None:
    young_person = network.enrol()

    refused(network, NotPermitted, lambda: intervention(network, network.admin, young_person))


@pytest.mark.parametrize("status", [S.MADE, S.ACCEPTED])
def test_the_addressee_of_an_open_referral_is_involved(network: Network, status: S) -> None:
    young_person = network.enrol()
    referral_in(network, young_person, status)

    events = network.then(lambda: intervention(network, network.worker_b, young_person))

    assert events == ["InterventionRecorded"]


@pytest.mark.parametrize("status", [S.COMPLETED, S.WITHDRAWN, S.DECLINED, S.EXPIRED])
def test_the_addressee_of_a_closed_referral_is_no_longer_involved(
    network: Network, status: S
) -> None:
    young_person = network.enrol()
    referral_in(network, young_person, status)

    refused(network, NotPermitted, lambda: intervention(network, network.worker_b, young_person))


def test_a_partner_of_an_enrolled_programme_is_involved(network: Network) -> None:
    young_person = network.enrol()
    passerelle = programme(network, (network.c,))
    network.ledger.enrol_in_programme(network.worker_a, young_person, programme_id=passerelle)

    events = network.then(
        lambda: intervention(network, network.worker_c, young_person, programme_id=passerelle)
    )

    assert events == ["InterventionRecorded"]


def test_a_programme_partner_is_no_longer_involved_once_the_young_person_leaves(
    network: Network,
) -> None:
    young_person = network.enrol()
    passerelle = programme(network, (network.c,))
    network.ledger.enrol_in_programme(network.worker_a, young_person, programme_id=passerelle)
    network.ledger.leave_programme(network.worker_a, young_person, programme_id=passerelle)

    refused(network, NotPermitted, lambda: intervention(network, network.worker_c, young_person))


def test_an_intervention_serves_only_a_programme_the_young_person_is_enrolled_in(
    network: Network,
) -> None:
    young_person = network.enrol()
    passerelle = programme(network, (network.a,))

    error = refused(
        network,
        RuleViolation,
        lambda: intervention(network, network.worker_a, young_person, programme_id=passerelle),
    )

    assert (error.code, error.field) == ("NOT_ENROLLED", "programme_id")


# --- when it happened ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "occurred_at",
    [
        START + timedelta(minutes=5),
        START,
        START - timedelta(days=400),
        datetime(BIRTH.year, BIRTH.month, BIRTH.day, 12, 0, tzinfo=START.tzinfo),
    ],
    ids=["five-minutes-ahead", "now", "a-late-entry", "on-the-day-of-birth"],
)
def test_an_intervention_may_be_late_or_a_little_ahead(
    network: Network, occurred_at: datetime
) -> None:
    young_person = network.enrol()

    events = network.then(
        lambda: intervention(network, network.worker_a, young_person, occurred_at=occurred_at)
    )

    assert events == ["InterventionRecorded"]


@pytest.mark.parametrize(
    "occurred_at",
    [
        START + timedelta(minutes=6),
        START + timedelta(minutes=5, microseconds=1),
        datetime(BIRTH.year, BIRTH.month, BIRTH.day, tzinfo=START.tzinfo) - timedelta(seconds=1),
        START.replace(tzinfo=None),
    ],
    ids=["six-minutes-ahead", "just-over-five-minutes", "before-birth", "without-time-zone"],
)
def test_an_intervention_is_not_in_the_future_nor_before_birth_nor_without_zone(
    network: Network, occurred_at: datetime
) -> None:
    young_person = network.enrol()

    error = refused(
        network,
        InvalidInput,
        lambda: intervention(network, network.worker_a, young_person, occurred_at=occurred_at),
    )

    assert error.field == "occurred_at"


def test_the_future_is_measured_from_the_ledger_clock(network: Network) -> None:
    young_person = network.enrol()
    ahead = START + timedelta(minutes=30)
    with pytest.raises(InvalidInput):
        intervention(network, network.worker_a, young_person, occurred_at=ahead)
    network.clock.advance(minutes=30)

    events = network.then(
        lambda: intervention(network, network.worker_a, young_person, occurred_at=ahead)
    )

    assert events == ["InterventionRecorded"]


# --- corrections --------------------------------------------------------------------------------


def test_the_recording_association_amends_its_intervention(network: Network) -> None:
    young_person = network.enrol()
    recorded = intervention(network, network.worker_a, young_person)

    events = network.then(
        lambda: network.ledger.amend_intervention(
            network.worker_a,
            young_person,
            intervention_id=recorded,
            duration_minutes=90,
            reason="It lasted longer.",
        )
    )

    assert events == ["InterventionAmended"]
    amended = case_of(network, young_person).interventions[str(recorded)]
    assert (amended.duration_minutes, amended.amendments) == (90, 1)


def test_an_amendment_with_only_a_blank_summary_changes_nothing_and_is_refused(
    network: Network,
) -> None:
    young_person = network.enrol()
    recorded = intervention(network, network.worker_a, young_person)
    before = network.position()

    with pytest.raises(InvalidInput) as refused:
        network.ledger.amend_intervention(
            network.worker_a,
            young_person,
            intervention_id=recorded,
            summary="   ",
            reason="Nothing to say.",
        )

    assert refused.value.field == "summary"
    assert network.position() == before


def test_the_recording_association_retracts_its_intervention(network: Network) -> None:
    young_person = network.enrol()
    recorded = intervention(network, network.worker_a, young_person)

    events = network.then(
        lambda: network.ledger.retract_intervention(
            network.worker_a, young_person, intervention_id=recorded, reason="Wrong young person."
        )
    )

    assert events == ["InterventionRetracted"]
    assert case_of(network, young_person).interventions[str(recorded)].retracted_at == START


def test_only_the_recording_association_amends_an_intervention(network: Network) -> None:
    young_person = network.enrol()
    referral_in(network, young_person, S.ACCEPTED)
    recorded = intervention(network, network.worker_a, young_person)

    error = refused(
        network,
        NotPermitted,
        lambda: network.ledger.amend_intervention(
            network.worker_b,
            young_person,
            intervention_id=recorded,
            summary="Rewritten by B.",
            reason="B thinks otherwise.",
        ),
    )

    assert error.field == "intervention_id"


def test_only_the_recording_association_retracts_an_intervention(network: Network) -> None:
    young_person = network.enrol()
    referral_in(network, young_person, S.ACCEPTED)
    recorded = intervention(network, network.worker_b, young_person)

    error = refused(
        network,
        NotPermitted,
        lambda: network.ledger.retract_intervention(
            network.worker_a, young_person, intervention_id=recorded, reason="The lead disagrees."
        ),
    )

    assert error.field == "intervention_id"


def test_a_retracted_intervention_cannot_be_amended(network: Network) -> None:
    young_person = network.enrol()
    recorded = intervention(network, network.worker_a, young_person)
    network.ledger.retract_intervention(
        network.worker_a, young_person, intervention_id=recorded, reason="Duplicate entry."
    )

    error = refused(
        network,
        RuleViolation,
        lambda: network.ledger.amend_intervention(
            network.worker_a,
            young_person,
            intervention_id=recorded,
            summary="Second thoughts.",
            reason="Undo.",
        ),
    )

    assert (error.code, error.field) == ("RETRACTED", "intervention_id")


def test_a_retracted_intervention_cannot_be_retracted_again(network: Network) -> None:
    young_person = network.enrol()
    recorded = intervention(network, network.worker_a, young_person)
    network.ledger.retract_intervention(
        network.worker_a, young_person, intervention_id=recorded, reason="Duplicate entry."
    )

    error = refused(
        network,
        RuleViolation,
        lambda: network.ledger.retract_intervention(
            network.worker_a, young_person, intervention_id=recorded, reason="Again."
        ),
    )

    assert error.code == "RETRACTED"


def test_an_amendment_changes_something(network: Network) -> None:
    young_person = network.enrol()
    recorded = intervention(network, network.worker_a, young_person)

    error = refused(
        network,
        InvalidInput,
        lambda: network.ledger.amend_intervention(
            network.worker_a, young_person, intervention_id=recorded, reason="Nothing."
        ),
    )

    assert error.field == "summary"


def test_an_amended_time_obeys_the_same_rules(network: Network) -> None:
    young_person = network.enrol()
    recorded = intervention(network, network.worker_a, young_person)

    error = refused(
        network,
        InvalidInput,
        lambda: network.ledger.amend_intervention(
            network.worker_a,
            young_person,
            intervention_id=recorded,
            occurred_at=START + timedelta(minutes=6),
            reason="Typo in the time.",
        ),
    )

    assert error.field == "occurred_at"


def test_an_unknown_intervention_is_not_found(network: Network) -> None:
    young_person = network.enrol()

    error = refused(
        network,
        NotFound,
        lambda: network.ledger.retract_intervention(
            network.worker_a, young_person, intervention_id=uuid4(), reason="Ghost."
        ),
    )

    assert error.field == "intervention_id"
