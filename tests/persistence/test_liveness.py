"""Every PostgreSQL connection gives up on a server gone from the network within about a
minute, instead of the kernel's defaults (retransmitting for about fifteen minutes, probing an
idle connection after two hours) — the append connection above all, as an append holds the
ledger's one write lock while it waits.

A partition cannot be staged here, so the test reads what the kernel was told: the TCP options
of each connection's socket (PostgreSQL only; SQLite has no socket).
"""

import socket
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from api.bootstrap import Parcours
from domain.ledger.chain.recorders import ChainedPostgresApplicationRecorder
from domain.liveness import LIVENESS, live
from projections.leadership import AdvisoryLeadership
from projections.wakeup import Listener
from tests import conftest
from tests.conftest import Instances, backend_settings
from tests.support import FrozenClock, build_network


def tcp_options(connection: "psycopg.Connection[object]") -> dict[str, int]:
    with socket.socket(fileno=connection.fileno()) as raw:
        try:
            return {
                "keepalives": raw.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
                "keepalives_idle": raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
                "keepalives_interval": raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
                "keepalives_count": raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT),
                "tcp_user_timeout": raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT),
            }
        finally:
            raw.detach()  # the descriptor stays psycopg's


@pytest.fixture
def parcours(tmp_path: Path) -> Iterator[Parcours]:
    with backend_settings("postgres", tmp_path / "var") as settings:
        instances = Instances(settings, FrozenClock())
        try:
            yield instances.start()
        finally:
            instances.close_all()


@pytest.mark.postgres
def test_the_append_and_the_event_store_connections_give_up_on_a_lost_server(
    parcours: Parcours,
) -> None:
    network = build_network(parcours.ledger, FrozenClock())
    network.enrol()
    recorder = parcours.ledger.recorder
    assert isinstance(recorder, ChainedPostgresApplicationRecorder)

    with recorder.datastore.get_connection() as pooled:
        assert tcp_options(pooled) == LIVENESS
    assert tcp_options(recorder._append_connection()) == LIVENESS


@pytest.mark.postgres
def test_the_read_store_and_key_store_connections_give_up_on_a_lost_server(
    parcours: Parcours,
) -> None:
    with parcours.read_store._pool.connection() as read:  # type: ignore[attr-defined]
        assert tcp_options(read) == LIVENESS
    with parcours.key_store._pool.connection() as keys:  # type: ignore[attr-defined]
        assert tcp_options(keys) == LIVENESS


@pytest.mark.postgres
def test_the_worker_leadership_and_wakeup_connections_give_up_on_a_lost_server() -> None:
    conftest.require_postgres()
    leadership = AdvisoryLeadership(conftest.test_database_url(), "liveness-test")
    listener = Listener(conftest.test_database_url(), "liveness_test")
    try:
        assert leadership.try_acquire()
        assert tcp_options(leadership._db) == LIVENESS  # type: ignore[arg-type]
        assert tcp_options(listener._listening()) == LIVENESS
    finally:
        leadership.release()
        listener.close()


def test_parameters_given_in_the_connection_string_win() -> None:
    given = live("postgresql://parcours@db:5432/parcours?tcp_user_timeout=5000")

    assert "tcp_user_timeout=5000" in given
    assert "keepalives_idle=30" in given
