"""The life of a case file: enrolment, closure and reopening."""

from datetime import date, timedelta
from uuid import uuid4

import pytest

from domain.actor import Actor
from domain.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from domain.vocabulary import Domain, GoalStatus, Role
from tests.domain.givens import (
    case_in_care,
    case_of,
    intervention,
    partner_b_at_work,
    programme,
    programme_of,
    refused,
)
from tests.support import Network


def test_a_worker_enrols_a_young_person_and_their_association_leads(network: Network) -> None:
    young_person = network.enrol(network.worker_b)

    case = case_of(network, young_person)
    assert (case.lead_association_id, case.referent_user_id) == (network.b, "worker-b")
    assert network.events_since(network.position() - 1) == ["Enrolled"]


def test_only_a_worker_of_an_association_enrols(network: Network) -> None:
    refused(network, NotPermitted, lambda: network.enrol(network.admin))


def test_a_worker_of_an_unregistered_association_enrols_no_one(network: Network) -> None:
    stranger = Actor("stranger", Role.WORKER, uuid4())

    error = refused(network, NotFound, lambda: network.enrol(stranger))

    assert error.field == "association_id"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", " "),
        ("last_name", ""),
        ("date_of_birth", date(2026, 3, 3)),
        ("territory", ""),
    ],
)
def test_enrolment_refuses_bad_personal_data(network: Network, field: str, value: object) -> None:
    error = refused(
        network, InvalidInput, lambda: network.enrol(network.worker_a, **{field: value})
    )

    assert error.field == field


def test_the_lead_closes_a_case(network: Network) -> None:
    young_person = network.enrol()

    events = network.then(
        lambda: network.ledger.close_case(network.worker_a, young_person, reason="Moved away.")
    )

    assert events == ["CaseClosed"]
    assert case_of(network, young_person).is_closed


def test_only_the_lead_closes_a_case(network: Network) -> None:
    young_person = network.enrol()
    network.ledger.make_referral(
        network.worker_a, young_person, to_association_id=network.b, domain=Domain.HOUSING
    )

    refused(
        network, NotPermitted, lambda: network.ledger.close_case(network.worker_b, young_person)
    )


def test_a_case_is_not_closed_while_a_handover_is_pending(network: Network) -> None:
    young_person = network.enrol()
    network.ledger.propose_handover(network.worker_a, young_person, to_association_id=network.b)

    error = refused(
        network, RuleViolation, lambda: network.ledger.close_case(network.worker_a, young_person)
    )

    assert error.code == "HANDOVER_PENDING"


def test_a_closed_case_takes_no_new_intervention(network: Network) -> None:
    young_person = network.enrol()
    network.ledger.close_case(network.worker_a, young_person)

    error = refused(
        network, RuleViolation, lambda: intervention(network, network.worker_a, young_person)
    )

    assert error.code == "CASE_CLOSED"


def test_a_closed_case_takes_no_new_referral_nor_handover(network: Network) -> None:
    young_person = network.enrol()
    network.ledger.close_case(network.worker_a, young_person)

    referral = refused(
        network,
        RuleViolation,
        lambda: network.ledger.make_referral(
            network.worker_a, young_person, to_association_id=network.b, domain=Domain.HOUSING
        ),
    )
    handover = refused(
        network,
        RuleViolation,
        lambda: network.ledger.propose_handover(
            network.worker_a, young_person, to_association_id=network.b
        ),
    )

    assert (referral.code, handover.code) == ("CASE_CLOSED", "CASE_CLOSED")


def test_a_closed_case_is_not_closed_again(network: Network) -> None:
    young_person = network.enrol()
    network.ledger.close_case(network.worker_a, young_person)

    error = refused(
        network, RuleViolation, lambda: network.ledger.close_case(network.worker_a, young_person)
    )

    assert error.code == "CASE_CLOSED"


def test_a_reopened_case_takes_interventions_again(network: Network) -> None:
    young_person = network.enrol()
    network.ledger.close_case(network.worker_a, young_person)

    reopened = network.then(lambda: network.ledger.reopen_case(network.worker_a, young_person))
    recorded = network.then(lambda: intervention(network, network.worker_a, young_person))

    assert (reopened, recorded) == (["CaseReopened"], ["InterventionRecorded"])


def test_an_open_case_is_not_reopened(network: Network) -> None:
    young_person = network.enrol()

    error = refused(
        network, RuleViolation, lambda: network.ledger.reopen_case(network.worker_a, young_person)
    )

    assert error.code == "CASE_OPEN"


