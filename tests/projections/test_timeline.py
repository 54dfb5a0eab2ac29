"""The timeline read model: ordered by business time, paged by keyset, correct across
amendments, retractions, late entries and as-of reads."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.vocabulary import Domain
from projections.queries.paging import InvalidCursorError
from projections.queries.timeline import TimelineEntry, TimelineFilter, timeline_page
from tests.projections.conftest import World


def all_entries(world: World, young_person: UUID, **where: object) -> list[TimelineEntry]:
    page = timeline_page(
        world.parcours.read_store,
        young_person,
        first=500,
        where=TimelineFilter(**where),  # type: ignore[arg-type]
    )
    return [entry for _, entry in page.items]


def visit(world: World, young_person: UUID, days_ago: float, summary: str) -> UUID:
    return world.parcours.ledger.record_intervention(
        world.network.worker_a,
        young_person,
        domain=Domain.EDUCATION,
        kind="tutoring",
        occurred_at=world.network.clock.now - timedelta(days=days_ago),
        summary=summary,
    )


def test_entries_are_ordered_by_when_they_happened_not_when_recorded(world: World) -> None:
    young_person = world.network.enrol(occurred_at=world.network.clock.now - timedelta(days=30))
    visit(world, young_person, 2, "recent")
    visit(world, young_person, 20, "late entry, long ago")
    visit(world, young_person, 10, "middle")

    labels = [
        (e.kind, world.parcours.vault.open_token(young_person, e.summary_token))
        for e in all_entries(world.caught_up(), young_person)
    ]

    assert labels == [
        ("ENROLMENT", None),
        ("INTERVENTION", "late entry, long ago"),
        ("INTERVENTION", "middle"),
        ("INTERVENTION", "recent"),
    ]


def test_pages_follow_each_other_without_gaps_or_repeats(world: World) -> None:
    young_person = world.network.enrol(occurred_at=world.network.clock.now - timedelta(days=30))
    for day in range(7):
        visit(world, young_person, day + 0.5, f"visit {day}")
    store = world.caught_up().parcours.read_store

    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = timeline_page(store, young_person, first=3, after=cursor)
        seen += [entry.entry_id for _, entry in page.items]
        pages += 1
        if not page.has_next:
            break
        cursor = page.end_cursor

    assert pages == 3
    assert seen == [e.entry_id for e in all_entries(world, young_person)]
    assert len(set(seen)) == 8


def test_an_amendment_shows_the_new_values_and_moves_the_entry(world: World) -> None:
    young_person = world.network.enrol(occurred_at=world.network.clock.now - timedelta(days=30))
    first = visit(world, young_person, 5, "first draft")
    visit(world, young_person, 3, "other")
    world.parcours.ledger.amend_intervention(
        world.network.worker_a,
        young_person,
        intervention_id=first,
        summary="corrected",
        occurred_at=world.network.clock.now - timedelta(days=1),
        reason="wrong day",
    )

    entries = all_entries(world.caught_up(), young_person)

    amended = entries[-1]
    assert amended.entry_id == str(first)
    assert amended.amended
    assert not amended.retracted
    assert world.parcours.vault.open_token(young_person, amended.summary_token) == "corrected"
    assert len(entries) == 3


def test_a_retracted_entry_stays_visible_as_retracted(world: World) -> None:
    young_person = world.network.enrol(occurred_at=world.network.clock.now - timedelta(days=30))
    mistaken = visit(world, young_person, 5, "wrong person")
    world.parcours.ledger.retract_intervention(
        world.network.worker_a, young_person, intervention_id=mistaken, reason="wrong file"
    )

    [_, entry] = all_entries(world.caught_up(), young_person)

    assert entry.entry_id == str(mistaken)
    assert entry.retracted


def test_as_of_shows_the_timeline_as_the_ledger_knew_it_then(world: World) -> None:
    young_person = world.network.enrol(occurred_at=world.network.clock.now - timedelta(days=30))
    kept = visit(world, young_person, 5, "original")
    before_changes = datetime.now(UTC)
    world.parcours.ledger.amend_intervention(
        world.network.worker_a,
        young_person,
        intervention_id=kept,
        summary="amended",
        reason="typo",
    )
    after_amendment = datetime.now(UTC)
    dropped = visit(world, young_person, 4, "later retracted")
    world.parcours.ledger.retract_intervention(
        world.network.worker_a, young_person, intervention_id=dropped, reason="duplicate"
    )
    world.caught_up()
    vault = world.parcours.vault

    then = all_entries(world, young_person, as_of=before_changes)
    middle = all_entries(world, young_person, as_of=after_amendment)
    now = all_entries(world, young_person)

    assert [(vault.open_token(young_person, e.summary_token), e.amended) for e in then[1:]] == [
        ("original", False)
    ]
    assert [(vault.open_token(young_person, e.summary_token), e.amended) for e in middle[1:]] == [
        ("amended", True)
    ]
    assert [(e.entry_id, e.retracted) for e in now[1:]] == [
        (str(kept), False),
        (str(dropped), True),
    ]


def test_filters_by_business_time_and_domain(world: World) -> None:
    young_person = world.network.enrol(occurred_at=world.network.clock.now - timedelta(days=30))
    visit(world, young_person, 10, "old")
    visit(world, young_person, 2, "recent")
    world.parcours.ledger.identify_need(
        world.network.worker_a,
        young_person,
        domain=Domain.HOUSING,
        severity=3,
        occurred_at=world.network.clock.now - timedelta(days=1),
    )
    world.caught_up()
    since = world.network.clock.now - timedelta(days=5)

    recent = all_entries(world, young_person, occurred_from=since)
    education = all_entries(world, young_person, domains=["EDUCATION"])
    until = all_entries(world, young_person, occurred_to=since)

    assert [e.kind for e in recent] == ["INTERVENTION", "NEED"]
    assert [e.domain for e in education] == ["EDUCATION", "EDUCATION"]
    assert [e.kind for e in until] == ["ENROLMENT", "INTERVENTION"]


def test_health_entries_carry_their_sensitivity(world: World) -> None:
    young_person = world.network.enrol()
    world.parcours.ledger.identify_need(
        world.network.worker_a, young_person, domain=Domain.MENTAL_HEALTH, severity=4
    )

    need = all_entries(world.caught_up(), young_person)[-1]

    assert (need.domain, need.sensitivity) == ("MENTAL_HEALTH", "HEALTH")


def test_a_forged_cursor_is_refused(world: World) -> None:
    young_person = world.network.enrol()
    world.caught_up()

    with pytest.raises(InvalidCursorError):
        timeline_page(world.parcours.read_store, young_person, after="bm90LWEtY3Vyc29y")


def test_referral_moves_are_the_mover_s_the_addressee_s_when_lapsed_the_network_s_at_erasure(
    world: World,
) -> None:
    """A withdrawal the erasure made is no association's: attributed to the addressee, it read
    as the addressee withdrawing (only the sender may) and was redacted as its entry."""
    n, ledger = world.network, world.parcours.ledger
    young_person = n.enrol()
    withdrawn = ledger.make_referral(
        n.worker_a, young_person, to_association_id=n.b, domain=Domain.HOUSING
    )
    ledger.withdraw_referral(n.worker_a, young_person, referral_id=withdrawn)
    ledger.make_referral(
        n.worker_a, young_person, to_association_id=n.c, domain=Domain.MENTAL_HEALTH
    )
    lapsed = ledger.make_referral(
        n.worker_a, young_person, to_association_id=n.b, domain=Domain.EDUCATION
    )
    n.clock.advance(days=31)
    ledger.expire_referral(young_person, referral_id=lapsed, expiry_days=30)
    n.clock.advance(minutes=1)

    ledger.erase_young_person(n.admin, young_person, reason="art. 17")

    moves = [
        (e.label, e.association_id)
        for e in sorted(all_entries(world.caught_up(), young_person), key=lambda e: e.recorded_at)
        if e.kind == "REFERRAL" and e.label != "Referral made"
    ]
    assert moves == [
        ("Referral withdrawn", str(n.a)),
        ("Referral expired", str(n.b)),
        ("Referral withdrawn", None),
    ]
