"""Needs and the action plan: severities 1..5, progress 0..100, goals only in an agreed plan."""

from datetime import timedelta
from uuid import UUID

import pytest

from domain.errors import InvalidInput, NotPermitted, RuleViolation
from domain.vocabulary import Domain, GoalStatus, NeedStatus
from tests.domain.givens import case_of, refused
from tests.support import Network


def need(network: Network, young_person: UUID, severity: int) -> UUID:
    return network.ledger.identify_need(
        network.worker_a, young_person, domain=Domain.HOUSING, severity=severity
    )


def goal(network: Network, young_person: UUID) -> UUID:
    return network.ledger.add_goal(
        network.worker_a, young_person, domain=Domain.EDUCATION, description="Back to school."
    )


@pytest.mark.parametrize("severity", [1, 5])
def test_a_need_has_a_severity_from_one_to_five(network: Network, severity: int) -> None:
    young_person = network.enrol()

    events = network.then(lambda: need(network, young_person, severity))

    assert events == ["NeedIdentified"]


@pytest.mark.parametrize("severity", [0, 6, -1])
def test_a_severity_outside_one_to_five_is_refused(network: Network, severity: int) -> None:
    young_person = network.enrol()

    error = refused(network, InvalidInput, lambda: need(network, young_person, severity))

    assert error.field == "severity"


def test_an_uninvolved_association_identifies_no_need(network: Network) -> None:
    young_person = network.enrol()

    refused(
        network,
        NotPermitted,
        lambda: network.ledger.identify_need(
            network.worker_c, young_person, domain=Domain.MENTAL_HEALTH, severity=3
        ),
    )


def test_a_met_need_is_not_met_again(network: Network) -> None:
    young_person = network.enrol()
    identified = need(network, young_person, 3)

    events = network.then(
        lambda: network.ledger.meet_need(network.worker_a, young_person, need_id=identified)
    )

    assert events == ["NeedMet"]
    assert case_of(network, young_person).needs[str(identified)].status is NeedStatus.MET
    error = refused(
        network,
        RuleViolation,
        lambda: network.ledger.close_need(network.worker_a, young_person, need_id=identified),
    )
    assert error.field == "need_id"


def test_a_goal_is_not_added_before_an_action_plan_is_agreed(network: Network) -> None:
    young_person = network.enrol()

    error = refused(network, RuleViolation, lambda: goal(network, young_person))

    assert error.code == "NO_PLAN"


def test_a_goal_is_added_to_an_agreed_plan(network: Network) -> None:
    young_person = network.enrol()
    network.ledger.agree_action_plan(network.worker_a, young_person)

    events = network.then(lambda: goal(network, young_person))

    assert events == ["GoalAdded"]


def test_only_the_lead_agrees_the_action_plan(network: Network) -> None:
    young_person = network.enrol()
    network.ledger.make_referral(
        network.worker_a, young_person, to_association_id=network.b, domain=Domain.HOUSING
    )

    refused(
        network,
        NotPermitted,
        lambda: network.ledger.agree_action_plan(network.worker_b, young_person),
    )


def test_an_action_plan_is_agreed_once(network: Network) -> None:
    young_person = network.enrol()
    network.ledger.agree_action_plan(network.worker_a, young_person)

    error = refused(
        network,
        RuleViolation,
        lambda: network.ledger.agree_action_plan(network.worker_a, young_person),
    )

    assert error.code == "PLAN_EXISTS"


@pytest.mark.parametrize("progress", [0, 55, 100])
def test_goal_progress_is_reviewed_from_zero_to_a_hundred(network: Network, progress: int) -> None:
    young_person = network.enrol()
    network.ledger.agree_action_plan(network.worker_a, young_person)
    added = goal(network, young_person)

    events = network.then(
        lambda: network.ledger.review_goal(
            network.worker_a, young_person, goal_id=added, progress=progress
        )
    )

    assert events == ["GoalProgressReviewed"]
    assert case_of(network, young_person).goals[str(added)].progress == progress


@pytest.mark.parametrize("progress", [-1, 101])
def test_goal_progress_outside_zero_to_a_hundred_is_refused(
    network: Network, progress: int
) -> None:
    young_person = network.enrol()
    network.ledger.agree_action_plan(network.worker_a, young_person)
    added = goal(network, young_person)

    error = refused(
        network,
        InvalidInput,
        lambda: network.ledger.review_goal(
            network.worker_a, young_person, goal_id=added, progress=progress
        ),
    )

    assert error.field == "progress"


def test_a_goal_ends_achieved_or_dropped_and_then_stays_ended(network: Network) -> None:
    young_person = network.enrol()
    network.ledger.agree_action_plan(network.worker_a, young_person)
    added = goal(network, young_person)
    error = refused(
        network,
        InvalidInput,
        lambda: network.ledger.end_goal(
            network.worker_a, young_person, goal_id=added, status=GoalStatus.OPEN
        ),
    )
    assert error.field == "status"

    events = network.then(
        lambda: network.ledger.end_goal(
            network.worker_a, young_person, goal_id=added, status=GoalStatus.ACHIEVED
        )
    )

    assert events == ["GoalAchieved"]
    assert case_of(network, young_person).goals[str(added)].progress == 100
    refused(
        network,
        RuleViolation,
        lambda: network.ledger.end_goal(
            network.worker_a, young_person, goal_id=added, status=GoalStatus.DROPPED
        ),
    )


@pytest.mark.parametrize(
    ("days_after_set", "years_after_set", "accepted"),
    [(0, 0, True), (-1, 0, False), (0, 10, True), (1, 10, False), (0, 180, False)],
)
def test_a_goal_targets_a_day_between_its_setting_and_ten_years_on(
    network: Network, days_after_set: int, years_after_set: int, accepted: bool
) -> None:
    """A target before the goal was set, or one lifetimes away (0226 for 2026 the other way
    round), is a typo: refused, naming the field."""
    young_person = network.enrol(occurred_at=network.clock.now - timedelta(days=60))
    network.ledger.agree_action_plan(
        network.worker_a, young_person, occurred_at=network.clock.now - timedelta(days=60)
    )
    set_on = (network.clock.now - timedelta(days=30)).date()
    target = set_on.replace(year=set_on.year + years_after_set) + timedelta(days=days_after_set)

    def add() -> UUID:
        return network.ledger.add_goal(
            network.worker_a,
            young_person,
            domain=Domain.EDUCATION,
            description="Back to school.",
            target_date=target,
            occurred_at=network.clock.now - timedelta(days=30),
        )

    if accepted:
        assert network.then(add) == ["GoalAdded"]
    else:
        assert refused(network, InvalidInput, add).field == "target_date"
