"""A long catch-up reads the next batch while it applies the current one (PostgreSQL): the
read models it builds are the very ones built batch by batch, and a batch read ahead from
another position than the next one is never used."""

from collections.abc import Collection

import psycopg
import pytest

from projections.catalogue import PROJECTIONS
from projections.contents import served_contents
from projections.projection import Recorded
from projections.read_ahead import ReadAhead
from projections.runner import ProjectionRunner
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


def _long_batches_of_three(world: World) -> ProjectionRunner:
    runner = world.parcours.projections
    runner.concurrent_from = 1
    runner.batch_size = 3
    return runner


def test_a_caller_going_batch_by_batch_reads_each_batch_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export's and the audit's replays call `catch_up(max_batches=1)` in a loop: a batch
    read ahead for a next call would be dropped, and read again."""
    for _ in range(4):
        world.network.enrol()
    world.caught_up()
    runner = _long_batches_of_three(world)
    reads: list[int] = []
    read = runner.source.read

    def counted(after: int, limit: int) -> list[Recorded]:
        reads.append(after)
        return read(after, limit)

    monkeypatch.setattr(runner.source, "read", counted)
    for projection in PROJECTIONS:
        runner.request_rebuild(projection.name)
    batches = 0
    while runner.catch_up(max_batches=1):
        batches += 1

    assert batches >= 3
    assert len(reads) == batches + 1  # each batch once, and the empty read that ends it


def test_a_read_ahead_left_by_an_error_is_not_used_by_the_next_catch_up(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read while the log ended there, it would hide the events recorded since; read during
    an outage, it would raise that outage again once the store is back."""
    for _ in range(2):
        world.network.enrol()
    world.caught_up()
    runner = _long_batches_of_three(world)
    read_ahead = runner._ahead._read
    down = [True]

    def unreachable(after: int, limit: int, names: Collection[str]) -> list[Recorded]:
        if down[0]:
            msg = "server closed the connection"
            raise psycopg.OperationalError(msg)
        return read_ahead(after, limit, names)

    swap = runner._swap_caught_up

    def lost_after_the_commit() -> None:
        if down[0]:
            msg = "connection lost"
            raise psycopg.OperationalError(msg)
        swap()

    monkeypatch.setattr(runner._ahead, "_read", unreachable)
    monkeypatch.setattr(runner, "_swap_caught_up", lost_after_the_commit)
    for projection in PROJECTIONS:
        runner.request_rebuild(projection.name)
    with pytest.raises(psycopg.OperationalError, match="connection lost"):
        runner.catch_up()
    down[0] = False
    world.network.enrol()  # recorded before the worker's retry

    runner.catch_up()

    head = runner.source.head()
    assert {g.position for g in runner.generations() if g.served} == {head}