def test_only_the_lead_changes_the_referent(network: Network) -> None:
    young_person = network.enrol()

    refused(
        network,
        NotPermitted,
        lambda: network.ledger.change_referent(
            network.worker_b, young_person, referent_user_id="worker-b"
        ),
    )


def test_a_partner_involved_in_the_case_does_not_change_the_referent(network: Network) -> None:
    """B, whose referral was accepted, works on the case (an intervention is recorded) but the
    referent is the lead's to name."""
    young_person = network.enrol()
    partner_b_at_work(network, young_person)

    refused(
        network,
        NotPermitted,
        lambda: network.ledger.change_referent(
            network.worker_b, young_person, referent_user_id="worker-b"
        ),
    )


def test_an_unknown_young_person_is_not_found(network: Network) -> None:
    error = refused(network, NotFound, lambda: intervention(network, network.worker_a, uuid4()))

    assert error.field == "young_person_id"


def test_closing_a_case_leaves_its_programmes_and_frees_their_places(network: Network) -> None:
    young_person = network.enrol()
    full = programme(network, (network.a, network.b), capacity=1)
    network.ledger.enrol_in_programme(network.worker_a, young_person, programme_id=full)

    events = network.then(lambda: network.ledger.close_case(network.worker_a, young_person))

    assert events == ["CaseClosed", "LeftProgramme", "PlaceReleased"]
    assert programme_of(network, full).enrolled == 0
    assert case_of(network, young_person).programme_ids == ()
    another = network.enrol()
    network.ledger.enrol_in_programme(network.worker_a, another, programme_id=full)


def test_a_closed_case_changes_no_need_goal_mentor_or_referent(network: Network) -> None:
    """A closed case takes no new fact: marking a need met or a goal reviewed, or naming a
    mentor or referent, waits until it is reopened (answering a referral does not: the
    addressee's inbox must not be stuck)."""
    ledger, a = network.ledger, network.worker_a
    care = case_in_care(network)
    young_person, need, goal = care.young_person, care.need, care.goal
    ledger.close_case(a, young_person)
    commands = {
        "meet_need": lambda: ledger.meet_need(a, young_person, need_id=need),
        "close_need": lambda: ledger.close_need(a, young_person, need_id=need),
        "review_goal": lambda: ledger.review_goal(a, young_person, goal_id=goal, progress=50),
        "end_goal": lambda: ledger.end_goal(
            a, young_person, goal_id=goal, status=GoalStatus.ACHIEVED
        ),
        "assign_mentor": lambda: ledger.assign_mentor(
            a, young_person, mentor_user_id="mentor-2", mentor_association_id=network.a
        ),
        "unassign_mentor": lambda: ledger.unassign_mentor(
            a, young_person, mentor_user_id="mentor-a"
        ),
        "change_referent": lambda: ledger.change_referent(
            a, young_person, referent_user_id="someone-else"
        ),
    }

    codes = {name: refused(network, RuleViolation, run).code for name, run in commands.items()}

    assert codes == dict.fromkeys(commands, "CASE_CLOSED")


def test_a_case_is_not_closed_before_a_programme_enrolment_it_ends(network: Network) -> None:
    """The closure leaves the programme: dated before the enrolment, the leaving came before
    the joining."""
    young_person = network.enrol(occurred_at=network.clock.now - timedelta(days=30))
    passerelle = programme(network, (network.a,))
    network.ledger.enrol_in_programme(
        network.worker_a,
        young_person,
        programme_id=passerelle,
        occurred_at=network.clock.now - timedelta(days=5),
    )

    error = refused(
        network,
        InvalidInput,
        lambda: network.ledger.close_case(
            network.worker_a, young_person, occurred_at=network.clock.now - timedelta(days=20)
        ),
    )

    assert error.field == "occurred_at"


def test_a_reopened_case_is_not_closed_again_before_its_reopening(network: Network) -> None:
    ledger, a, now = network.ledger, network.worker_a, network.clock.now
    young_person = network.enrol(occurred_at=now - timedelta(days=100))
    ledger.close_case(a, young_person, occurred_at=now - timedelta(days=60))
    ledger.reopen_case(a, young_person, occurred_at=now - timedelta(days=30))

    error = refused(
        network,
        InvalidInput,
        lambda: ledger.close_case(a, young_person, occurred_at=now - timedelta(days=80)),
    )

    assert "reopened" in error.message
    assert network.then(lambda: ledger.close_case(a, young_person)) == ["CaseClosed"]
