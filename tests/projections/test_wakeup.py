"""An idle worker on PostgreSQL is woken by the ledger's own commit, not by its next poll."""

import threading
import time
from datetime import timedelta

import pytest

from api.bootstrap import Parcours
from domain.ledger.chain.recorders import ChainedPostgresApplicationRecorder
from domain.vocabulary import Domain
from projections.wakeup import Listener
from tests.conftest import Instances, require_postgres
from tests.conftest import test_database_url as database_url
from tests.support import build_network

LONG = 60.0
"""A timeout the wait must not reach: it returns on the notification, long before."""


def test_a_commit_wakes_a_listening_worker(instances: Instances, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("SQLite has no notifications: its worker polls")
    parcours: Parcours = instances.start()
    recorder = parcours.ledger.recorder
    assert isinstance(recorder, ChainedPostgresApplicationRecorder)
    network = build_network(parcours.ledger, instances.clock)
    young_person = network.enrol()
    listener = Listener(database_url(), recorder.appended_channel)
    listener.wait(0.01)  # listening from now on
    woken = threading.Event()

    def wait() -> None:
        listener.wait(LONG)
        woken.set()

    waiter = threading.Thread(target=wait)
    started = time.monotonic()
    waiter.start()
    network.ledger.record_intervention(
        network.worker_a,
        young_person,
        domain=Domain.EDUCATION,
        kind="visit",
        occurred_at=instances.clock.now - timedelta(hours=1),
    )
    assert woken.wait(LONG)
    assert time.monotonic() - started < LONG
    listener.close()


def test_an_unreachable_server_degrades_to_polling() -> None:
    require_postgres()
    listener = Listener("postgresql://postgres@127.0.0.1:1/none", "parcours_appended_x")

    started = time.monotonic()
    listener.wait(0.2)  # no exception: it waits out the pause instead
    paused = time.monotonic() - started
    listener.close()

    # A lower bound only (a busy machine makes the wait longer, never shorter): a listener that
    # returned at once would make an idle worker spin on the store it cannot reach.
    assert paused >= 0.19
