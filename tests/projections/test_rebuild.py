"""Projections are rebuildable: from zero they reach exactly what live updates built."""

from hypothesis import HealthCheck, given, settings

from projections.catalogue import PROJECTIONS
from projections.contents import served_contents
from projections.positions import LIVE, RETIRED, STALE
from projections.timeline import TimelineProjection
from tests.projections.conftest import World
from tests.projections.scenarios import Scenario, steps


def rebuild_everything(world: World) -> None:
    """On PostgreSQL every batch goes to the generations at the same time, and each full batch
    has the next one read ahead (the paths of a real rebuild's long batches); on SQLite, one
    after the other."""
    runner = world.parcours.projections
    runner.concurrent_from = 1
    runner.batch_size = 3
    for projection in PROJECTIONS:
        runner.request_rebuild(projection.name)
    runner.catch_up()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps)
def test_a_rebuild_from_zero_equals_what_live_updates_built(
    world: World, plan: list[tuple[str, int, int]]
) -> None:
    scenario = Scenario(world.network)
    world.caught_up()
    for number, (step, who, pick) in enumerate(plan):
        scenario.play(step, who, pick)
        if number % 7 == 0:
            world.caught_up()
    world.caught_up()
    live = {p.name: served_contents(world.parcours.read_store, p) for p in PROJECTIONS}

    rebuild_everything(world)

    rebuilt = {p.name: served_contents(world.parcours.read_store, p) for p in PROJECTIONS}
    assert rebuilt == live
    assert {g.name: g.generation for g in world.parcours.projections.generations() if g.served}


def test_a_rebuilding_generation_is_not_served_until_it_caught_up(world: World) -> None:
    for _ in range(5):
        world.network.enrol()
    world.caught_up()
    runner = world.parcours.projections
    runner.batch_size = 2
    generation = runner.request_rebuild("timeline")

    runner.catch_up(max_batches=1)
    served_midway = {
        g.generation for g in runner.generations() if g.served and g.name == "timeline"
    }
    runner.catch_up()
    served_after = {g.generation for g in runner.generations() if g.served and g.name == "timeline"}

    assert served_midway == {1}
    assert served_after == {generation}


def test_a_projection_whose_code_changed_rebuilds_itself_and_swaps_when_caught_up(
    world: World,
) -> None:
    world.network.enrol()
    world.caught_up()
    before = served_contents(world.parcours.read_store, TimelineProjection)
    runner = world.parcours.projections

    class TimelineV2(TimelineProjection):
        version = TimelineProjection.version + 1

    runner.projections["timeline"] = TimelineV2
    runner.prepare()
    statuses = {g.generation: g.status for g in runner.generations() if g.name == "timeline"}
    runner.catch_up()
    after = {g.generation: g.status for g in runner.generations() if g.name == "timeline"}
    runner.prepare()
    cleaned = {g.generation: g.status for g in runner.generations() if g.name == "timeline"}

    assert statuses == {1: STALE, 2: "building"}
    assert after == {1: RETIRED, 2: LIVE}
    assert cleaned == {2: LIVE}
    assert served_contents(world.parcours.read_store, TimelineProjection) == before
