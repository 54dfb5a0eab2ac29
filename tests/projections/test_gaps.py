"""PostgreSQL notification ids have gaps (rolled-back inserts); the runner reads "greater
than the last id seen", so concurrent writers and gaps neither stall nor skip anything."""

import threading
from datetime import timedelta
from uuid import uuid4

import psycopg
import pytest
from psycopg import sql

from domain.vocabulary import Domain
from projections.catalogue import PROJECTIONS
from projections.contents import served_contents
from projections.queries.timeline import timeline_page
from tests.projections.conftest import World
from tests.projections.test_rebuild import rebuild_everything


def leave_gaps(world: World, count: int) -> None:
    """Inserts events and rolls them back: each consumes a notification id for nothing."""
    settings = world.parcours.settings
    assert settings.database_url is not None
    table = sql.Identifier(settings.database_schema, "ledger_events")
    with psycopg.connect(settings.database_url) as db:
        for _ in range(count):
            with db.transaction(force_rollback=True):
                db.execute(
                    sql.SQL(
                        "INSERT INTO {} (originator_id, originator_version, topic, state)"
                        " VALUES (%s, 1, 'gap:Gap', '\\x00')"
                    ).format(table),
                    (uuid4(),),
                )


def test_concurrent_writers_and_gaps_neither_stall_nor_skip(world: World) -> None:
    if world.parcours.settings.database_url is None:
        pytest.skip("SQLite notification ids have no gaps; this is PostgreSQL's behaviour")
    ledger, n = world.parcours.ledger, world.network
    young_person = n.enrol()
    runner = world.parcours.projections
    world.caught_up()
    writing = threading.Event()
    writing.set()

    def write(worker: int) -> None:
        for visit in range(15):
            ledger.record_intervention(
                n.worker_a,
                young_person,
                domain=Domain.EDUCATION,
                kind=f"visit {worker}",
                occurred_at=n.clock.now - timedelta(minutes=visit),
            )
            if visit % 5 == 0:
                leave_gaps(world, 1)

    writers = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in writers:
        thread.start()
    while any(thread.is_alive() for thread in writers):
        runner.catch_up()
    runner.catch_up()

    head = runner.source.head()
    stored = len(ledger.recorder.select_notifications(start=1, limit=10_000))
    assert head > stored, "the scenario must leave gaps"
    assert {g.position for g in runner.generations() if g.served} == {head}
    page = timeline_page(world.parcours.read_store, young_person, first=500)
    assert len(page.items) == 1 + 4 * 15
    live = {p.name: served_contents(world.parcours.read_store, p) for p in PROJECTIONS}
    rebuild_everything(world)
    assert {p.name: served_contents(world.parcours.read_store, p) for p in PROJECTIONS} == live
