"""The forbidden reads over HTTP, each beside its allowed counterpart in the same setup: a
refusal caused by a broken setup fails the allowed half."""

import asyncio
from typing import Any
from uuid import UUID, uuid4

from websockets.asyncio.client import ClientConnection

from domain.actor import Actor
from domain.vocabulary import Domain, Sensitivity
from tests.e2e.conftest import Api, global_id
from tests.e2e.scenes import case_led_by_a, consent, mutate, person_id, record, settle
from tests.e2e.test_subscriptions import INBOX, TIMELINE, data_of, receive, run, subscribed

REFERRALS_OF_PERSON = """query($id: ID!) { youngPerson(id: $id) {
    referrals { domain fromAssociation { name } toAssociation { name } } } }"""
NODE = """query($id: ID!) { node(id: $id) { id
    ... on Referral { referralStatus: status } ... on Handover { handoverStatus: status } } }"""


def refusals(api: Api, actor: Actor, document: str, **variables: Any) -> list[dict[str, Any]]:
    """The errors of a refused query, without their locations; the data must be null."""
    body = api.raw(actor, document, **variables)
    assert body.get("data") is None, body
    return [{k: v for k, v in e.items() if k != "locations"} for e in body["errors"]]


def refused(message: str, field: str) -> list[dict[str, Any]]:
    return [{"message": message, "path": [field], "extensions": {"code": "NOT_PERMITTED"}}]


def listed_referrals(api: Api, actor: Actor, case: UUID) -> list[tuple[str, str, str]]:
    """(domain, from, to) of the referrals the viewer lists on the case, sorted."""
    person = api.gql(actor, REFERRALS_OF_PERSON, id=person_id(case))["youngPerson"]
    assert person is not None, "the viewer should see this case"
    return sorted(
        (r["domain"], r["fromAssociation"]["name"], r["toAssociation"]["name"])
        for r in person["referrals"]
    )


# --- YoungPerson.referrals ----------------------------------------------------------------------


def test_a_partner_lists_another_partner_s_health_referral_only_under_a_health_consent(
    api: Api,
) -> None:
    n = api.network
    case = case_led_by_a(api)
    n.ledger.make_referral(n.worker_a, case, to_association_id=n.c, domain=Domain.MENTAL_HEALTH)
    n.ledger.make_referral(n.worker_a, case, to_association_id=n.c, domain=Domain.EDUCATION)
    settle(api)
    own = ("HOUSING", "Association A", "Association B")
    general = ("EDUCATION", "Association A", "Association C")
    health = ("MENTAL_HEALTH", "Association A", "Association C")

    without_consent = listed_referrals(api, n.worker_b, case)
    consent(api, case, Sensitivity.HEALTH, to=(n.c,))
    under_a_consent_to_c_only = listed_referrals(api, n.worker_b, case)
    consent(api, case, Sensitivity.HEALTH, to=(n.b,))
    under_a_consent_to_b = listed_referrals(api, n.worker_b, case)

    assert without_consent == [general, own]
    assert under_a_consent_to_c_only == [general, own]
    assert under_a_consent_to_b == [general, own, health]
    assert listed_referrals(api, n.worker_c, case) == [general, own, health]  # party to it


# --- node(id) -----------------------------------------------------------------------------------


def test_a_handover_is_found_through_node_exactly_when_the_case_lists_it(api: Api) -> None:
    """Parties find it; B, no party, finds it while it sees the case (its accepted referral),
    as the case's list of handovers shows it — `node` refused it there — and not once its
    involvement ended."""
    n = api.network
    case = case_led_by_a(api)
    handover = n.ledger.propose_handover(n.worker_a, case, to_association_id=n.c)
    settle(api)
    handover_id = global_id("Handover", handover)
    found = {"node": {"id": handover_id, "handoverStatus": "PROPOSED"}}
    listed = """query($id: ID!) { youngPerson(id: $id) { handovers { status } } }"""

    assert api.gql(n.worker_a, NODE, id=handover_id) == found
    assert api.gql(n.worker_c, NODE, id=handover_id) == found
    assert api.gql(n.worker_b, NODE, id=handover_id) == found
    assert api.gql(n.worker_b, listed, id=person_id(case))["youngPerson"]["handovers"] == [
        {"status": "PROPOSED"}
    ]
    (referral,) = n.ledger.young_person(case).referrals
    n.ledger.withdraw_referral(n.worker_a, case, referral_id=UUID(referral))
    settle(api)
    assert api.gql(n.worker_b, NODE, id=handover_id) == {"node": None}
    assert api.gql(n.coordinator_b, NODE, id=handover_id) == {"node": None}


