"""Referral indicators over a small story of referrals between the network's associations."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.vocabulary import DeclineReason, Domain
from projections.queries.indicators import ReferralMetrics, referral_metrics, referral_metrics_by
from tests.projections.conftest import World
from tests.support import START

HOUSING, MENTAL_HEALTH = Domain.HOUSING, Domain.MENTAL_HEALTH


@dataclass
class Story:
    """Six referrals made by A on 2 March 2026 at 09:00, and what became of them.

    r1 A→B housing: accepted day 2, completed day 10.  r2 A→B housing: declined at capacity day 1.
    r3 A→C mental health: declined as not eligible day 4.  r4 A→B housing: withdrawn day 3.
    r5 A→C mental health: expired day 30.  r6 A→B housing: accepted day 5, still open.
    """

    world: World
    first: UUID
    second: UUID
    referrals: dict[str, UUID]


def refer(world: World, young_person: UUID, to: UUID, domain: Domain) -> UUID:
    n = world.network
    return n.ledger.make_referral(n.worker_a, young_person, to_association_id=to, domain=domain)


def tell_story(world: World) -> Story:
    n, ledger = world.network, world.network.ledger
    first, second = n.enrol(), n.enrol(first_name="Yanis")
    r = {
        "r1": refer(world, first, n.b, HOUSING),
        "r2": refer(world, second, n.b, HOUSING),
        "r3": refer(world, first, n.c, MENTAL_HEALTH),
        "r4": refer(world, second, n.b, HOUSING),
        "r5": refer(world, second, n.c, MENTAL_HEALTH),
        "r6": refer(world, first, n.b, HOUSING),
    }
    n.clock.advance(days=1)
    ledger.decline_referral(
        n.worker_b, second, referral_id=r["r2"], reason=DeclineReason.AT_CAPACITY
    )
    n.clock.advance(days=1)
    ledger.accept_referral(n.worker_b, first, referral_id=r["r1"])
    n.clock.advance(days=1)
    ledger.withdraw_referral(n.worker_a, second, referral_id=r["r4"])
    n.clock.advance(days=1)
    ledger.decline_referral(
        n.worker_c, first, referral_id=r["r3"], reason=DeclineReason.NOT_ELIGIBLE
    )
    n.clock.advance(days=1)
    ledger.accept_referral(n.worker_b, first, referral_id=r["r6"])
    n.clock.advance(days=5)
    ledger.complete_referral(n.worker_b, first, referral_id=r["r1"], outcome="Housed")
    n.clock.advance(days=20)
    ledger.expire_referral(second, referral_id=r["r5"], expiry_days=30)
    world.caught_up()
    return Story(world, first, second, r)


def test_a_network_without_referrals_has_no_rate_and_no_medians(world: World) -> None:
    world.caught_up()

    metrics = referral_metrics(world.parcours.read_store)

    assert metrics == ReferralMetrics()
    assert metrics.closed_loop_rate is None


def test_every_referral_is_counted_under_each_state_it_reached(world: World) -> None:
    story = tell_story(world)

    metrics = referral_metrics(story.world.parcours.read_store)

    assert metrics == ReferralMetrics(
        made=6,
        accepted=2,
        declined=2,
        declined_by_reason={"AT_CAPACITY": 1, "NOT_ELIGIBLE": 1},
        withdrawn=1,
        expired=1,
        completed=1,
        median_days_to_response=3.0,
        median_days_to_completion=10.0,
    )
    assert metrics.closed_loop_rate == pytest.approx(1 / 6)


def test_responses_exclude_withdrawals_and_expiries(world: World) -> None:
    story = tell_story(world)

    to_c = referral_metrics(story.world.parcours.read_store, to_association_id=str(world.network.c))

    assert to_c.made == 2
    assert to_c.median_days_to_response == 4.0
    assert to_c.median_days_to_completion is None
    assert to_c.closed_loop_rate == 0.0


def test_metrics_per_association_pair_split_the_same_referrals(world: World) -> None:
    story = tell_story(world)
    a, b, c = (str(x) for x in (world.network.a, world.network.b, world.network.c))

    by_pair = referral_metrics_by(story.world.parcours.read_store, "association_pair")

    assert [key for key, _ in by_pair] == sorted([(a, b), (a, c)])
    assert dict(by_pair) == {
        (a, b): ReferralMetrics(
            made=4,
            accepted=2,
            declined=1,
            declined_by_reason={"AT_CAPACITY": 1},
            withdrawn=1,
            completed=1,
            median_days_to_response=2.0,
            median_days_to_completion=10.0,
        ),
        (a, c): ReferralMetrics(
            made=2,
            declined=1,
            declined_by_reason={"NOT_ELIGIBLE": 1},
            expired=1,
            median_days_to_response=4.0,
        ),
    }


def test_metrics_per_domain_follow_the_referrals_domain(world: World) -> None:
    story = tell_story(world)

    by_domain = dict(referral_metrics_by(story.world.parcours.read_store, "domain"))

    assert sorted(by_domain) == ["HOUSING", "MENTAL_HEALTH"]
    assert (by_domain["HOUSING"].made, by_domain["HOUSING"].completed) == (4, 1)
    assert by_domain["HOUSING"].closed_loop_rate == 0.25
    assert by_domain["MENTAL_HEALTH"].expired == 1


def late_referral(world: World, days_ago: int, domain: Domain = HOUSING) -> UUID:
    """A referral entered today that was made `days_ago` (a late entry is normal)."""
    n = world.network
    young_person = n.enrol(occurred_at=n.clock.now - timedelta(days=days_ago + 1))
    return n.ledger.make_referral(
        n.worker_a,
        young_person,
        to_association_id=n.b,
        domain=domain,
        occurred_at=n.clock.now - timedelta(days=days_ago),
    )


def test_a_late_entry_is_counted_in_the_month_it_was_made(world: World) -> None:
    late_referral(world, days_ago=20)  # 10 February 2026
    late_referral(world, days_ago=1)  # 1 March 2026
    late_referral(world, days_ago=0)  # 2 March 2026
    world.caught_up()

    by_month = referral_metrics_by(world.parcours.read_store, "month")

    assert [(month, m.made) for month, m in by_month] == [("2026-02", 1), ("2026-03", 2)]


def test_a_period_includes_its_start_and_excludes_its_end(world: World) -> None:
    late_referral(world, days_ago=20)
    late_referral(world, days_ago=1)
    late_referral(world, days_ago=0)
    world.caught_up()
    store = world.parcours.read_store
    march = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)  # the made_at of the 1 March referral

    assert referral_metrics(store, made_from=march).made == 2
    assert referral_metrics(store, made_to=march).made == 1
    assert referral_metrics(store, made_from=march, made_to=START).made == 1
    assert referral_metrics(store, made_from=START, made_to=START).made == 0


def test_filters_by_sender_addressee_and_domain_combine(world: World) -> None:
    story = tell_story(world)
    store, n = story.world.parcours.read_store, world.network

    assert referral_metrics(store, from_association_id=str(n.a)).made == 6
    assert referral_metrics(store, from_association_id=str(n.b)).made == 0
    assert referral_metrics(store, to_association_id=str(n.b), domain="HOUSING").made == 4
    assert referral_metrics(store, to_association_id=str(n.b), domain="MENTAL_HEALTH").made == 0
    housing_in_march = referral_metrics_by(
        store, "association_pair", domain="HOUSING", made_to=START + timedelta(seconds=1)
    )
    assert [(key, m.made) for key, m in housing_in_march] == [((str(n.a), str(n.b)), 4)]
