"""Replay equals live: stored events (and snapshots) rebuild exactly the state that was decided."""

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from domain.ledger.encoding import SNAPSHOT_INTERVAL, snapshot_due
from domain.network.association import competence
from domain.vocabulary import ConsentGiver, DeclineReason, Domain, ResourceKind, Sensitivity
from tests.domain.givens import LiveLedger, fresh_network, intervention, programme, replayed
from tests.support import Network


def live_network() -> tuple[Network, LiveLedger]:
    network = fresh_network()
    assert isinstance(network.ledger, LiveLedger)
    return network, network.ledger


def assert_replay_equals_live(ledger: LiveLedger, aggregate_id: UUID) -> None:
    live: Any = ledger.live[aggregate_id]
    assert vars(ledger.repository.get(aggregate_id)) == vars(live)
    assert vars(replayed(ledger, aggregate_id)) == vars(live)


def test_a_rich_case_file_replays_to_its_live_state() -> None:
    network, ledger = live_network()
    young_person = network.enrol()
    ledger.give_consent(
        network.worker_a,
        young_person,
        sensitivities=(Sensitivity.HEALTH, Sensitivity.JUSTICE),
        purpose="Care coordination.",
        given_by=ConsentGiver.GUARDIAN,
        recipients=(network.b, network.c),
        expires_on=date(2027, 1, 1),
    )
    need = ledger.identify_need(network.worker_a, young_person, domain=Domain.HOUSING, severity=4)
    ledger.agree_action_plan(network.worker_a, young_person)
    goal = ledger.add_goal(
        network.worker_a,
        young_person,
        domain=Domain.HOUSING,
        description="A flat.",
        target_date=date(2026, 9, 1),
    )
    ledger.review_goal(network.worker_a, young_person, goal_id=goal, progress=40)
    referral = ledger.make_referral(
        network.worker_a,
        young_person,
        to_association_id=network.b,
        domain=Domain.HOUSING,
        need_id=need,
    )
    declined = ledger.make_referral(
        network.worker_a, young_person, to_association_id=network.c, domain=Domain.MENTAL_HEALTH
    )
    ledger.decline_referral(
        network.worker_c, young_person, referral_id=declined, reason=DeclineReason.AT_CAPACITY
    )
    ledger.accept_referral(network.worker_b, young_person, referral_id=referral)
    ledger.assign_mentor(
        network.worker_a, young_person, mentor_user_id="mentor-b", mentor_association_id=network.b
    )
    passerelle = programme(network, (network.c,))
    ledger.enrol_in_programme(network.worker_a, young_person, programme_id=passerelle)
    recorded = intervention(network, network.worker_c, young_person, programme_id=passerelle)
    ledger.amend_intervention(
        network.worker_c,
        young_person,
        intervention_id=recorded,
        occurred_at=network.clock.now - timedelta(days=2),
        reason="Wrong day.",
    )
    handover = ledger.propose_handover(network.worker_a, young_person, to_association_id=network.b)
    ledger.accept_handover(network.worker_b, young_person, handover_id=handover)
    ledger.close_case(network.worker_b, young_person, reason="Housed.")

    assert_replay_equals_live(ledger, young_person)
    assert_replay_equals_live(ledger, passerelle)


def test_a_case_file_read_from_a_snapshot_equals_its_live_state() -> None:
    network, ledger = live_network()
    young_person = network.enrol()
    for _ in range(SNAPSHOT_INTERVAL + 5):
        intervention(network, network.worker_a, young_person)

    assert ledger.snapshots is not None
    assert list(ledger.snapshots.get(young_person)), "no snapshot was taken"
    assert_replay_equals_live(ledger, young_person)


def test_a_long_case_file_is_snapshotted_at_the_first_interval_then_at_each_doubling() -> None:
    network, ledger = live_network()
    young_person = network.enrol()
    while ledger.live[young_person].version < 4 * SNAPSHOT_INTERVAL + 10:
        intervention(network, network.worker_a, young_person)

    assert ledger.snapshots is not None
    taken = [s.originator_version for s in ledger.snapshots.get(young_person)]
    assert taken == [SNAPSHOT_INTERVAL, 2 * SNAPSHOT_INTERVAL, 4 * SNAPSHOT_INTERVAL]
    assert_replay_equals_live(ledger, young_person)


@given(st.integers(min_value=1, max_value=10**7), st.integers(min_value=1, max_value=1000))
def test_snapshots_are_due_at_the_first_interval_times_a_power_of_two(
    version: int, first: int
) -> None:
    multiple, remainder = divmod(version, first)
    assert snapshot_due(version, first) == (
        remainder == 0 and multiple in {2**k for k in range(25)}
    )


def test_the_network_aggregates_replay_to_their_live_state() -> None:
    network, ledger = live_network()
    ledger.declare_competence(
        network.coordinator_b,
        network.b,
        competence=competence(Domain.FAMILY_SUPPORT, 3, "Family mediation."),
    )
    hall = ledger.offer_resource(
        network.coordinator_b, network.b, kind=ResourceKind.PREMISES, name="Hall", capacity=4
    )
    passerelle = programme(network, (network.a, network.c), capacity=10)
    ledger.join_programme(
        network.coordinator_b, passerelle, association_id=network.b, domains=(Domain.HOUSING,)
    )
    ledger.allocate_resource(
        network.coordinator_b,
        hall,
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 6, 30),
        quantity=3,
        programme_id=passerelle,
    )
    note = ledger.publish_practice_note(
        network.worker_c,
        title="Evening hours",
        body="Open late.",
        domains=(Domain.MENTAL_HEALTH,),
        programme_id=passerelle,
    )
    ledger.endorse_practice_note(network.worker_a, note)

    for aggregate_id in (network.b, hall, passerelle, note):
        assert_replay_equals_live(ledger, aggregate_id)
