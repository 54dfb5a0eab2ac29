"""Every authorization rule refuses its forbidden actor, and the refusal records nothing.

Each test first has the forbidden actor refused (`refused`: exactly `NotPermitted`, position
unchanged), then has the allowed actor run the very same command on the very same state: a
refusal that came from a broken setup, not from the rule, would show there.
"""

from collections.abc import Callable
from datetime import date
from uuid import UUID

import pytest

from domain.actor import Actor
from domain.errors import NotPermitted
from domain.network.association import Association
from domain.network.shared_resource import SharedResource
from domain.vocabulary import (
    ConsentGiver,
    Domain,
    GoalStatus,
    ReferralStatus,
    ResourceKind,
    Role,
    Sensitivity,
)
from tests.domain.givens import CaseInCare, case_in_care, case_of, programme, referral_in, refused
from tests.support import BIRTH, Network

CareCommand = Callable[[Network, Actor, CaseInCare], UUID]

WITHOUT_ASSOCIATION = [
    pytest.param(Actor("admin", Role.NETWORK_ADMIN), id="network-admin"),
    pytest.param(Actor("worker-z", Role.WORKER), id="worker-of-no-association"),
]


def actor(network: Network, name: str) -> Actor:
    found: Actor = getattr(network, name)
    return found


def case_b_is_involved_in(network: Network) -> UUID:
    """A case A leads, with an accepted referral that keeps B involved (closed or not)."""
    young_person = network.enrol()
    referral_in(network, young_person, ReferralStatus.ACCEPTED)
    assert network.b in case_of(network, young_person).involved_associations()
    return young_person


# --- case file: the lead's commands ------------------------------------------------------------


def test_an_involved_worker_of_another_association_corrects_no_personal_data(
    network: Network,
) -> None:
    young_person = case_b_is_involved_in(network)

    def correct(by: Actor) -> UUID:
        return network.ledger.correct_personal_data(
            by, young_person, first_name="Camila", last_name="Martin", date_of_birth=BIRTH
        )

    refused(network, NotPermitted, lambda: correct(network.worker_b))
    assert network.then(lambda: correct(network.worker_a)) == ["PersonalDataCorrected"]


@pytest.mark.parametrize("by", ["worker_b", "coordinator_b", "worker_c"])
def test_only_the_lead_reopens_a_closed_case(network: Network, by: str) -> None:
    young_person = case_b_is_involved_in(network)
    network.ledger.close_case(network.worker_a, young_person)

    refused(
        network, NotPermitted, lambda: network.ledger.reopen_case(actor(network, by), young_person)
    )
    reopened = network.then(lambda: network.ledger.reopen_case(network.worker_a, young_person))
    assert reopened == ["CaseReopened"]


# --- case file: commands of the involved associations ------------------------------------------


def assign_mentor(network: Network, by: Actor, case: CaseInCare) -> UUID:
    return network.ledger.assign_mentor(
        by, case.young_person, mentor_user_id="mentor-a2", mentor_association_id=network.a
    )


def unassign_mentor(network: Network, by: Actor, case: CaseInCare) -> UUID:
    return network.ledger.unassign_mentor(by, case.young_person, mentor_user_id="mentor-a")


def meet_need(network: Network, by: Actor, case: CaseInCare) -> UUID:
    return network.ledger.meet_need(by, case.young_person, need_id=case.need)


def close_need(network: Network, by: Actor, case: CaseInCare) -> UUID:
    return network.ledger.close_need(by, case.young_person, need_id=case.need)


def add_goal(network: Network, by: Actor, case: CaseInCare) -> UUID:
    return network.ledger.add_goal(
        by, case.young_person, domain=Domain.EDUCATION, description="Back to school."
    )


def review_goal(network: Network, by: Actor, case: CaseInCare) -> UUID:
    return network.ledger.review_goal(by, case.young_person, goal_id=case.goal, progress=50)


def end_goal(network: Network, by: Actor, case: CaseInCare) -> UUID:
    return network.ledger.end_goal(
        by, case.young_person, goal_id=case.goal, status=GoalStatus.ACHIEVED
    )


