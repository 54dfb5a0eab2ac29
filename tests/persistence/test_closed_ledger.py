"""A write that reaches a ledger after its `close` (a request still running while the app
shuts down) is refused, rather than opening a thread or a connection nothing closes again."""

from datetime import timedelta
from pathlib import Path

import pytest

from domain.ledger.appending import Encoded, LedgerClosed
from domain.ledger.chain.recorders import ChainedPostgresApplicationRecorder
from domain.vocabulary import Domain
from tests.conftest import Instances, backend_settings
from tests.support import FrozenClock, build_network


def test_a_batch_sent_after_close_is_refused(instances: Instances) -> None:
    ledger = instances.start().ledger
    ledger.close()

    with pytest.raises(LedgerClosed):
        ledger.appender.send(Encoded([], [], []))


@pytest.mark.postgres
def test_a_command_after_close_opens_no_new_append_connection(tmp_path: Path) -> None:
    """PostgreSQL only: appends there go through a connection of the ledger's own (SQLite's
    go through the library's)."""
    clock = FrozenClock()
    with backend_settings("postgres", tmp_path / "var") as settings:
        instances = Instances(settings, clock)
        parcours = instances.start()
        recorder = parcours.ledger.recorder
        assert isinstance(recorder, ChainedPostgresApplicationRecorder)
        network = build_network(parcours.ledger, clock)
        person = network.enrol()
        parcours.ledger.close()

        with pytest.raises(LedgerClosed):
            parcours.ledger.record_intervention(
                network.worker_a,
                person,
                domain=Domain.EDUCATION,
                kind="tutoring",
                occurred_at=clock.now - timedelta(hours=1),
            )
        assert recorder._appender is None
        instances.close_all()