def test_a_referral_between_others_is_found_through_node_exactly_when_the_case_lists_it(
    api: Api,
) -> None:
    """B sees the case: A's HOUSING referral to C is listed to it (a domain shown to others),
    A's MENTAL_HEALTH one is not, without B's HEALTH consent — and `node` answers alike."""
    n = api.network
    case = case_led_by_a(api)
    housing, health = (
        n.ledger.make_referral(n.worker_a, case, to_association_id=n.c, domain=domain)
        for domain in (Domain.HOUSING, Domain.MENTAL_HEALTH)
    )
    settle(api)

    def found(referral: UUID) -> bool:
        answer = api.gql(n.worker_b, NODE, id=global_id("Referral", referral))
        return answer["node"] is not None

    listed = api.gql(n.worker_b, REFERRALS_OF_PERSON, id=person_id(case))["youngPerson"]
    domains = sorted(r["domain"] for r in listed["referrals"])

    assert (found(housing), found(health)) == (True, False)
    assert domains == ["HOUSING", "HOUSING"]  # B's own accepted one, and A's to C


def test_a_referral_is_null_through_node_for_an_auditor_an_evaluator_and_a_network_admin(
    api: Api,
) -> None:
    n = api.network
    case = case_led_by_a(api, involve_b=False)
    referral = n.ledger.make_referral(
        n.worker_a, case, to_association_id=n.b, domain=Domain.HOUSING
    )
    settle(api)
    referral_id = global_id("Referral", referral)

    assert api.gql(api.auditor(), NODE, id=referral_id) == {"node": None}
    assert api.gql(api.evaluator(), NODE, id=referral_id) == {"node": None}
    assert api.gql(n.admin, NODE, id=referral_id) == {"node": None}
    assert api.gql(n.worker_b, NODE, id=referral_id) == {
        "node": {"id": referral_id, "referralStatus": "MADE"}
    }


# --- acceptReferral -----------------------------------------------------------------------------


def test_accepting_a_referral_of_a_case_one_cannot_see_answers_like_an_unknown_referral(
    api: Api,
) -> None:
    """C is neither the addressee of A's referral to B nor involved with the case: the answer
    must not tell it that the referral exists, and nothing may be recorded."""
    n = api.network
    case = case_led_by_a(api, involve_b=False)
    referral = n.ledger.make_referral(
        n.worker_a, case, to_association_id=n.b, domain=Domain.HOUSING
    )
    settle(api)

    def accept(actor: Actor, referral_key: UUID) -> dict[str, Any]:
        return mutate(
            api,
            actor,
            "acceptReferral",
            "RespondToReferralInput",
            referralId=global_id("Referral", referral_key),
        )

    before = n.position()
    by_an_outsider = accept(n.worker_c, referral)
    recorded_by_the_outsider = n.events_since(before)
    unknown = accept(n.worker_c, uuid4())
    by_the_addressee = accept(n.worker_b, referral)

    assert by_an_outsider == unknown
    assert unknown == {
        "__typename": "NotFound",
        "code": "NOT_FOUND",
        "message": "no such referral",
        "field": None,
    }
    assert recorded_by_the_outsider == []
    assert by_the_addressee == {"__typename": "ReferralUpdated"}
    assert n.events_since(before) == ["ReferralAccepted"]


# --- subscriptions ------------------------------------------------------------------------------


