"""Projection batches are applied with the cyclic collector paused (`domain/collector.py`),
and it is on again once the batch is done — also when a handler failed."""

import gc

import pytest

from domain.vocabulary import Domain
from projections.projection import Handler, Recorded, Writer, handles
from projections.timeline import TimelineProjection
from tests.projections.conftest import World

SEEN: list[bool] = []
WATCHING: dict[str, list[Handler]] = {}


@handles(WATCHING, "YoungPerson.Enrolled")
def _watch(w: Writer, r: Recorded) -> None:
    SEEN.append(gc.isenabled())


@handles(WATCHING, "CaseInterventions.InterventionRecorded")
def _fail(w: Writer, r: Recorded) -> None:
    msg = "cannot project this intervention"
    raise ValueError(msg)


class WatchingTimeline(TimelineProjection):
    handlers = {**TimelineProjection.handlers, **WATCHING}


@pytest.mark.parametrize("at_once", [False, True], ids=["one-after-the-other", "at-once"])
def test_batches_run_with_the_collector_paused_and_leave_it_on(world: World, at_once: bool) -> None:
    gc.enable()
    world.caught_up()
    runner = world.parcours.projections
    runner.concurrent_from = 1 if at_once else 10**9
    runner.projections["timeline"] = WatchingTimeline
    SEEN.clear()
    network = world.network
    person = network.enrol()
    network.ledger.record_intervention(
        network.worker_a,
        person,
        domain=Domain.EDUCATION,
        kind="tutoring",
        occurred_at=network.clock(),
    )

    runner.catch_up()

    assert SEEN  # the batch is applied twice: pipelined, then statement by statement
    assert not any(SEEN)
    assert gc.isenabled()
    failed = {g.name: g for g in runner.generations() if g.served}["timeline"]
    assert "cannot project this intervention" in (failed.error or "")
