"""Access facts that end: a partner leaving a programme, a handover cancelled or declined, a
referral expired or withdrawn — each ends the involvement it gave, and only that one."""

from uuid import UUID

import pytest

from domain.network.programme import Component
from domain.vocabulary import Domain, HandoverStatus
from projections.queries.cases import AccessFacts, access_facts
from tests.projections.conftest import World

EXPIRY_DAYS = 30


def facts(world: World, young_person: UUID) -> AccessFacts:
    world.caught_up()
    return access_facts(world.parcours.read_store, young_person)


def relations(world: World, young_person: UUID, association: UUID) -> frozenset[str]:
    return facts(world, young_person).relations_of(str(association))


# --- programmes ---------------------------------------------------------------------------------


def test_a_partner_that_leaves_the_programme_loses_the_involvement_it_gave(
    world: World,
) -> None:
    """B is involved both through the programme and through a referral: leaving ends the
    programme's involvement alone, for every enrolled young person, and C stays a partner."""
    ledger, n = world.parcours.ledger, world.network
    programme = ledger.launch_programme(
        n.admin,
        name="Cap Avenir",
        components=(Component(n.b, Domain.HOUSING), Component(n.c, Domain.MENTORING)),
        capacity=10,
    )
    first, second = n.enrol(), n.enrol(first_name="Noa")
    for young_person in (first, second):
        ledger.enrol_in_programme(n.worker_a, young_person, programme_id=programme)
    ledger.make_referral(n.worker_a, first, to_association_id=n.b, domain=Domain.HOUSING)
    partner = {yp: relations(world, yp, n.b) for yp in (first, second)}

    ledger.leave_partnership(n.coordinator_b, programme, association_id=n.b)
    left = {yp: relations(world, yp, n.b) for yp in (first, second)}

    assert partner == {first: {"PROGRAMME", "REFERRAL"}, second: {"PROGRAMME"}}
    assert left == {first: {"REFERRAL"}, second: set()}
    assert relations(world, first, n.c) == {"PROGRAMME"}
    assert relations(world, second, n.c) == {"PROGRAMME"}
    assert relations(world, first, n.a) == {"LEAD"}


# --- handovers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("ending", [HandoverStatus.CANCELLED, HandoverStatus.DECLINED])
def test_a_handover_that_ends_unaccepted_ends_the_addressee_s_involvement(
    world: World, ending: HandoverStatus
) -> None:
    """Cancelled by A, who proposed it, or declined by C, its addressee: the lead stays."""
    ledger, n = world.parcours.ledger, world.network
    young_person = n.enrol()
    handover = ledger.propose_handover(n.worker_a, young_person, to_association_id=n.c)
    proposed = relations(world, young_person, n.c)
    by = n.worker_a if ending is HandoverStatus.CANCELLED else n.worker_c

    ledger.end_handover(by, young_person, handover_id=handover, status=ending)
    ended = facts(world, young_person)

    assert proposed == {"HANDOVER"}
    assert ended.relations_of(str(n.c)) == set()
    assert ended.relations_of(str(n.a)) == {"LEAD"}
    assert ended.lead_association_id == str(n.a)


# --- referrals ----------------------------------------------------------------------------------


def test_an_expired_referral_ends_the_addressee_s_involvement(world: World) -> None:
    """The referral to B lapses unanswered; the one to C, made later, is not due yet."""
    ledger, n = world.parcours.ledger, world.network
    young_person = n.enrol()
    stale = ledger.make_referral(
        n.worker_a, young_person, to_association_id=n.b, domain=Domain.HOUSING
    )
    n.clock.advance(days=EXPIRY_DAYS - 1)
    ledger.make_referral(n.worker_a, young_person, to_association_id=n.c, domain=Domain.HOUSING)
    pending = {a: relations(world, young_person, a) for a in (n.b, n.c)}
    n.clock.advance(days=1, minutes=1)

    ledger.expire_referral(young_person, referral_id=stale, expiry_days=EXPIRY_DAYS)
    expired = {a: relations(world, young_person, a) for a in (n.b, n.c)}

    assert pending == {n.b: {"REFERRAL"}, n.c: {"REFERRAL"}}
    assert expired == {n.b: set(), n.c: {"REFERRAL"}}


@pytest.mark.parametrize("accepted", [False, True], ids=["pending", "accepted"])
def test_a_withdrawn_referral_ends_the_addressee_s_involvement(
    world: World, accepted: bool
) -> None:
    """Withdrawn by A, who made it, pending or once accepted; A's other referral, to C,
    still involves C."""
    ledger, n = world.parcours.ledger, world.network
    young_person = n.enrol()
    referral = ledger.make_referral(
        n.worker_a, young_person, to_association_id=n.b, domain=Domain.HOUSING
    )
    ledger.make_referral(n.worker_a, young_person, to_association_id=n.c, domain=Domain.HOUSING)
    if accepted:
        ledger.accept_referral(n.worker_b, young_person, referral_id=referral)
    open_ = {a: relations(world, young_person, a) for a in (n.b, n.c)}

    ledger.withdraw_referral(n.worker_a, young_person, referral_id=referral)
    withdrawn = {a: relations(world, young_person, a) for a in (n.b, n.c)}

    assert open_ == {n.b: {"REFERRAL"}, n.c: {"REFERRAL"}}
    assert withdrawn == {n.b: set(), n.c: {"REFERRAL"}}
