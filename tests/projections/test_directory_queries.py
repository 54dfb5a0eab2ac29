"""The directory's queries: associations, competences, programmes, resources, practice notes."""

from datetime import date
from uuid import UUID, uuid4

import pytest

from domain.actor import Actor
from domain.network.association import competence
from domain.network.programme import Component
from domain.vocabulary import Domain, ResourceKind
from projections.queries.directory import (
    AllocationRow,
    AssociationRow,
    CompetenceRow,
    ComponentRow,
    ProgrammeRow,
    associations_by_id,
    associations_page,
    competences_of,
    practice_notes_page,
    programme,
    programmes_page,
    resources_of,
)
from projections.queries.paging import InvalidCursorError, Page
from tests.projections.conftest import World


def names(page: Page[AssociationRow] | Page[ProgrammeRow]) -> list[str]:
    return [item.name for _, item in page.items]


def test_associations_page_one_by_one_in_registration_order(world: World) -> None:
    store = world.caught_up().parcours.read_store

    first = associations_page(store, first=1)
    second = associations_page(store, first=1, after=first.end_cursor)
    third = associations_page(store, first=1, after=second.end_cursor)

    assert [names(p) for p in (first, second, third)] == [
        ["Association A"],
        ["Association B"],
        ["Association C"],
    ]
    assert [(p.has_previous, p.has_next) for p in (first, second, third)] == [
        (False, True),
        (True, True),
        (True, False),
    ]
    assert names(associations_page(store)) == ["Association A", "Association B", "Association C"]


def test_associations_filter_by_declared_domain_and_territory(world: World) -> None:
    n = world.network
    n.ledger.register_association(
        n.admin,
        name="Foyer Horizon",
        territory="75",
        competences=(competence(Domain.HOUSING, 3, None),),
    )
    n.ledger.withdraw_competence(n.coordinator_b, n.b, domain=Domain.HOUSING)
    store = world.caught_up().parcours.read_store

    assert names(associations_page(store, domain="HOUSING")) == ["Foyer Horizon"]
    assert names(associations_page(store, territory="75")) == ["Association C", "Foyer Horizon"]
    assert names(associations_page(store, territory="93")) == ["Association A", "Association B"]
    assert names(associations_page(store, domain="EDUCATION", territory="75")) == []


def test_a_cursor_from_another_list_is_refused(world: World) -> None:
    launch(world, "Cap Avenir", (world.network.a, Domain.EDUCATION))
    store = world.caught_up().parcours.read_store
    cursor = programmes_page(store, first=1).end_cursor
    assert cursor is not None

    with pytest.raises(InvalidCursorError):
        associations_page(store, after=cursor)


def test_associations_by_id_load_a_batch_and_skip_unknown_ids(world: World) -> None:
    n = world.network
    store = world.caught_up().parcours.read_store

    found = associations_by_id(store, [n.b, str(n.c), uuid4()])

    assert {key: row.name for key, row in found.items()} == {
        str(n.b): "Association B",
        str(n.c): "Association C",
    }
    assert found[str(n.c)].territory == "75"
    assert associations_by_id(store, []) == {}


def test_competences_of_a_batch_list_every_asked_association(world: World) -> None:
    n = world.network
    mentoring = competence(Domain.MENTORING, None, "Parrainage par des bénévoles")
    n.ledger.declare_competence(n.coordinator_a, n.a, competence=mentoring)
    n.ledger.declare_competence(
        n.coordinator_b, n.b, competence=competence(Domain.HOUSING, 2, None)
    )
    store = world.caught_up().parcours.read_store
    unknown = uuid4()

    found = competences_of(store, [n.a, n.b, unknown])

    a, b = str(n.a), str(n.b)
    assert found == {
        a: [
            CompetenceRow(a, "EDUCATION", 20, None),
            CompetenceRow(a, "MENTORING", None, "Parrainage par des bénévoles"),
        ],
        b: [CompetenceRow(b, "HOUSING", 2, None)],
        str(unknown): [],
    }


def launch(world: World, name: str, *components: tuple[UUID, Domain]) -> UUID:
    n = world.network
    return n.ledger.launch_programme(
        n.admin,
        name=name,
        components=tuple(Component(a, d) for a, d in components),
        capacity=10,
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 12, 31),
    )


def test_a_programme_shows_its_partners_components_and_places_taken(world: World) -> None:
    n, ledger = world.network, world.network.ledger
    cap = launch(world, "Cap Avenir", (n.a, Domain.EDUCATION), (n.b, Domain.HOUSING))
    ledger.join_programme(n.admin, cap, association_id=n.c, domains=(Domain.MENTAL_HEALTH,))
    staying, leaving = n.enrol(), n.enrol()
    for young_person in (staying, leaving):
        ledger.enrol_in_programme(n.worker_a, young_person, programme_id=cap)
    ledger.leave_programme(n.worker_a, leaving, programme_id=cap)
    store = world.caught_up().parcours.read_store

    found = programme(store, cap)

    assert found is not None
    assert (found.name, found.capacity, found.enrolled) == ("Cap Avenir", 10, 1)
    assert (found.starts_on, found.ends_on, found.closed_at) == (
        date(2026, 3, 1),
        date(2026, 12, 31),
        None,
    )
    assert found.partners == tuple(sorted(str(x) for x in (n.a, n.b, n.c)))
    assert found.components == tuple(
        sorted(
            (
                ComponentRow(str(n.a), "EDUCATION"),
                ComponentRow(str(n.b), "HOUSING"),
                ComponentRow(str(n.c), "MENTAL_HEALTH"),
            ),
            key=lambda c: (c.association_id, c.domain),
        )
    )
    assert programme(store, uuid4()) is None


