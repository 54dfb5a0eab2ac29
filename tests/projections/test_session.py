"""A request's session: every read in one transaction, the access log's record committed with
them or not at all; a transaction looks each served generation up once; and on PostgreSQL a
pooled connection whose server went away is replaced without a ping on every checkout."""

import psycopg
import pytest
from psycopg_pool import PoolTimeout

from api.access_log import Access, AccessLog, append
from api.bootstrap import Parcours
from domain.store_breaker import StoreBreaker
from projections import positions
from projections.cases import CasesProjection
from projections.outage import UNAVAILABLE, outage_message
from projections.queries.cases import access_facts
from projections.session import session
from projections.store import PostgresReadStore
from tests.conftest import require_postgres
from tests.conftest import test_database_url as database_url
from tests.projections.conftest import World

READ = Access(
    user_id="worker-a", role="WORKER", association_id=None, young_person_id="x", what="timeline:1"
)


def logged(parcours: Parcours) -> int:
    with parcours.read_store.transaction() as tx:
        row = tx.fetchone("SELECT count(*) FROM access_log")
    return 0 if row is None else int(row[0])


def test_a_session_s_queries_share_one_transaction_and_its_record_commits_with_them(
    world: World,
) -> None:
    young_person = world.network.enrol()
    world.caught_up()
    AccessLog(world.parcours.read_store)

    with session(world.parcours.read_store) as store:
        with store.transaction() as first, store.transaction() as second:
            assert first is second is store.tx
        facts = access_facts(store, young_person)
        append(store.tx, [READ])

    assert facts.exists
    assert logged(world.parcours) == 1


def test_a_session_that_fails_records_nothing(world: World) -> None:
    world.caught_up()
    AccessLog(world.parcours.read_store)

    def render_fails() -> None:
        with session(world.parcours.read_store) as store:
            append(store.tx, [READ])
            raise RuntimeError("the page could not be rendered")

    with pytest.raises(RuntimeError):
        render_fails()

    assert logged(world.parcours) == 0


def test_a_transaction_looks_a_served_generation_up_once_and_again_after_a_swap(
    world: World,
) -> None:
    world.caught_up()
    name = CasesProjection.name
    with world.parcours.read_store.transaction() as tx:
        served = positions.served_generation(tx, name)
        assert served is not None
        tx.execute("UPDATE projection_positions SET served = 0 WHERE name = ?", (name,))
        assert positions.served_generation(tx, name) == served  # memoised: one lookup
        positions.swap(tx, name, None, served)
        tx.execute("UPDATE projection_positions SET served = 0 WHERE name = ?", (name,))
        assert positions.served_generation(tx, name) is None  # the swap forgot it
        positions.swap(tx, name, None, served)


def test_a_pooled_connection_whose_server_side_ended_is_replaced() -> None:
    require_postgres()
    store = PostgresReadStore(database_url(), "public", pool_size=1)
    try:
        with store.transaction() as tx:
            row = tx.fetchone("SELECT pg_backend_pid()")
        assert row is not None
        with psycopg.connect(database_url(), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", (row[0],))  # waits for its end

        with store.transaction() as tx:
            again = tx.fetchone("SELECT pg_backend_pid()")

        assert again is not None
        assert again[0] != row[0]
    finally:
        store.close()


def test_a_pool_whose_connections_are_all_busy_answers_busy_and_keeps_serving() -> None:
    """Not an outage: the breaker stays closed, so the next request is served, not refused
    for the breaker's cooldown (the request that waited too long gets its 503)."""
    require_postgres()
    breaker = StoreBreaker(probe=lambda: psycopg.connect(database_url(), connect_timeout=1).close())
    store = PostgresReadStore(
        database_url(), "public", pool_size=1, breaker=breaker, pool_timeout=0.2
    )
    try:
        with store.transaction() as holding:  # the pool's only connection
            holding.fetchone("SELECT 1")
            with pytest.raises(PoolTimeout) as waited, store.transaction():
                pass
            assert not breaker.is_open  # checked before the holder's success closes it anyway
        assert outage_message(waited.value) == UNAVAILABLE  # a 503 all the same

        with store.transaction() as tx:
            assert tx.fetchone("SELECT 1") == (1,)
    finally:
        store.close()
