"""Needs against capacity per territory and domain, service gaps, and referral candidates."""

from datetime import date, datetime, timedelta
from uuid import UUID

from domain.actor import Actor
from domain.network.association import competence
from domain.vocabulary import DeclineReason, Domain, Role
from projections.queries.coverage import (
    Candidate,
    CoverageCell,
    ServiceGap,
    needs_coverage,
    referral_candidates,
    service_gaps,
)
from tests.projections.conftest import World
from tests.support import START

EDUCATION, HOUSING, MENTAL_HEALTH = Domain.EDUCATION, Domain.HOUSING, Domain.MENTAL_HEALTH
FAMILY_SUPPORT = Domain.FAMILY_SUPPORT


def need(world: World, young_person: UUID, domain: Domain) -> UUID:
    n = world.network
    return n.ledger.identify_need(n.worker_a, young_person, domain=domain, severity=3)


def refer(world: World, young_person: UUID, to: UUID, domain: Domain, need_id: UUID) -> UUID:
    n = world.network
    return n.ledger.make_referral(
        n.worker_a, young_person, to_association_id=to, domain=domain, need_id=need_id
    )


def build_territories(world: World) -> None:
    """In 93: B is down to one housing place a month; Foyer du Parc supports families (capacity
    not declared).
    Young people of 93 need housing (two open, one met, one of a closed case), education and
    family support; a young person of 75 needs mental-health care, which C turned away."""
    n, ledger = world.network, world.network.ledger
    ledger.declare_competence(n.coordinator_b, n.b, competence=competence(HOUSING, 1, None))
    ledger.register_association(
        n.admin,
        name="Foyer du Parc",
        territory="93",
        competences=(competence(FAMILY_SUPPORT, None, None),),
    )
    first, second, housed, gone = n.enrol(), n.enrol(), n.enrol(), n.enrol()
    in_paris = n.enrol(territory="75")
    first_housing = need(world, first, HOUSING)
    need(world, first, EDUCATION)
    second_housing = need(world, second, HOUSING)
    need(world, second, FAMILY_SUPPORT)
    met = need(world, housed, HOUSING)
    need(world, gone, HOUSING)
    care = need(world, in_paris, MENTAL_HEALTH)
    accepted_later = refer(world, first, n.b, HOUSING, first_housing)
    accepted_sooner = refer(world, second, n.b, HOUSING, second_housing)
    turned_away = refer(world, housed, n.b, HOUSING, met)
    not_now = refer(world, in_paris, n.c, MENTAL_HEALTH, care)
    n.clock.advance(days=1)
    ledger.accept_referral(n.worker_b, second, referral_id=accepted_sooner)
    for young_person, referral, worker in (
        (housed, turned_away, n.worker_b),
        (in_paris, not_now, n.worker_c),
    ):
        ledger.decline_referral(
            worker, young_person, referral_id=referral, reason=DeclineReason.AT_CAPACITY
        )
    n.clock.advance(days=2)
    ledger.accept_referral(n.worker_b, first, referral_id=accepted_later)
    ledger.meet_need(n.worker_a, housed, need_id=met)
    ledger.close_case(n.worker_a, gone)
    world.caught_up()


def test_coverage_sets_open_needs_of_open_cases_against_declared_capacity(world: World) -> None:
    build_territories(world)

    cells = needs_coverage(world.parcours.read_store)

    assert cells == [
        CoverageCell("75", "MENTAL_HEALTH", 1, 8, 1, None),
        CoverageCell("93", "EDUCATION", 1, 20, 0, None),
        CoverageCell("93", "FAMILY_SUPPORT", 1, 0, 0, None),
        CoverageCell("93", "HOUSING", 2, 1, 1, 2.0),
    ]