def test_the_referral_inbox_is_refused_to_auditors_evaluators_and_network_admins(
    api: Api,
) -> None:
    n = api.network
    case = case_led_by_a(api, involve_b=False)

    async def refusal(actor: Actor) -> tuple[dict[str, Any], dict[str, Any]]:
        async with subscribed(api, api.token(actor), INBOX, live=False) as ws:
            return await receive(ws), await receive(ws)

    async def received_by_the_addressee() -> Any:
        async with subscribed(api, api.token(n.worker_b), INBOX) as ws:
            await asyncio.to_thread(
                n.ledger.make_referral,
                n.worker_a,
                case,
                to_association_id=n.b,
                domain=Domain.HOUSING,
            )
            return await data_of(ws)

    async def scenario() -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], Any]:
        refused_to = [await refusal(a) for a in (api.auditor(), api.evaluator(), n.admin)]
        return refused_to, await received_by_the_addressee()

    refused_to, received = run(scenario)

    def refused_with(message: str) -> tuple[dict[str, Any], dict[str, Any]]:
        error = {"message": message, "extensions": {"code": "NOT_PERMITTED"}}
        payload = {"data": None, "errors": [error]}
        return {"id": "1", "type": "next", "payload": payload}, {"id": "1", "type": "complete"}

    assert refused_to == [
        refused_with("an auditor may not work on case files"),
        refused_with("an evaluator may not work on case files"),
        refused_with("a network admin may not work on case files"),
    ]
    assert received["data"]["referralInbox"]["status"] == "MADE"


def test_a_timeline_subscription_ends_once_the_subscriber_s_involvement_ends(api: Api) -> None:
    """B is involved through its accepted referral only; A, the lead, withdraws it."""
    n = api.network
    case = case_led_by_a(api, involve_b=False)
    referral = n.ledger.make_referral(
        n.worker_a, case, to_association_id=n.b, domain=Domain.HOUSING
    )
    n.ledger.accept_referral(n.worker_b, case, referral_id=referral)
    settle(api)

    async def scenario() -> tuple[Any, list[dict[str, Any]]]:
        async with subscribed(api, api.token(n.worker_b), TIMELINE, id=person_id(case)) as ws:
            await asyncio.to_thread(record, api, n.worker_b, case, Domain.HOUSING, "flat visit")
            while_involved = await data_of(ws)
            await asyncio.to_thread(
                n.ledger.withdraw_referral, n.worker_a, case, referral_id=referral
            )
            await asyncio.to_thread(settle, api)
            await asyncio.to_thread(
                record, api, n.worker_a, case, Domain.EDUCATION, "back at school"
            )
            after: list[dict[str, Any]] = []
            while not after or after[-1]["type"] != "complete":
                after.append(await receive(ws))
            return while_involved, after

    while_involved, after = run(scenario)

    assert while_involved["data"]["timelineUpdated"]["summary"] == "flat visit"
    assert after[-1] == {"id": "1", "type": "complete"}
    sent = [m["payload"]["data"]["timelineUpdated"] for m in after if m["type"] == "next"]
    assert [e for e in sent if e["kind"] == "INTERVENTION"] == []


def test_an_entry_recorded_after_a_consent_is_withdrawn_arrives_redacted(api: Api) -> None:
    n = api.network
    case = case_led_by_a(api)
    health = consent(api, case, Sensitivity.HEALTH, to=(n.b,))

    async def next_intervention(ws: ClientConnection) -> dict[str, Any]:
        while True:
            entry: dict[str, Any] = (await data_of(ws))["data"]["timelineUpdated"]
            if entry["kind"] == "INTERVENTION":
                return entry

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        async with subscribed(api, api.token(n.worker_b), TIMELINE, id=person_id(case)) as ws:
            await asyncio.to_thread(
                record, api, n.worker_a, case, Domain.MENTAL_HEALTH, "panic attacks"
            )
            under_consent = await next_intervention(ws)
            await asyncio.to_thread(n.ledger.withdraw_consent, n.worker_a, case, consent_id=health)
            await asyncio.to_thread(settle, api)
            await asyncio.to_thread(
                record, api, n.worker_a, case, Domain.MENTAL_HEALTH, "nightmares", minutes_after=1
            )
            return under_consent, await next_intervention(ws)

    under_consent, withdrawn = run(scenario)

    author = {"name": "Association A"}
    assert under_consent == {
        "kind": "INTERVENTION",
        "domain": "MENTAL_HEALTH",
        "summary": "panic attacks",
        "redacted": False,
        "association": author,
    }
    assert withdrawn == {
        "kind": "INTERVENTION",
        "domain": None,
        "summary": None,
        "redacted": True,
        "association": author,
    }


