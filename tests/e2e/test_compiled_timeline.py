"""The compiled timeline path answers exactly as the general path: same JSON, same access log.

Two servers over one instance: the e2e server (compiled path on, as in production) and one whose
every document takes strawberry's general path. Each generated request is sent to both; the
response bytes (status, key order and all) and the access-log rows it added must be equal, and
the compiled path must have answered it itself whenever its arguments are valid (otherwise the
general path answers, with its errors). Unsupported documents and store outages are pinned by
example.
"""

import json
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.graphql.compiled import CompiledQueries
from domain.actor import Actor
from domain.vocabulary import Domain
from tests.conftest import Instances
from tests.e2e.compiled_world import World, build_world, timeline_documents
from tests.e2e.conftest import Api, serving
from tests.e2e.scenes import PAST, case_led_by_a, person_id, record
from tests.e2e.test_store_outage import Outage
from tests.support import build_network

DIFFERENTIAL = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
PAGE = """query($id: ID!) { youngPerson(id: $id) { timeline(first: 100) {
    edges { cursor node { id kind occurredAt domain summary redacted association { name } } }
    pageInfo { hasNextPage endCursor } } } }"""
UNSUPPORTED = {
    "as of": """query($id: ID!) { youngPerson(id: $id) {
        timeline(asOf: "2026-03-01T00:00:00+00:00") { edges { cursor } } } }""",
    "as of the person": """query($id: ID!) {
        youngPerson(id: $id, asOf: "2026-03-01T00:00:00+00:00") {
        timeline { edges { cursor } } } }""",
    "another field": """query($id: ID!) { youngPerson(id: $id) {
        displayName timeline { edges { cursor } } } }""",
    "competences": """query($id: ID!) { youngPerson(id: $id) {
        timeline { edges { node { association { competences { domain } } } } } } }""",
    "another root": """query($id: ID!) { me { userId }
        youngPerson(id: $id) { timeline { edges { cursor } } } }""",
    "a directive": """query($id: ID!) { youngPerson(id: $id) {
        timeline { edges { cursor @include(if: true) } } } }""",
    "introspection": """query($id: ID!) { __schema { queryType { name } }
        youngPerson(id: $id) { timeline { edges { cursor } } } }""",
    "invalid": """query($id: ID!) { youngPerson(id: $id) { timeline { edges { nope } } } }""",
    "two operations, no name": """query A($id: ID!) { youngPerson(id: $id) { id } }
        query B { me { userId } }""",
    "a mutation": """mutation($id: ID!) { eraseYoungPerson(input: {youngPersonId: $id,
        reason: "r"}) { __typename } } query Q($id: ID!) { youngPerson(id: $id) { id } }""",
    "too many aliases": "query($id: ID!) { youngPerson(id: $id) { timeline { edges { "
    + " ".join(f"c{i}: cursor" for i in range(31))
    + " } } } }",
}


@dataclass
class Answer:
    status: int
    body: bytes
    accesses: Counter[tuple[Any, ...]]


@dataclass
class Paths:
    compiled: Api
    general: Api
    answered: list[bool]
    """For each request the compiled server received: whether the compiled path answered it."""

    def both(self, actor: Actor, body: dict[str, Any]) -> tuple[Answer, Answer]:
        return self._send(self.compiled, actor, body), self._send(self.general, actor, body)

    def _send(self, api: Api, actor: Actor, body: dict[str, Any]) -> Answer:
        before = accesses(api)
        response = api.post(api.token(actor), body)
        return Answer(response.status_code, response.content, accesses(api) - before)