def test_a_closed_case_stops_counting_as_demand_until_it_reopens(world: World) -> None:
    n = world.network
    young_person = n.enrol()
    need(world, young_person, HOUSING)
    n.ledger.close_case(n.worker_a, young_person)
    world.caught_up()
    closed = needs_coverage(world.parcours.read_store, territory="93")
    n.ledger.reopen_case(n.worker_a, young_person)
    world.caught_up()
    reopened = needs_coverage(world.parcours.read_store, territory="93")

    assert [(c.domain, c.open_needs) for c in closed] == [("EDUCATION", 0), ("HOUSING", 0)]
    assert [(c.domain, c.open_needs) for c in reopened] == [("EDUCATION", 0), ("HOUSING", 1)]


def test_coverage_of_one_territory_leaves_the_others_out(world: World) -> None:
    build_territories(world)

    cells = needs_coverage(world.parcours.read_store, territory="75")

    assert cells == [CoverageCell("75", "MENTAL_HEALTH", 1, 8, 1, None)]


def test_capacity_adds_up_across_the_associations_of_a_territory(world: World) -> None:
    n = world.network
    n.ledger.register_association(
        n.admin, name="Relais 75", territory="75", competences=(competence(MENTAL_HEALTH, 4, None),)
    )
    world.caught_up()

    cells = needs_coverage(world.parcours.read_store)

    assert [(c.territory, c.domain, c.monthly_capacity) for c in cells] == [
        ("75", "MENTAL_HEALTH", 12),
        ("93", "EDUCATION", 20),
        ("93", "HOUSING", 5),
    ]


def test_gaps_rank_the_widest_shortfall_first_then_declines_at_capacity(world: World) -> None:
    build_territories(world)

    gaps = service_gaps(world.parcours.read_store)

    assert gaps == [
        ServiceGap(
            "93", "HOUSING", shortfall=1, open_needs=2, monthly_capacity=1, declined_at_capacity=1
        ),
        ServiceGap(
            "93",
            "FAMILY_SUPPORT",
            shortfall=1,
            open_needs=1,
            monthly_capacity=0,
            declined_at_capacity=0,
        ),
        ServiceGap(
            "75",
            "MENTAL_HEALTH",
            shortfall=-7,
            open_needs=1,
            monthly_capacity=8,
            declined_at_capacity=1,
        ),
    ]


def test_gaps_are_cut_at_the_limit_and_filtered_by_territory(world: World) -> None:
    build_territories(world)
    store = world.parcours.read_store

    assert [(g.territory, g.domain) for g in service_gaps(store, limit=1)] == [("93", "HOUSING")]
    assert [(g.territory, g.domain) for g in service_gaps(store, territory="75")] == [
        ("75", "MENTAL_HEALTH")
    ]


def register_housing(world: World, name: str, territory: str, capacity: int | None) -> UUID:
    n = world.network
    return n.ledger.register_association(
        n.admin, name=name, territory=territory, competences=(competence(HOUSING, capacity, None),)
    )


def on(day: float) -> datetime:
    """A business time counted in days from Monday 2 March 2026, 09:00 UTC."""
    return START + timedelta(days=day)


def referral_to(
    world: World, to: UUID, made: float, answered: float | None, domain: Domain = HOUSING
) -> None:
    """A referral from A to `to`, made on day `made` and accepted on day `answered` (declined
    when `domain` is not housing; left unanswered when `answered` is None)."""
    n, ledger = world.network, world.network.ledger
    young_person = n.enrol(occurred_at=on(-60))
    referral = ledger.make_referral(
        n.worker_a, young_person, to_association_id=to, domain=domain, occurred_at=on(made)
    )
    addressee = Actor(f"worker-{to}", Role.WORKER, to)
    if answered is None:
        return
    if domain is HOUSING:
        ledger.accept_referral(
            addressee, young_person, referral_id=referral, occurred_at=on(answered)
        )
    else:
        ledger.decline_referral(
            addressee,
            young_person,
            referral_id=referral,
            reason=DeclineReason.OTHER,
            occurred_at=on(answered),
        )