# --- Query fields refused by role ---------------------------------------------------------------


def test_practice_notes_are_refused_to_auditors_network_admins_and_evaluators(api: Api) -> None:
    n = api.network
    n.ledger.publish_practice_note(
        n.worker_a, title="Accueil", body="what we learned", domains=(Domain.EDUCATION,)
    )
    settle(api)
    document = "{ practiceNotes { edges { node { title } } } }"

    assert refusals(api, api.auditor(), document) == refused(
        "an auditor may not publish and endorse practice notes", "practiceNotes"
    )
    assert refusals(api, n.admin, document) == refused(
        "a network admin may not publish and endorse practice notes", "practiceNotes"
    )
    assert refusals(api, api.evaluator(), document) == refused(
        "an evaluator may not publish and endorse practice notes", "practiceNotes"
    )
    assert api.gql(n.worker_b, document) == {
        "practiceNotes": {"edges": [{"node": {"title": "Accueil"}}]}
    }


def test_needs_coverage_and_service_gaps_are_refused_to_auditors(api: Api) -> None:
    n = api.network
    case = n.enrol()
    n.ledger.identify_need(n.worker_a, case, domain=Domain.MENTAL_HEALTH, severity=3)
    settle(api)
    coverage = "{ needsCoverage { territory domain openNeeds } }"
    gaps = "{ serviceGaps { territory domain openNeeds } }"

    assert refusals(api, api.auditor(), coverage) == refused(
        "an auditor may not read the network's indicators", "needsCoverage"
    )
    assert refusals(api, api.auditor(), gaps) == refused(
        "an auditor may not read the network's indicators", "serviceGaps"
    )
    unmet = {"territory": "93", "domain": "MENTAL_HEALTH", "openNeeds": 1}
    assert unmet in api.gql(api.evaluator(), coverage)["needsCoverage"]
    assert api.gql(api.evaluator(), gaps) == {"serviceGaps": [unmet]}


def test_referral_candidates_are_refused_to_evaluators_and_network_admins(api: Api) -> None:
    document = "{ referralCandidates(domain: HOUSING) { association { name } } }"

    assert refusals(api, api.evaluator(), document) == refused(
        "an evaluator may not work on case files", "referralCandidates"
    )
    assert refusals(api, api.network.admin, document) == refused(
        "a network admin may not work on case files", "referralCandidates"
    )
    assert api.gql(api.network.worker_a, document) == {
        "referralCandidates": [{"association": {"name": "Association B"}}]
    }


def test_the_referrals_list_is_refused_to_auditors_evaluators_and_network_admins(
    api: Api,
) -> None:
    n = api.network
    n.ledger.make_referral(n.worker_a, n.enrol(), to_association_id=n.b, domain=Domain.HOUSING)
    settle(api)
    document = "{ referrals { edges { node { status domain } } } }"

    assert refusals(api, api.auditor(), document) == refused(
        "an auditor may not work on case files", "referrals"
    )
    assert refusals(api, api.evaluator(), document) == refused(
        "an evaluator may not work on case files", "referrals"
    )
    assert refusals(api, n.admin, document) == refused(
        "a network admin may not work on case files", "referrals"
    )
    assert api.gql(n.worker_b, document) == {
        "referrals": {"edges": [{"node": {"status": "MADE", "domain": "HOUSING"}}]}
    }
