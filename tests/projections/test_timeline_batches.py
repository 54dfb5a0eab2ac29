"""Timeline pages read in batches: a list of young people with their timelines costs a
statement per batch, and each page is the one its request would get alone."""

import base64
import json
from datetime import datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.vocabulary import Domain
from projections.queries import paging, timeline
from projections.queries.paging import InvalidCursorError
from projections.queries.served import Reader
from projections.queries.timeline import (
    DomainVisibility,
    TimelineFilter,
    TimelineRequest,
    timeline_page,
    timeline_pages,
)
from projections.store import Params, Row
from tests.projections.conftest import World

DOMAINS = (Domain.EDUCATION, Domain.HOUSING, Domain.MENTAL_HEALTH)


def history(world: World, visits: int) -> UUID:
    """A young person with `visits` interventions over as many days, domains in turn."""
    network = world.network
    young_person = network.enrol(occurred_at=network.clock.now - timedelta(days=visits + 1))
    for day in range(visits):
        world.parcours.ledger.record_intervention(
            network.worker_a,
            young_person,
            domain=DOMAINS[day % len(DOMAINS)],
            kind="visit",
            occurred_at=network.clock.now - timedelta(days=day + 0.5),
            summary=f"visit {day}",
        )
    return young_person


def filters(now: datetime) -> st.SearchStrategy[TimelineFilter]:
    """Filters of every kind a page may carry, some shared by several requests of a batch."""
    return st.sampled_from(
        [
            TimelineFilter(),
            TimelineFilter(domains=("EDUCATION",)),
            TimelineFilter(
                domains=("MENTAL_HEALTH", "HOUSING"),
                visible_domains=DomainVisibility(own_association=None, sensitivities=("GENERAL",)),
            ),
            TimelineFilter(
                domains=("MENTAL_HEALTH",),
                visible_domains=DomainVisibility(own_association="nobody", sensitivities=()),
            ),
            TimelineFilter(domains=()),
            TimelineFilter(occurred_from=now - timedelta(days=3), occurred_to=now),
            TimelineFilter(as_of=now - timedelta(minutes=1)),
            TimelineFilter(as_of=now),
        ]
    )


def test_a_batch_answers_each_request_as_it_would_be_answered_alone(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any mix of young people, page sizes, cursors and filters, over several statements
    (batches of four here): the batch's pages are, in order, the pages asked for one by one."""
    monkeypatch.setattr(timeline, "BATCH", 4)
    people = [history(world, visits) for visits in (0, 3, 7)]
    store = world.caught_up().parcours.read_store
    cursors = {
        person: [None, *(cursor for cursor, _ in timeline_page(store, person, 500).items)]
        for person in people
    }

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(people),
                st.integers(0, 5),
                st.integers(0, 8),
                filters(world.network.clock.now),
            ),
            max_size=11,
        )
    )
    def check(asked: list[tuple[UUID, int, int, TimelineFilter]]) -> None:
        requests = [
            TimelineRequest.of(person, size, cursors[person][at % len(cursors[person])], where)
            for person, size, at, where in asked
        ]
        alone = [
            timeline_page(store, UUID(r.young_person_id), r.size, _cursor_of(r), r.where)
            for r in requests
        ]

        assert timeline_pages(store, requests) == alone

    check()


def _cursor_of(request: TimelineRequest) -> str | None:
    return None if request.after is None else paging.encode("timeline", request.after)


def test_a_batch_keeps_each_young_person_s_entries_to_their_own_page(world: World) -> None:
    ada, bao = history(world, 4), history(world, 2)
    store = world.caught_up().parcours.read_store

    pages = timeline_pages(store, [TimelineRequest.of(ada, 3), TimelineRequest.of(bao, 3)])

    assert [len(p.items) for p in pages] == [3, 3]
    assert [p.has_next for p in pages] == [True, False]
    assert [p.items for p in pages] == [
        timeline_page(store, ada, 3).items,
        timeline_page(store, bao, 3).items,
    ]


MOMENT = "2026-01-01T00:00:00.000000+00:00"


@pytest.mark.parametrize(
    "values",
    [
        [[MOMENT], 3, "e"],
        [MOMENT, "3", "e"],
        [MOMENT, True, "e"],
        [1, 2, 3],
        [MOMENT, 2**64, "e"],
        [MOMENT, -1, "e"],
        [MOMENT, 3, "e\x00"],
        [MOMENT, 3, "\ud800"],
        ["2026-01-01", 3, "e"],
        ["2026-01-01T00:00:00", 3, "e"],
        ["\ud800", 3, "e"],
    ],
)
def test_a_cursor_with_values_of_the_wrong_kind_is_refused_before_anything_is_read(
    values: list[object],
) -> None:
    """Issued cursors hold a time, a position and an entry id, as the server writes them;
    anything else was sent on to the database (a driver error, a 500; in a batch, for every
    page read with it) or could not key a batch."""
    forged = base64.urlsafe_b64encode(json.dumps(["timeline", *values]).encode()).decode()

    with pytest.raises(InvalidCursorError):
        TimelineRequest.of(UUID(int=1), 10, forged)


def counting(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Each statement the timeline queries send, with its number of parameters."""
    sent: list[tuple[str, int]] = []

    class Counting(Reader):
        def all(self, statement: str, params: Params = ()) -> list[Row]:
            sent.append((statement, len(params)))
            return super().all(statement, params)

    monkeypatch.setattr(timeline, "Reader", Counting)
    return sent


def test_pages_of_one_filter_are_read_by_a_statement_per_hundred_or_by_one(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: a union of a hundred subqueries per statement; PostgreSQL: one LATERAL
    statement for all the pages of one filter, whatever their number."""
    ada, bao = history(world, 3), history(world, 1)
    store = world.caught_up().parcours.read_store
    requests = [TimelineRequest.of((ada, bao)[i % 2], 1 + i % 3) for i in range(101)]
    alone = [timeline_page(store, UUID(r.young_person_id), r.size) for r in requests]
    sent = counting(monkeypatch)

    pages = timeline_pages(store, requests)

    assert pages == alone
    assert len(sent) == (1 if store.dialect == "postgres" else 2)


def test_a_statement_carries_at_most_999_parameters(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hundred pages each filtered by every domain, sent 700 times over: 70,000 parameters
    in one statement, past what PostgreSQL's protocol and SQLite take."""
    young_person = history(world, 6)
    store = world.caught_up().parcours.read_store
    every = tuple(d.value for d in Domain) * 700
    visible = DomainVisibility(own_association="a", sensitivities=("GENERAL", "HEALTH"))
    where = TimelineFilter(domains=every, visible_domains=visible)
    requests = [TimelineRequest.of(young_person, 2 + i % 3, where=where) for i in range(100)]
    alone = timeline_page(store, young_person, 4, where=where)
    sent = counting(monkeypatch)

    pages = timeline_pages(store, requests)

    assert where.domains == tuple(sorted(d.value for d in Domain))
    assert max(count for _, count in sent) <= timeline.MAX_PARAMETERS
    assert len(sent) == (1 if store.dialect == "postgres" else 2)
    assert [len(p.items) for p in pages] == [2 + i % 3 for i in range(100)]
    assert pages[2] == alone
