"""Subscriptions over graphql-transport-ws, authorised like the queries. Every wait is bounded."""

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin, Subprotocol

from api.app import create_app
from api.auth.tokens import verifier_from_settings
from api.graphql import context as context_module
from api.graphql import subscriptions
from domain.vocabulary import DeclineReason, Domain, Sensitivity
from projections.queries.cases import facts_position
from projections.queries.timeline import timeline_changes
from tests.e2e.conftest import Api, serving
from tests.e2e.scenes import PAST, case_led_by_a, consent, person_id, record, settle

WAIT = 5.0
"""The longest any single message may take (the server polls its read models every 0.2 s)."""
INBOX = """subscription { referralInbox {
    status domain fromAssociation { name } toAssociation { name } } }"""
TIMELINE = """subscription($id: ID!) { timelineUpdated(youngPersonId: $id) {
    kind domain summary redacted association { name } } }"""


def ws_url(api: Api) -> str:
    return api.url.replace("http://", "ws://") + "/graphql"


async def receive(ws: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
    return message


@asynccontextmanager
async def connected(api: Api, token: str) -> AsyncIterator[ClientConnection]:
    """A socket past its `connection_init`."""
    async with connect(
        ws_url(api),
        subprotocols=[Subprotocol("graphql-transport-ws")],
        open_timeout=WAIT,
        close_timeout=1,
    ) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send(json.dumps(init))
        assert (await receive(ws))["type"] == "connection_ack"
        yield ws


@asynccontextmanager
async def subscribed(
    api: Api, token: str, query: str, *, live: bool = True, **variables: Any
) -> AsyncIterator[ClientConnection]:
    """A subscription, `live` once the server has started it: a change made before it knew
    where it starts would not be sent (a fixed pause of 0.3 s did not hold on a loaded
    machine)."""
    async with connected(api, token) as ws:
        before = api.parcours.subscriptions.started
        payload = {"query": query, "variables": variables}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        waited = 0.0
        while live and api.parcours.subscriptions.started <= before and ws.close_code is None:
            assert waited < WAIT, "the server did not start the subscription"
            await asyncio.sleep(0.01)
            waited += 0.01
        yield ws


async def data_of(ws: ClientConnection) -> Any:
    message = await receive(ws)
    assert message["type"] == "next", message
    return message["payload"]


def run(scenario: Callable[[], Any]) -> Any:
    return asyncio.run(asyncio.wait_for(scenario(), 4 * WAIT))


def test_a_connection_without_a_valid_token_is_closed_with_4403(api: Api) -> None:
    async def closing_code(payload: dict[str, str] | None) -> tuple[int | None, str | None]:
        async with connect(
            ws_url(api), subprotocols=[Subprotocol("graphql-transport-ws")], open_timeout=WAIT
        ) as ws:
            init: dict[str, Any] = {"type": "connection_init"}
            if payload is not None:
                init["payload"] = payload
            await ws.send(json.dumps(init))
            try:
                await receive(ws)
            except ConnectionClosed as closed:
                frame = closed.rcvd
                return (None, None) if frame is None else (frame.code, frame.reason)
            return (None, "acknowledged")

    async def scenario() -> dict[str, tuple[int | None, str | None]]:
        return {
            "missing": await closing_code(None),
            "malformed": await closing_code({"Authorization": "Bearer not-a-jwt"}),
            "empty authToken": await closing_code({"authToken": ""}),
        }

    assert run(scenario) == {
        "missing": (4403, "Forbidden"),
        "malformed": (4403, "Forbidden"),
        "empty authToken": (4403, "Forbidden"),
    }


def test_a_worker_receives_the_referrals_made_to_their_association_only(api: Api) -> None:
    n = api.network
    case = case_led_by_a(api, involve_b=False)

    async def scenario() -> tuple[Any, Any]:
        async with (
            subscribed(api, api.token(n.worker_b), INBOX) as inbox_b,
            subscribed(api, api.token(n.worker_c), INBOX) as inbox_c,
        ):
            for to in (n.b, n.c):
                await asyncio.to_thread(
                    n.ledger.make_referral,
                    n.worker_a,
                    case,
                    to_association_id=to,
                    domain=Domain.HOUSING,
                )
            return await data_of(inbox_b), await data_of(inbox_c)

    to_b, to_c = run(scenario)

    def made_to(name: str) -> dict[str, Any]:
        return {
            "data": {
                "referralInbox": {
                    "status": "MADE",
                    "domain": "HOUSING",
                    "fromAssociation": {"name": "Association A"},
                    "toAssociation": {"name": name},
                }
            }
        }

    assert (to_b, to_c) == (made_to("Association B"), made_to("Association C"))


def test_a_worker_of_an_uninvolved_association_cannot_subscribe_to_a_timeline(api: Api) -> None:
    case = case_led_by_a(api)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        async with subscribed(
            api, api.token(api.network.worker_c), TIMELINE, live=False, id=person_id(case)
        ) as ws:
            return await receive(ws), await receive(ws)

    refused, completed = run(scenario)

    assert refused == {
        "id": "1",
        "type": "next",
        "payload": {
            "data": None,
            "errors": [
                {
                    "message": "no such young person",
                    "extensions": {"code": "NOT_FOUND", "field": "youngPersonId"},
                }
            ],
        },
    }
    assert completed == {"id": "1", "type": "complete"}


def test_a_timeline_subscriber_receives_new_entries_as_the_policy_shows_them(api: Api) -> None:
    n = api.network
    case = case_led_by_a(api)

    async def scenario() -> list[Any]:
        async with subscribed(api, api.token(n.worker_b), TIMELINE, id=person_id(case)) as ws:
            for actor, domain, summary in (
                (n.worker_a, Domain.MENTAL_HEALTH, "panic attacks"),
                (n.worker_b, Domain.HOUSING, "flat visit"),
            ):
                await asyncio.to_thread(
                    n.ledger.record_intervention,
                    actor,
                    case,
                    domain=domain,
                    kind="session",
                    occurred_at=PAST,
                    summary=summary,
                )
            return [await data_of(ws), await data_of(ws)]

    assert [m["data"]["timelineUpdated"] for m in run(scenario)] == [
        {
            "kind": "INTERVENTION",
            "domain": None,
            "summary": None,
            "redacted": True,
            "association": {"name": "Association A"},
        },
        {
            "kind": "INTERVENTION",
            "domain": "HOUSING",
            "summary": "flat visit",
            "redacted": False,
            "association": {"name": "Association B"},
        },
    ]


def test_reads_through_a_subscription_are_recorded_and_follow_the_involvement(api: Api) -> None:
    n = api.network
    case = case_led_by_a(api, involve_b=False)
    query = "subscription { referralInbox { status youngPerson { displayName } } }"

    async def scenario() -> list[Any]:
        async with subscribed(api, api.token(n.worker_b), query) as ws:
            referral = await asyncio.to_thread(
                n.ledger.make_referral,
                n.worker_a,
                case,
                to_association_id=n.b,
                domain=Domain.HOUSING,
            )
            made = await data_of(ws)
            await asyncio.to_thread(
                n.ledger.decline_referral,
                n.worker_b,
                case,
                referral_id=referral,
                reason=DeclineReason.AT_CAPACITY,
            )
            return [made, await data_of(ws)]

    made, declined = run(scenario)
    logged = api.gql(
        api.auditor(),
        "query($id: ID) { accessLog(youngPersonId: $id) { edges { node { userId what } } } }",
        id=person_id(case),
    )["accessLog"]["edges"]

    assert made == {
        "data": {
            "referralInbox": {"status": "MADE", "youngPerson": {"displayName": "Camille Martin"}}
        }
    }
    assert declined == {"data": {"referralInbox": {"status": "DECLINED", "youngPerson": None}}}
    # Both messages tell of the case's referral, read while involved and after: each is
    # logged; the name only while B was involved.
    assert sorted((e["node"]["userId"], e["node"]["what"]) for e in logged) == [
        ("worker-b", "personal_data"),
        ("worker-b", "referrals"),
        ("worker-b", "referrals"),
    ]


def test_each_operation_on_a_socket_sees_the_involvement_as_it_is_now(api: Api) -> None:
    """Queries sent over the socket, not only subscriptions: one context served every
    operation of a connection, and its DataLoaders answered the second query with the access
    facts the first had cached — after B's referral was declined, B still read the name."""
    n = api.network
    case = case_led_by_a(api, involve_b=False)
    referral = n.ledger.make_referral(
        n.worker_a, case, to_association_id=n.b, domain=Domain.HOUSING
    )
    settle(api)
    query = "query($id: ID!) { youngPerson(id: $id) { displayName } }"

    async def ask(ws: ClientConnection, operation: str) -> Any:
        payload = {"query": query, "variables": {"id": person_id(case)}}
        await ws.send(json.dumps({"id": operation, "type": "subscribe", "payload": payload}))
        answer = await data_of(ws)
        assert (await receive(ws))["type"] == "complete"
        return answer

    async def scenario() -> list[Any]:
        async with connected(api, api.token(n.worker_b)) as ws:
            before = await ask(ws, "1")
            await asyncio.to_thread(
                n.ledger.decline_referral,
                n.worker_b,
                case,
                referral_id=referral,
                reason=DeclineReason.AT_CAPACITY,
            )
            await asyncio.to_thread(settle, api)
            return [before, await ask(ws, "2")]

    before, after = run(scenario)

    assert before == {"data": {"youngPerson": {"displayName": "Camille Martin"}}}
    assert after == {"data": {"youngPerson": None}}


def test_a_socket_is_closed_when_its_token_runs_out(api: Api) -> None:
    """A token's lifetime is the only bound on a leaked one: a socket held open past it
    would keep the token's rights for ever."""
    verifier = verifier_from_settings(api.parcours.settings)
    assert verifier.instance is not None
    worker = api.network.worker_b
    token = verifier.instance.issue(
        worker.user_id, worker.role, worker.association_id, ttl=timedelta(seconds=2)
    )

    async def scenario() -> tuple[int | None, str | None]:
        async with subscribed(api, token, INBOX) as ws:
            await asyncio.wait_for(ws.wait_closed(), 2 + WAIT)
            return ws.close_code, ws.close_reason

    assert run(scenario) == (4403, "token expired")


def test_only_graphql_transport_ws_is_spoken(api: Api) -> None:
    """The legacy graphql-ws protocol never times out a socket that does not authenticate."""

    async def scenario() -> int | None:
        async with connect(
            ws_url(api), subprotocols=[Subprotocol("graphql-ws")], open_timeout=WAIT
        ) as ws:
            with contextlib.suppress(ConnectionClosed):
                await asyncio.wait_for(ws.recv(), WAIT)
            return ws.close_code

    assert run(scenario) == 4406


def test_a_page_of_another_origin_opens_a_socket_only_if_its_origin_is_allowed(
    api: Api,
) -> None:
    """Browsers apply no CORS to websocket handshakes: the origins allowed to call the API are
    the ones allowed to open a socket (a partner's front end listed could query, not
    subscribe; any other page is refused)."""
    allowed = "https://partner.example"
    settings = api.parcours.settings.model_copy(update={"cors_origins": (allowed,)})
    token = api.token(api.network.worker_b)
    evil = "https://evil.example"

    async def handshake(url: str, origin: str) -> str:
        try:
            async with connect(
                url,
                subprotocols=[Subprotocol("graphql-transport-ws")],
                origin=Origin(origin),
                open_timeout=WAIT,
            ) as ws:
                init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
                await ws.send(json.dumps(init))
                return str((await receive(ws))["type"])
        except InvalidStatus as refused:
            return f"refused {refused.response.status_code}"

    with serving(create_app(settings, parcours=api.parcours, embedded_projections=False)) as url:
        ws = url.replace("http://", "ws://") + "/graphql"

        async def both() -> list[str]:
            return list(await asyncio.gather(handshake(ws, allowed), handshake(ws, evil)))

        answers = run(both)

    assert answers == ["connection_ack", "refused 403"]


def test_a_timeline_subscriber_receives_corrections_and_nothing_from_before(api: Api) -> None:
    """Changes are read from the subscription's position on (the whole timeline was read
    again five times a second): an entry recorded before it is not sent, its amendment is."""
    n = api.network
    case = case_led_by_a(api)
    earlier = record(api, n.worker_b, case, Domain.HOUSING, "flat visit")

    async def scenario() -> Any:
        async with subscribed(api, api.token(n.worker_b), TIMELINE, id=person_id(case)) as ws:
            await asyncio.to_thread(
                n.ledger.amend_intervention,
                n.worker_b,
                case,
                intervention_id=earlier,
                reason="typo",
                summary="flat visit, rent arrears",
            )
            return await data_of(ws)

    assert run(scenario)["data"]["timelineUpdated"]["summary"] == "flat visit, rent arrears"


def test_each_subscription_message_is_resolved_within_a_query_s_budget(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message's selection may hold lists under lists (under aliases, a timeline of each
    young person a referral names): each message gets the budget of one query."""
    monkeypatch.setattr(context_module, "MAX_TIMELINE_ENTRIES", 0)
    n = api.network
    case = case_led_by_a(api, involve_b=False)
    query = """subscription { referralInbox { status
        youngPerson { timeline(first: 5) { edges { node { kind } } } } } }"""

    async def scenario() -> Any:
        async with subscribed(api, api.token(n.worker_b), query) as ws:
            await asyncio.to_thread(
                n.ledger.make_referral,
                n.worker_a,
                case,
                to_association_id=n.b,
                domain=Domain.HOUSING,
            )
            return (await receive(ws))["payload"]

    payload = run(scenario)

    assert payload["data"]["referralInbox"]["status"] == "MADE"
    assert [e["message"] for e in payload["errors"]] == [
        "this operation reads more than 0 timeline entries:"
        " ask for fewer items per page, or fewer lists inside lists"
    ]


def test_readyz_counts_the_subscriptions_served_until_their_socket_closes(api: Api) -> None:
    def served() -> int:
        count: int = httpx.get(f"{api.url}/readyz", timeout=10).json()["subscriptions"]
        return count

    async def scenario() -> tuple[int, int]:
        async with subscribed(api, api.token(api.network.worker_b), INBOX):
            during = await asyncio.to_thread(served)
        while await asyncio.to_thread(served) > 0:
            await asyncio.sleep(0.05)
        return during, await asyncio.to_thread(served)

    assert run(scenario) == (1, 0)


def test_a_message_with_a_nul_closes_the_socket_with_4400_naming_the_rule(api: Api) -> None:
    """graphql-transport-ws closes on an invalid message; the refusal of a NUL, a 400 for an
    HTTP body, escaped the socket's handler as a server error and the client learnt nothing."""
    case = case_led_by_a(api)

    async def scenario() -> tuple[int | None, str | None]:
        async with connected(api, api.token(api.network.worker_a)) as ws:
            payload = {"query": TIMELINE, "variables": {"id": person_id(case) + "\u0000"}}
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
            try:
                await receive(ws)
            except ConnectionClosed as closed:
                frame = closed.rcvd
                return (None, None) if frame is None else (frame.code, frame.reason)
            return (None, "answered")

    assert run(scenario) == (4400, "strings may not contain the NUL character (U+0000)")


def test_an_entry_recorded_after_a_consent_was_withdrawn_is_sent_as_the_withdrawal_shows_it(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The withdrawal and the entry land between the poll's reads: the facts the entry is shown
    by must be read after the entry, or B gets an ADDICTION summary its consent no longer
    covers (a query of the same timeline shows it redacted)."""
    n = api.network
    case = case_led_by_a(api)
    given = consent(api, case, Sensitivity.HEALTH)
    real = timeline_changes
    armed = threading.Event()

    def withdrawn_then_recorded(store: Any, key: Any, after: int) -> Any:
        if armed.is_set():
            armed.clear()
            n.ledger.withdraw_consent(n.worker_a, case, consent_id=given)
            n.ledger.record_intervention(
                n.worker_a,
                case,
                domain=Domain.ADDICTION,
                kind="session",
                occurred_at=PAST,
                summary="overdose last night",
            )
            settle(api)
        return real(store, key, after)

    monkeypatch.setattr(subscriptions, "timeline_changes", withdrawn_then_recorded)

    async def scenario() -> Any:
        async with subscribed(api, api.token(n.worker_b), TIMELINE, id=person_id(case)) as ws:
            armed.set()
            while True:
                message = (await data_of(ws))["data"]["timelineUpdated"]
                if message["kind"] == "INTERVENTION":
                    return message

    sent = run(scenario)

    assert (sent["summary"], sent["domain"], sent["redacted"]) == (None, None, True)


def test_an_entry_waits_until_the_access_facts_have_caught_up_with_it(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timeline's projection may commit an entry before the cases projection commits the
    facts it rests on: the entry is sent once the facts are as far in the log as it is."""
    n = api.network
    case = case_led_by_a(api)
    behind = threading.Event()
    behind.set()
    polls_behind: list[int] = []
    real = facts_position

    def lagging(store: Any) -> int:
        if behind.is_set():
            polls_behind.append(1)
            return 0
        return real(store)

    monkeypatch.setattr(subscriptions, "facts_position", lagging)

    async def scenario() -> Any:
        async with subscribed(api, api.token(n.worker_b), TIMELINE, id=person_id(case)) as ws:
            await asyncio.to_thread(record, api, n.worker_b, case, Domain.HOUSING, "flat visit")
            await asyncio.to_thread(settle, api)
            waited_polls = len(polls_behind)
            while len(polls_behind) < waited_polls + 3:  # three polls with the entry stored
                await asyncio.sleep(0.05)
            with contextlib.suppress(TimeoutError):
                early = await asyncio.wait_for(ws.recv(), 0.01)
                return ("sent while the facts lagged", early)
            behind.clear()
            return ("sent", (await data_of(ws))["data"]["timelineUpdated"]["summary"])

    assert run(scenario) == ("sent", "flat visit")