@pytest.mark.parametrize(
    ("command", "recorded"),
    [
        (assign_mentor, "MentorAssigned"),
        (unassign_mentor, "MentorUnassigned"),
        (meet_need, "NeedMet"),
        (close_need, "NeedClosed"),
        (add_goal, "GoalAdded"),
        (review_goal, "GoalProgressReviewed"),
        (end_goal, "GoalAchieved"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
@pytest.mark.parametrize("by", ["worker_c", "coordinator_b"])
def test_an_uninvolved_association_takes_no_part_in_the_care(
    network: Network, command: CareCommand, recorded: str, by: str
) -> None:
    case = case_in_care(network)

    refused(network, NotPermitted, lambda: command(network, actor(network, by), case))
    assert network.then(lambda: command(network, network.worker_a, case)) == [recorded]


def test_an_uninvolved_association_withdraws_no_consent(network: Network) -> None:
    young_person = network.enrol()
    consent = network.ledger.give_consent(
        network.worker_a,
        young_person,
        sensitivities=(Sensitivity.HEALTH,),
        purpose="Coordinate mental health follow-up.",
        given_by=ConsentGiver.YOUNG_PERSON,
    )

    def withdraw(by: Actor) -> UUID:
        return network.ledger.withdraw_consent(by, young_person, consent_id=consent)

    refused(network, NotPermitted, lambda: withdraw(network.worker_c))
    assert network.then(lambda: withdraw(network.worker_a)) == ["ConsentWithdrawn"]


@pytest.mark.parametrize("allowed", ["worker_a", "worker_b"], ids=["lead", "partner"])
def test_an_association_neither_lead_nor_partner_takes_no_one_out_of_a_programme(
    network: Network, allowed: str
) -> None:
    young_person = network.enrol()
    passerelle = programme(network, (network.b,))
    network.ledger.enrol_in_programme(network.worker_a, young_person, programme_id=passerelle)

    def leave(by: Actor) -> UUID:
        return network.ledger.leave_programme(by, young_person, programme_id=passerelle)

    refused(network, NotPermitted, lambda: leave(network.worker_c))
    left = network.then(lambda: leave(actor(network, allowed)))
    assert left == ["LeftProgramme", "PlaceReleased"]


# --- programmes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "by", ["worker_b", "coordinator_a"], ids=["its-worker", "other-coordinator"]
)
def test_only_its_coordinator_takes_an_association_out_of_a_partnership(
    network: Network, by: str
) -> None:
    passerelle = programme(network, (network.a, network.b))

    def leave(who: Actor) -> UUID:
        return network.ledger.leave_partnership(who, passerelle, association_id=network.b)

    refused(network, NotPermitted, lambda: leave(actor(network, by)))
    assert network.then(lambda: leave(network.coordinator_b)) == ["PartnerLeft"]


@pytest.mark.parametrize("by", ["coordinator_a", "coordinator_b"])
def test_a_coordinator_of_a_partner_closes_no_programme(network: Network, by: str) -> None:
    passerelle = programme(network, (network.a, network.b))

    refused(
        network,
        NotPermitted,
        lambda: network.ledger.close_programme(actor(network, by), passerelle),
    )
    assert network.then(lambda: network.ledger.close_programme(network.admin, passerelle)) == [
        "Closed"
    ]


# --- shared resources ---------------------------------------------------------------------------


def hall_of_a(network: Network) -> UUID:
    return network.ledger.offer_resource(
        network.coordinator_a, network.a, kind=ResourceKind.PREMISES, name="Hall", capacity=10
    )


@pytest.mark.parametrize("by", ["coordinator_b", "worker_a"])
def test_only_a_coordinator_of_the_offering_association_releases_an_allocation(
    network: Network, by: str
) -> None:
    """B's coordinator is refused even though the allocation is B's: it is A's resource."""
    hall = hall_of_a(network)
    allocation = network.ledger.allocate_resource(
        network.coordinator_a,
        hall,
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 4, 30),
        quantity=3,
        association_id=network.b,
    )

    def release(who: Actor) -> UUID:
        return network.ledger.release_allocation(who, hall, allocation_id=allocation)

    refused(network, NotPermitted, lambda: release(actor(network, by)))
    assert network.then(lambda: release(network.coordinator_a)) == ["Released"]


def test_another_association_s_coordinator_withdraws_no_resource(network: Network) -> None:
    hall = hall_of_a(network)

    refused(
        network, NotPermitted, lambda: network.ledger.withdraw_resource(network.coordinator_b, hall)
    )
    withdrawn = network.then(lambda: network.ledger.withdraw_resource(network.coordinator_a, hall))
    assert sorted(withdrawn) == ["ResourceWithdrawn", "Withdrawn"]


def test_the_resource_refuses_another_association_s_coordinator_on_its_own(
    network: Network,
) -> None:
    """Through the ledger the resource and its association both check the withdrawal, so
    either check would hide the other's absence: each is tested alone on its aggregate."""
    hall = hall_of_a(network)
    resource = network.ledger.load(SharedResource, hall, "resource_id")

    with pytest.raises(NotPermitted):
        resource.withdraw(actor=network.coordinator_b, at=network.clock.now)
    assert resource.pending_events == []
    resource.withdraw(actor=network.coordinator_a, at=network.clock.now)
    assert resource.withdrawn_at == network.clock.now


def test_the_association_refuses_another_association_s_coordinator_on_its_own(
    network: Network,
) -> None:
    hall = hall_of_a(network)
    association = network.ledger.load(Association, network.a, "association_id")

    with pytest.raises(NotPermitted):
        association.withdraw_resource(
            actor=network.coordinator_b, resource_id=hall, at=network.clock.now
        )
    assert association.pending_events == []
    association.withdraw_resource(
        actor=network.coordinator_a, resource_id=hall, at=network.clock.now
    )
    assert hall not in association.resources


# --- practice notes -----------------------------------------------------------------------------


def publish(network: Network, by: Actor) -> UUID:
    return network.ledger.publish_practice_note(
        by,
        title="Meet at the youth club",
        body="Young people come more readily to a place they already know.",
        domains=(Domain.MENTORING,),
    )


@pytest.mark.parametrize("by", WITHOUT_ASSOCIATION)
def test_a_practice_note_is_published_by_an_association(network: Network, by: Actor) -> None:
    refused(network, NotPermitted, lambda: publish(network, by))
    assert network.then(lambda: publish(network, network.worker_a)) == ["Published"]


@pytest.mark.parametrize("by", WITHOUT_ASSOCIATION)
def test_a_practice_note_is_endorsed_by_an_association(network: Network, by: Actor) -> None:
    note = publish(network, network.worker_a)

    refused(network, NotPermitted, lambda: network.ledger.endorse_practice_note(by, note))
    endorsed = network.then(lambda: network.ledger.endorse_practice_note(network.worker_b, note))
    assert endorsed == ["Endorsed"]
