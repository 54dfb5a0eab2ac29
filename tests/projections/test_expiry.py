"""Unanswered referrals expire through a real event emitted by the worker's policy."""

from datetime import timedelta
from uuid import UUID

from domain.vocabulary import Domain
from projections.policies import ReferralExpiry
from projections.queries.cases import access_facts
from projections.queries.referrals import (
    ReferralRow,
    referrals_of_association,
    referrals_of_cases,
)
from projections.store import ReadStore
from tests.projections.conftest import World


def referrals_of(store: ReadStore, young_person: UUID) -> list[ReferralRow]:
    return referrals_of_cases(store, [str(young_person)]).get(str(young_person), [])


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
        for r in referrals_of(world.caught_up().parcours.read_store, young_person)
    }

    n.clock.advance(days=1, minutes=1)
    runner.run_policies()
    runner.run_policies()
    late = {
        r.referral_id: r.status
        for r in referrals_of(world.caught_up().parcours.read_store, young_person)
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

    [referral] = referrals_of(world.caught_up().parcours.read_store, young_person)
    assert referral.status == "MADE"


def test_an_erasure_takes_the_referral_out_of_the_inbox_and_ends_the_involvement(
    world: World,
) -> None:
    n = world.network
    young_person = n.enrol()
    referral = world.parcours.ledger.make_referral(
        n.worker_a, young_person, to_association_id=n.b, domain=Domain.HOUSING
    )

    world.parcours.ledger.erase_young_person(n.admin, young_person, reason="art. 17")

    store = world.caught_up().parcours.read_store
    [row] = referrals_of(store, young_person)
    assert (row.referral_id, row.status) == (str(referral), "WITHDRAWN")
    made = referrals_of_association(store, str(n.b), incoming=True, status="MADE")
    assert made.items == []
    assert access_facts(store, young_person).relations_of(str(n.b)) == frozenset()


def test_a_case_erased_with_a_referral_still_open_is_not_offered_for_expiry(world: World) -> None:
    """Before erasures ended open referrals, a case could be erased with one still `MADE`: the
    ledger refuses every new fact on it, so the policy must not ask again at every run."""
    n, ledger = world.network, world.parcours.ledger
    young_person = n.enrol()
    ledger.make_referral(n.worker_a, young_person, to_association_id=n.b, domain=Domain.HOUSING)
    erased_as_before(world, young_person)
    n.clock.advance(days=31)
    expiry = ReferralExpiry(
        world.caught_up().parcours.read_store, _never, expiry_days=30, clock=n.clock
    )

    assert expiry.due() == []
    assert expiry.run_once() == 0


def erased_as_before(world: World, young_person: UUID) -> None:
    """Records `Erased` alone, as erasures did before they ended open referrals (white-box:
    the aggregate's event method, saved through the ledger's append)."""
    ledger = world.parcours.ledger
    case = ledger.young_person(young_person)
    reason = ledger.vault.sealer(young_person)("art. 17")
    case._erased(actor=world.network.admin, reason=reason, erased_at=world.network.clock.now)
    ledger._append([case])
    ledger.vault.destroy_key(young_person)


def _never(young_person: UUID, referral: UUID, days: int) -> None:
    raise AssertionError(f"asked to expire {referral} of an erased case")
