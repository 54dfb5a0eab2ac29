"""Unanswered referrals expire through a real event emitted by the worker's policy."""

from datetime import timedelta

from domain.vocabulary import Domain
from projections.queries.referrals import referrals_of_case
from tests.projections.conftest import World


def test_a_referral_unanswered_for_the_delay_expires_by_an_event(world: World) -> None:
    young_person = world.network.enrol()
    ledger, n = world.parcours.ledger, world.network
    stale = ledger.make_referral(
        n.worker_a, young_person, to_association_id=n.b, domain=Domain.HOUSING
    )
    world.caught_up()
    runner = world.parcours.projections
    n.clock.advance(days=29)
    runner.run_policies()
    fresh = ledger.make_referral(
        n.worker_a, young_person, to_association_id=n.c, domain=Domain.HOUSING
    )
    early = {
        r.referral_id: r.status
        for r in referrals_of_case(world.caught_up().parcours.read_store, young_person)
    }

    n.clock.advance(days=1, minutes=1)
    runner.run_policies()
    runner.run_policies()
    late = {
        r.referral_id: r.status
        for r in referrals_of_case(world.caught_up().parcours.read_store, young_person)
    }

    assert early == {str(stale): "MADE", str(fresh): "MADE"}
    assert late == {str(stale): "EXPIRED", str(fresh): "MADE"}
    expired = [name for name in n.events_since(0) if name == "ReferralExpired"]
    assert expired == ["ReferralExpired"]


def test_a_referral_entered_late_gets_the_full_delay(world: World) -> None:
    young_person = world.network.enrol(occurred_at=world.network.clock.now - timedelta(days=90))
    n = world.network
    world.parcours.ledger.make_referral(
        n.worker_a,
        young_person,
        to_association_id=n.b,
        domain=Domain.HOUSING,
        occurred_at=n.clock.now - timedelta(days=60),
    )
    world.caught_up()

    world.parcours.projections.run_policies()

    [referral] = referrals_of_case(world.caught_up().parcours.read_store, young_person)
    assert referral.status == "MADE"