def test_programmes_page_in_launch_order_and_filter_by_partner(world: World) -> None:
    n = world.network
    launch(world, "Cap Avenir", (n.a, Domain.EDUCATION))
    launch(world, "Toit et Soin", (n.b, Domain.HOUSING), (n.c, Domain.MENTAL_HEALTH))
    n.ledger.close_programme(
        n.admin, launch(world, "Été Sport", (n.c, Domain.LEISURE_CULTURE_SPORT))
    )
    store = world.caught_up().parcours.read_store

    first = programmes_page(store, first=2)
    rest = programmes_page(store, first=2, after=first.end_cursor)

    assert (names(first), first.has_next) == (["Cap Avenir", "Toit et Soin"], True)
    assert (names(rest), rest.has_next) == (["Été Sport"], False)
    assert rest.items[0][1].closed_at == world.network.clock.now
    assert names(programmes_page(store, association_id=str(n.c))) == ["Toit et Soin", "Été Sport"]
    assert names(programmes_page(store, association_id=str(n.a))) == ["Cap Avenir"]


def test_resources_keep_their_unreleased_allocations(world: World) -> None:
    n, ledger = world.network, world.network.ledger
    cap = launch(world, "Cap Avenir", (n.a, Domain.EDUCATION))
    room = ledger.offer_resource(
        n.coordinator_a, n.a, kind=ResourceKind.PREMISES, name="Salle polyvalente", capacity=2
    )
    van = ledger.offer_resource(
        n.coordinator_a, n.a, kind=ResourceKind.MATERIAL, name="Minibus", capacity=1
    )
    for_cap = ledger.allocate_resource(
        n.coordinator_a,
        room,
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 31),
        quantity=2,
        programme_id=cap,
    )
    for_b = ledger.allocate_resource(
        n.coordinator_a,
        room,
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 4, 30),
        quantity=1,
        association_id=n.b,
    )
    ledger.release_allocation(n.coordinator_a, room, allocation_id=for_b)
    ledger.withdraw_resource(n.coordinator_a, van)
    store = world.caught_up().parcours.read_store

    resources = resources_of(store, n.a)

    assert [(r.name, r.kind, r.capacity) for r in resources] == [
        ("Salle polyvalente", "PREMISES", 2),
        ("Minibus", "MATERIAL", 1),
    ]
    assert resources[0].allocations == (
        AllocationRow(str(for_cap), str(cap), None, date(2026, 3, 1), date(2026, 3, 31), 2),
    )
    assert (resources[0].withdrawn_at, resources[1].withdrawn_at) == (None, n.clock.now)
    assert resources[1].allocations == ()
    assert resources_of(store, n.b) == []


def publish(world: World, actor: Actor, title: str, *domains: Domain) -> UUID:
    return world.network.ledger.publish_practice_note(
        actor, title=title, body=f"{title}: what we learned.", domains=domains
    )


def test_practice_notes_page_newest_first_with_their_endorsements(world: World) -> None:
    n, ledger = world.network, world.network.ledger
    oldest = publish(world, n.worker_a, "Accueil sans rendez-vous", Domain.EDUCATION)
    middle = publish(world, n.worker_b, "Bail glissant", Domain.HOUSING, Domain.MENTORING)
    newest = publish(world, n.worker_a, "Stage découverte", Domain.EDUCATION, Domain.FAMILY_SUPPORT)
    workers = {str(n.b): n.worker_b, str(n.c): n.worker_c}
    endorsers = sorted(workers, reverse=True)  # so that their order is not their ids' order
    for endorser in endorsers:
        ledger.endorse_practice_note(workers[endorser], oldest)
    store = world.caught_up().parcours.read_store

    pages = [practice_notes_page(store, first=1)]
    while pages[-1].has_next:
        pages.append(practice_notes_page(store, first=1, after=pages[-1].end_cursor))

    notes = [item for p in pages for _, item in p.items]
    assert [note.note_id for note in notes] == [str(newest), str(middle), str(oldest)]
    assert [note.endorsements for note in notes] == [(), (), tuple(endorsers)]
    assert notes[1].domains == ("HOUSING", "MENTORING")
    assert notes[0].association_id == str(n.a)


def test_practice_notes_filter_by_one_of_their_domains(world: World) -> None:
    n = world.network
    oldest = publish(world, n.worker_a, "Accueil sans rendez-vous", Domain.EDUCATION)
    publish(world, n.worker_b, "Bail glissant", Domain.HOUSING, Domain.MENTORING)
    newest = publish(world, n.worker_a, "Stage découverte", Domain.FAMILY_SUPPORT, Domain.EDUCATION)
    store = world.caught_up().parcours.read_store

    education = practice_notes_page(store, domain="EDUCATION")
    first_education = practice_notes_page(store, first=1, domain="EDUCATION")
    after_it = practice_notes_page(
        store, first=1, after=first_education.end_cursor, domain="EDUCATION"
    )

    assert [note.note_id for _, note in education.items] == [str(newest), str(oldest)]
    assert [note.note_id for _, note in after_it.items] == [str(oldest)]
    assert after_it.has_next is False
    assert practice_notes_page(store, domain="MENTAL_HEALTH").items == []


def test_practice_notes_keep_title_and_body_sealed(world: World) -> None:
    n = world.network
    note = publish(world, n.worker_a, "Accueil sans rendez-vous", Domain.EDUCATION)
    n.ledger.revise_practice_note(n.worker_a, note, title="Accueil libre", body="Revu.")
    world.caught_up()

    ((_, row),) = practice_notes_page(world.parcours.read_store).items

    vault = world.parcours.vault
    assert "Accueil" not in row.title_token
    assert vault.open_token(note, row.title_token) == "Accueil libre"
    assert vault.open_token(note, row.body_token) == "Revu."
    assert row.revisions == 1