def build_housing_offer(world: World) -> dict[str, str]:
    """Housing in 93 and 75; B answered four referrals (in 2, 1, 4 and 3 days), two of them
    accepted in March, one in February; Abri Solidaire accepted one in March in half a day."""
    n = world.network
    n.clock.advance(days=13)  # Sunday 15 March 2026: every answer below is in the past
    ids = {
        "Maison Relais": register_housing(world, "Maison Relais", "93", 10),
        "Abri Solidaire": register_housing(world, "Abri Solidaire", "93", 4),
        "Foyer Horizon": register_housing(world, "Foyer Horizon", "93", 3),
        "Accueil Jeunes": register_housing(world, "Accueil Jeunes", "93", 3),
        "Toit Commun": register_housing(world, "Toit Commun", "75", None),
        "Association B": n.b,
    }
    referral_to(world, n.b, made=-20, answered=-18)  # accepted in February
    referral_to(world, n.b, made=0, answered=1)
    referral_to(world, n.b, made=0, answered=4)
    referral_to(world, n.b, made=0, answered=3, domain=EDUCATION)
    referral_to(world, n.b, made=0, answered=None)
    referral_to(world, ids["Abri Solidaire"], made=2, answered=2.5)
    world.caught_up()
    return {name: str(association) for name, association in ids.items()}


def test_candidates_rank_by_room_left_then_speed_then_name(world: World) -> None:
    ids = build_housing_offer(world)

    candidates = referral_candidates(world.parcours.read_store, "HOUSING", today=date(2026, 3, 15))

    assert candidates == [
        Candidate(ids["Maison Relais"], "Maison Relais", "93", 10, 0, 10, None),
        Candidate(ids["Abri Solidaire"], "Abri Solidaire", "93", 4, 1, 3, 0.5),
        Candidate(ids["Association B"], "Association B", "93", 5, 2, 3, 2.5),
        Candidate(ids["Accueil Jeunes"], "Accueil Jeunes", "93", 3, 0, 3, None),
        Candidate(ids["Foyer Horizon"], "Foyer Horizon", "93", 3, 0, 3, None),
        Candidate(ids["Toit Commun"], "Toit Commun", "75", None, 0, None, None),
    ]


def test_candidates_of_a_territory_are_its_own_associations(world: World) -> None:
    ids = build_housing_offer(world)
    store = world.parcours.read_store

    in_paris = referral_candidates(store, "HOUSING", "75", today=date(2026, 3, 15))
    mental_health = referral_candidates(store, "MENTAL_HEALTH", "93", today=date(2026, 3, 15))

    assert [c.association_id for c in in_paris] == [ids["Toit Commun"]]
    assert mental_health == []


def test_acceptances_count_against_the_month_they_happened_in(world: World) -> None:
    ids = build_housing_offer(world)

    february = referral_candidates(world.parcours.read_store, "HOUSING", today=date(2026, 2, 28))

    b = next(c for c in february if c.association_id == ids["Association B"])
    assert (b.accepted_this_month, b.remaining_capacity) == (1, 4)
    assert [c.name for c in february][:2] == ["Maison Relais", "Abri Solidaire"]


def test_an_association_over_its_capacity_has_negative_room_left(world: World) -> None:
    n = world.network
    n.clock.advance(days=5)
    for made in (0, 1):
        referral_to(world, n.c, made=made, answered=made + 1, domain=HOUSING)
    n.ledger.declare_competence(
        Actor("coord-c", Role.COORDINATOR, n.c), n.c, competence=competence(HOUSING, 1, None)
    )
    world.caught_up()

    (c,) = referral_candidates(world.parcours.read_store, "HOUSING", "75", today=START.date())

    assert (c.monthly_capacity, c.accepted_this_month, c.remaining_capacity) == (1, 2, -1)
    assert c.median_days_to_respond == 1.0
