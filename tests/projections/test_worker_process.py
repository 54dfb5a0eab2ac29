"""A real worker process killed with SIGKILL mid-batch, then restarted, applies every event
exactly once: its position and its writes commit together."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from typing import IO

from api.settings import Settings
from domain.vocabulary import Domain
from projections.catalogue import PROJECTIONS
from projections.contents import served_contents
from projections.positions import FAILED
from tests.projections.conftest import World
from tests.projections.test_rebuild import rebuild_everything


def worker(settings: Settings, log: IO[bytes]) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PARCOURS_DATA_DIR": str(settings.data_dir),
        "PARCOURS_ENV": "test",
        "PARCOURS_PROJECTION_BATCH_SIZE": "3",
    }
    if settings.database_url is not None:
        env["PARCOURS_DATABASE_URL"] = settings.database_url
        env["PARCOURS_DATABASE_SCHEMA"] = settings.database_schema
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "projections", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


STARTED = "projection worker started"


def positions(world: World) -> list[int]:
    return [g.position for g in world.parcours.projections.generations() if g.served]


def test_a_worker_killed_mid_batch_ends_with_every_event_applied_once(world: World) -> None:
    settings = world.parcours.settings
    log_path = settings.data_dir / "worker.log"
    with log_path.open("wb") as log:
        killed_midway = kill_three_times(world, settings, log)
        head = world.parcours.projections.source.head()
        started_before = log_path.read_text().count(STARTED)
        survivor = worker(settings, log)
        deadline = time.monotonic() + 120
        while min(positions(world) or [0]) < head and time.monotonic() < deadline:
            time.sleep(0.05)
        # The last killed worker may have reached the head already: stop the survivor only once
        # it runs (a SIGTERM during its start-up, before its handler, would just kill it).
        while log_path.read_text().count(STARTED) == started_before and time.monotonic() < deadline:
            time.sleep(0.05)
        survivor.send_signal(signal.SIGTERM)
        exit_code = survivor.wait(timeout=30)

    assert exit_code == 0, log_path.read_text()
    assert killed_midway >= 1
    generations = world.parcours.projections.generations()
    assert [g for g in generations if g.status == FAILED] == []
    assert min(positions(world)) == head
    live = {p.name: served_contents(world.parcours.read_store, p) for p in PROJECTIONS}
    rebuild_everything(world)
    assert {p.name: served_contents(world.parcours.read_store, p) for p in PROJECTIONS} == live


def record_history(world: World, rounds: int) -> None:
    ledger, n = world.parcours.ledger, world.network
    people = [n.enrol() for _ in range(4)]
    for round_ in range(rounds):
        for person in people:
            ledger.record_intervention(
                n.worker_a,
                person,
                domain=Domain.EDUCATION,
                kind="tutoring",
                occurred_at=n.clock.now - timedelta(minutes=round_),
                summary=f"round {round_}",
            )


def kill_three_times(world: World, settings: Settings, log: IO[bytes]) -> int:
    """Thrice: records more history, starts a worker and SIGKILLs it while it is between where it
    started and the head. Each worker gets fresh work, so a fast one that reached the head before
    it could be killed does not leave the next ones with nothing to be killed in."""
    killed_midway = 0
    for _ in range(3):
        start = min(positions(world) or [0])
        record_history(world, rounds=50)
        head = world.parcours.projections.source.head()
        process = worker(settings, log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            reached = positions(world)
            if reached and max(reached) > start and min(reached) < head:
                process.send_signal(signal.SIGKILL)
                killed_midway += 1
                break
            if reached and min(reached) >= head:
                break
            time.sleep(0.01)
        process.kill()
        process.wait(timeout=30)

    return killed_midway
