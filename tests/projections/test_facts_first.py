"""The served generation holding the access facts commits each batch before the others: a
reader never finds a timeline entry whose facts (a consent withdrawn just before it) are not
there yet, even when a long batch goes to the generations at once."""

import threading
import time

import pytest

from projections.positions import Generation
from projections.projection import Recorded
from tests.projections.conftest import World


@pytest.mark.parametrize("at_once", [False, True], ids=["one-after-the-other", "at-once"])
def test_the_facts_commit_a_batch_before_the_timeline(
    world: World, at_once: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.caught_up()
    runner = world.parcours.projections
    runner.concurrent_from = 1 if at_once else 10**9
    order: list[str] = []
    lock = threading.Lock()
    apply = runner._apply

    def noted(generation: Generation, batch: list[Recorded]) -> bool:
        with lock:
            order.append(f"{generation.name} starts")
        if generation.name == "cases":
            time.sleep(0.3)  # slow facts: the timeline must wait for them all the same
        applied = apply(generation, batch)
        with lock:
            order.append(f"{generation.name} ends")
        return applied

    monkeypatch.setattr(runner, "_apply", noted)
    batches: list[int] = []
    apply_all = runner._apply_all

    def counted(written: list[Generation], batch: list[Recorded], held: int | None) -> None:
        batches.append(len(batch))
        apply_all(written, batch, held)

    monkeypatch.setattr(runner, "_apply_all", counted)
    world.network.enrol()

    runner.catch_up()

    assert order.index("cases ends") < order.index("timeline starts")
    assert len(batches) == 1  # the timeline took the batch with the facts, not held to the next
