"""A long catch-up reads the next batch while it applies the current one (PostgreSQL): the
read models it builds are the very ones built batch by batch, and a batch read ahead from
another position than the next one is never used."""

import pytest

from projections.catalogue import PROJECTIONS
from projections.contents import served_contents
from projections.projection import Recorded
from projections.read_ahead import ReadAhead
from tests.projections.conftest import World


def test_a_long_catch_up_applies_batches_read_ahead_and_builds_the_same(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(8):
        person = world.network.enrol(last_name=f"Martin{n}")
        world.network.intervene(person)
    world.caught_up()
    live = {p.name: served_contents(world.parcours.read_store, p) for p in PROJECTIONS}
    runner = world.parcours.projections
    runner.concurrent_from = 1
    runner.batch_size = 3
    used: list[list[Recorded]] = []
    take = runner._ahead.take

    def noted(after: int) -> list[Recorded] | None:
        batch = take(after)
        if batch is not None:
            used.append(batch)
        return batch

    monkeypatch.setattr(runner._ahead, "take", noted)
    for projection in PROJECTIONS:
        runner.request_rebuild(projection.name)

    runner.catch_up()

    assert {p.name: served_contents(world.parcours.read_store, p) for p in PROJECTIONS} == live
    if runner.store.dialect == "postgres":
        assert len(used) >= 5  # 16+ events in batches of 3: most were read ahead
    else:
        assert used == []  # SQLite's appliers do not wait on a server: nothing to fill


def test_a_batch_read_ahead_is_used_only_as_the_next_batch_from_its_position(
    world: World,
) -> None:
    for _ in range(4):
        world.network.enrol()
    source = world.parcours.projections.source
    ahead = ReadAhead(source)
    try:
        ahead.start(2, 3, {"YoungPerson.Enrolled"})
        assert ahead.take(3) is None  # not from where the next batch starts: read afresh
        assert ahead.take(2) is None  # and the one read ahead is gone

        ahead.start(2, 3, {"YoungPerson.Enrolled"})
        taken = ahead.take(2)
    finally:
        ahead.close()

    assert taken is not None
    assert [r.position for r in taken] == [r.position for r in source.read(2, 3)]
    assert all(r.position > 2 for r in taken)
    ahead.start(2, 3, set())  # closed: nothing is read any more
    assert ahead.take(2) is None