def accesses(api: Api) -> Counter[tuple[Any, ...]]:
    """The access log's rows, without their ids and times."""
    with api.parcours.read_store.transaction() as tx:
        rows = tx.fetchall(
            "SELECT user_id, role, association_id, young_person_id, what FROM access_log"
        )
    return Counter(tuple(row) for row in rows)


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Spies on the compiled path: did it answer (True) or decline (False)?"""
    seen: list[bool] = []
    original = CompiledQueries.execute

    async def spy(self: CompiledQueries, *args: Any) -> Any:
        result = await original(self, *args)
        seen.append(result is not None)
        return result

    patched: Callable[..., Awaitable[Any]] = spy
    monkeypatch.setattr(CompiledQueries, "execute", patched)
    return seen


@pytest.fixture
def paths(api: Api, answered: list[bool]) -> Iterator[Paths]:
    general = create_app(parcours=api.parcours, embedded_projections=False, compiled_queries=False)
    with serving(general) as url:
        yield Paths(api, Api(url, api.parcours, api.network), answered)


@pytest.fixture
def world(api: Api) -> World:
    return build_world(api)


# The servers' threads run while hypothesis draws, and psycopg_pool jitters its reconnections with
# the global `random`: hypothesis then mistakes that for a strategy using `random`.
@pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies"
    ":hypothesis.errors.HypothesisDeprecationWarning"
)
@DIFFERENTIAL
@given(data=st.data())
def test_the_compiled_path_answers_every_viewer_exactly_as_the_general_path(
    paths: Paths, world: World, data: st.DataObject
) -> None:
    viewers = st.sampled_from(world.viewers[:4]) | st.sampled_from(world.viewers)
    actor = data.draw(viewers, label="viewer")
    body, arguments_valid = data.draw(timeline_documents(world), label="request")
    paths.answered.clear()

    compiled, general = paths.both(actor, body)

    assert (compiled.status, compiled.body) == (general.status, general.body)
    assert compiled.accesses == general.accesses
    assert len(paths.answered) == 1
    event("compiled path" if paths.answered[0] else "declined: general path")
    event("rows read" if compiled.accesses else "nothing read")
    if arguments_valid:
        assert paths.answered == [True], "a supported document with valid arguments"
    if not paths.answered[0]:
        assert b'"errors"' in general.body, "only the general path's errors make it decline"


def test_a_page_reads_the_same_and_logs_one_read_on_either_path(paths: Paths, api: Api) -> None:
    n = api.network
    case = case_led_by_a(api)
    record(api, n.worker_a, case, Domain.MENTAL_HEALTH, "panic attacks", minutes_after=1)
    record(api, n.worker_b, case, Domain.HOUSING, "flat visited", minutes_after=2)
    body = {"query": PAGE, "variables": {"id": person_id(case)}}

    compiled, general = paths.both(n.worker_b, body)

    assert paths.answered == [True]
    assert (compiled.status, compiled.body) == (general.status, general.body)
    edges = json.loads(compiled.body)["data"]["youngPerson"]["timeline"]["edges"]
    read = ("worker-b", "WORKER", str(n.b), str(case), f"timeline:{len(edges)}")
    assert compiled.accesses == Counter([read])
    assert general.accesses == Counter([read])
    nodes = [e["node"] for e in edges if e["node"]["kind"] == "INTERVENTION"]
    assert [(e["domain"], e["summary"], e["redacted"]) for e in nodes] == [
        (None, None, True),
        ("HOUSING", "flat visited", False),
    ]


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_unsupported_documents_take_the_general_path(paths: Paths, api: Api, name: str) -> None:
    case = case_led_by_a(api)
    body = {"query": UNSUPPORTED[name], "variables": {"id": person_id(case)}}
    if name == "a mutation":
        body["operationName"] = "Q"

    compiled, general = paths.both(api.network.worker_a, body)

    assert paths.answered == [False]
    assert (compiled.status, compiled.body) == (general.status, general.body)
    assert compiled.accesses == general.accesses


@pytest.mark.parametrize(
    "variables",
    [
        pytest.param({"first": -1}, id="page size"),
        pytest.param({"after": "bm9wZQ=="}, id="cursor"),
        pytest.param({"first": "ten"}, id="variable type"),
        pytest.param({"domains": ["NOPE"]}, id="enum value"),
    ],
)
def test_arguments_the_general_path_refuses_get_its_errors(
    paths: Paths, api: Api, variables: dict[str, Any]
) -> None:
    case = case_led_by_a(api)
    query = """query($id: ID!, $first: Int, $after: String, $domains: [Domain!]) {
        youngPerson(id: $id) { timeline(first: $first, after: $after, domains: $domains) {
        edges { cursor } } } }"""
    body = {"query": query, "variables": {"id": person_id(case), **variables}}

    compiled, general = paths.both(api.network.worker_a, body)

    assert paths.answered == [False]
    assert (compiled.status, compiled.body) == (general.status, general.body)
    assert b'"errors"' in compiled.body


@pytest.fixture
def quiet_paths(instances: Instances, answered: list[bool]) -> Iterator[Paths]:
    """Both paths with no projection worker, so only the requests touch the store."""
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    assert parcours.projections.leadership.try_acquire()
    parcours.projections.prepare()
    parcours.projections.catch_up()
    apps = [
        create_app(parcours=parcours, embedded_projections=False, compiled_queries=on)
        for on in (True, False)
    ]
    with serving(apps[0]) as compiled, serving(apps[1]) as general:
        yield Paths(Api(compiled, parcours, network), Api(general, parcours, network), answered)


def test_during_a_store_outage_both_paths_answer_the_same_503(
    quiet_paths: Paths, tmp_path: Path
) -> None:
    api = quiet_paths.compiled
    n = api.network
    case = n.enrol(n.worker_a)
    n.ledger.record_intervention(
        n.worker_a, case, domain=Domain.EDUCATION, kind="session", occurred_at=PAST
    )
    api.parcours.projections.catch_up()
    body = {"query": PAGE, "variables": {"id": person_id(case)}}
    assert quiet_paths.both(api.network.worker_a, body)[0].status == 200
    outage = Outage(api, tmp_path)

    outage.begin()
    try:
        token = api.token(api.network.worker_a)
        during = [path.post(token, body) for path in (api, quiet_paths.general)]
    finally:
        outage.end()

    assert [(r.status_code, r.headers.get("retry-after")) for r in during] == [(503, "5")] * 2
    assert during[0].content == during[1].content
    assert quiet_paths.answered == [True], "the compiled path answered the 503 itself"
