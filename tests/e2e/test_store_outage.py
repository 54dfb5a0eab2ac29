"""A store outage is answered with a clear 503, and the API recovers by itself when it ends.

The outage is made deterministic by cutting the read store the requests go through: on SQLite
its file path is pointed at a directory that does not exist (sqlite3 "unable to open database
file"); on PostgreSQL its connection pool is closed (psycopg_pool.PoolClosed, a
psycopg.OperationalError). The real drivers raise the real error classes. The server runs without
the embedded projection worker, so only the requests under test touch the store.
"""

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from api.app import create_app
from projections.outage import UNAVAILABLE
from projections.store import PostgresReadStore, SQLiteReadStore
from tests.conftest import Instances
from tests.e2e.conftest import Api, global_id, serving
from tests.support import build_network

ME = {"query": "{ me { userId } }"}
READ = {"query": "{ associations { edges { cursor } } }"}


@pytest.fixture
def quiet_api(instances: Instances) -> Iterator[Api]:
    """The e2e server with the projections caught up once, then no worker running."""
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    assert parcours.projections.leadership.try_acquire()
    parcours.projections.prepare()
    parcours.projections.catch_up()
    with serving(create_app(parcours=parcours, embedded_projections=False)) as url:
        yield Api(url=url, parcours=parcours, network=network)


class Outage:
    """Takes the read store down and brings it back, the same way on every run."""

    def __init__(self, api: Api, tmp_path: Path) -> None:
        self.store = api.parcours.read_store
        self.tmp_path = tmp_path

    def begin(self) -> None:
        if isinstance(self.store, SQLiteReadStore):
            self._path = self.store.path
            self.store.path = self.tmp_path / "unmounted" / "read.db"
            self.store.close()  # the next request opens a connection, and fails
        else:
            assert isinstance(self.store, PostgresReadStore)
            self.store._pool.close()

    def end(self) -> None:
        if isinstance(self.store, SQLiteReadStore):
            self.store.path = self._path
        else:
            assert isinstance(self.store, PostgresReadStore)
            self.store._pool = self.store._pool.__class__(
                self.store._pool.conninfo,
                min_size=1,
                max_size=2,
                kwargs=self.store._pool.kwargs,
                open=True,
            )


def recovered(api: Api, token: str, bound: float = 30.0) -> httpx.Response:
    """The first answer that is not a 503: the store breaker lets requests through again once
    its cooldown is over and a bare connection succeeds (a fraction of a second)."""
    deadline = time.monotonic() + bound
    while True:
        response = api.post(token, READ)
        if response.status_code != 503 or time.monotonic() > deadline:
            return response
        time.sleep(0.1)


def test_while_the_store_is_down_graphql_and_readyz_answer_503_then_recover_by_themselves(
    quiet_api: Api, tmp_path: Path
) -> None:
    api = quiet_api
    token = api.token(api.network.worker_a)
    outage = Outage(api, tmp_path)
    assert api.post(token, READ).status_code == 200
    assert httpx.get(f"{api.url}/readyz", timeout=10).status_code == 200

    outage.begin()
    during = [api.post(token, READ) for _ in range(3)]
    ready_during = httpx.get(f"{api.url}/readyz", timeout=10)
    outage.end()
    after = recovered(api, token)

    assert [(r.status_code, r.headers.get("retry-after")) for r in during] == [(503, "5")] * 3
    assert during[0].json() == {
        "data": None,
        "errors": [{"message": UNAVAILABLE, "extensions": {"code": "UNAVAILABLE"}}],
    }
    assert "Unexpected error." not in during[0].text
    assert ready_during.status_code == 503
    assert after.status_code == 200
    assert "errors" not in after.json()
    assert httpx.get(f"{api.url}/readyz", timeout=10).status_code == 200


def test_an_operation_that_does_not_touch_the_store_is_served_during_an_outage(
    quiet_api: Api, tmp_path: Path
) -> None:
    api = quiet_api
    outage = Outage(api, tmp_path)

    outage.begin()
    try:
        response = api.post(api.token(api.network.worker_a), ME)
    finally:
        outage.end()

    assert (response.status_code, response.json()) == (
        200,
        {"data": {"me": {"userId": "worker-a"}}},
    )


def test_a_read_whose_access_record_cannot_be_written_is_a_503_not_the_data(
    quiet_api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every read of case content is recorded, so a read whose record the store cannot take
    is withheld, with the outage's 503 — not answered 200 with the driver's message (the
    access log is written after the operation ran, outside the resolvers' error handling)."""

    def store_gone(*_: object) -> None:
        raise psycopg.OperationalError("couldn't get a connection after 3.00 sec")

    monkeypatch.setattr("api.access_log.AccessLog.record", store_gone)
    response = read_a_case(quiet_api)

    assert response.status_code == 503
    assert "Camille" not in response.text
    assert response.json()["errors"][0]["message"] == UNAVAILABLE


def test_a_read_whose_access_record_fails_otherwise_is_masked_and_withheld(
    quiet_api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("postgresql://parcours:s3cret@db/parcours")

    monkeypatch.setattr("api.access_log.AccessLog.record", broken)
    response = read_a_case(quiet_api)

    assert response.status_code == 200
    assert response.json()["data"] is None
    assert [e["message"] for e in response.json()["errors"]] == ["Unexpected error."]
    assert "s3cret" not in response.text


def read_a_case(api: Api) -> httpx.Response:
    """A worker of the lead reads the name of a young person enrolled just before."""
    case = api.network.enrol(api.network.worker_a)
    api.parcours.projections.catch_up()
    document = {
        "query": "query($id: ID!) { youngPerson(id: $id) { displayName } }",
        "variables": {"id": global_id("YoungPerson", case)},
    }
    return api.post(api.token(api.network.worker_a), document)
