"""An append behind a write lock held elsewhere (a stuck process, a lock taken by hand) gives
up after `store_lock_timeout_seconds` with "busy, retry" — not an outage, so the breaker stays
closed for everyone else — and the retry, with the same idempotency key, records once."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from uuid import UUID

import psycopg
import pytest
from psycopg import sql

from api.bootstrap import EVENTS_FILE
from api.settings import Settings
from domain.ledger.chain.recorders import ChainedPostgresApplicationRecorder
from domain.vocabulary import Domain
from projections.outage import BUSY, outage_message
from tests.conftest import Instances
from tests.support import FrozenClock, Network, build_network


@contextmanager
def write_lock_held_elsewhere(settings: Settings, events_table: str) -> Iterator[None]:
    if settings.database_url is None:
        writer = sqlite3.connect(settings.data_dir / EVENTS_FILE, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            writer.rollback()
            writer.close()
        return
    with psycopg.connect(settings.database_url) as locker:
        table = sql.Identifier(settings.database_schema, events_table)
        locker.execute(sql.SQL("LOCK TABLE {} IN SHARE MODE").format(table))
        yield
        locker.rollback()


def record(network: Network, person: UUID) -> UUID:
    return network.ledger.record_intervention(
        network.worker_a,
        person,
        domain=Domain.EDUCATION,
        kind="tutoring",
        occurred_at=network.clock.now - timedelta(hours=1),
        idempotency_key="the-same-key",
    )


def test_an_append_behind_a_held_lock_is_busy_and_its_retry_records_once(
    settings: Settings, clock: FrozenClock
) -> None:
    instances = Instances(settings.model_copy(update={"store_lock_timeout_seconds": 1}), clock)
    try:
        parcours = instances.start()
        network = build_network(parcours.ledger, clock)
        person = network.enrol()

        events_table = str(getattr(parcours.ledger.recorder, "events_table_name", ""))
        with (
            write_lock_held_elsewhere(instances.settings, events_table),
            pytest.raises(Exception, match="lock") as refused,
        ):
            record(network, person)

        assert outage_message(refused.value) == BUSY
        recorder = parcours.ledger.recorder
        if isinstance(recorder, ChainedPostgresApplicationRecorder):
            assert not recorder.breaker.is_open
        first = record(network, person)
        assert record(network, person) == first
        assert list(parcours.ledger.young_person(person).interventions) == [str(first)]
    finally:
        instances.close_all()
