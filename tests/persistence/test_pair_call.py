"""A lone command's append through libpq's prepared call (`domain/ledger/chain/pair_call.py`),
on PostgreSQL: the parameters it encodes itself land as psycopg would have written them, and a
connection the server ended fails one append and is replaced for the next."""

from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from eventsourcing.persistence import OperationalError, StoredEvent

from api.bootstrap import build
from domain.ledger.chain.recorders import ChainedPostgresApplicationRecorder
from domain.ledger.receipt import Receipt
from tests.conftest import backend_settings
from tests.conftest import test_database_url as database_url
from tests.persistence.test_chain import check


def _event(topic: str, state: bytes = b"{}") -> StoredEvent:
    return StoredEvent(uuid4(), 1, topic, state)


def _end_append_connections(schema: str) -> int:
    """Terminates the backends whose last statement was this schema's pair append."""
    with psycopg.connect(database_url(), autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
            " WHERE pid <> pg_backend_pid() AND query LIKE %s",
            (f"%{schema}%parcours_append_pair%",),
        ).fetchall()
    return len(rows)


def test_every_parameter_is_stored_as_given(tmp_path: Path) -> None:
    """Binary uuids, bigints, UTF-8 text and bytes, and NULLs for the missing second event and
    the receipt's missing target: read back equal, and the server's link hashes (computed
    from the stored bytes) verify in Python."""
    with backend_settings("postgres", tmp_path) as settings:
        parcours = build(settings)
        try:
            recorder = parcours.ledger.recorder
            event = StoredEvent(uuid4(), 7, "tests.Décidé", bytes(range(256)) + b"\x00\xff")
            issued = Receipt(uuid4(), "enrol_young_person — reçu", None, uuid4())

            positions = recorder.insert_events([event], receipts=[issued])

            assert positions is not None
            assert len(positions) == 1
            assert recorder.select_events(event.originator_id) == [event]
            assert parcours.ledger.receipts.select_receipt(issued.id) == issued
            assert check(parcours).intact
        finally:
            parcours.close()


def test_an_append_on_a_connection_the_server_ended_fails_once_then_reconnects(
    tmp_path: Path,
) -> None:
    """The statement is prepared per connection: after the server ends the append connection
    (a restart, an administrator), one append fails with the store's error — nothing written —
    and the next prepares the call again on a new connection."""
    with backend_settings("postgres", tmp_path) as settings:
        parcours = build(settings)
        try:
            recorder = parcours.ledger.recorder
            assert isinstance(recorder, ChainedPostgresApplicationRecorder)
            recorder.breaker.cooldown = 0  # the next append probes the server at once
            recorder.insert_events([_event("tests.Before")])
            assert _end_append_connections(settings.database_schema) == 1
            lost = _event("tests.Lost")

            with pytest.raises(OperationalError):
                recorder.insert_events([lost])
            after = _event("tests.After")
            recorder.insert_events([after])

            assert recorder.select_events(lost.originator_id) == []
            assert recorder.select_events(after.originator_id) == [after]
            assert check(parcours).intact
        finally:
            parcours.close()
