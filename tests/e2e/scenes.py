"""Shared set-ups and GraphQL documents for the end-to-end tests.

State is arranged directly through ledger commands (fast, no HTTP), then the read models are
awaited, so each test exercises only the HTTP request it is about.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.vocabulary import ConsentGiver, Domain, Sensitivity
from tests.e2e.conftest import Api, global_id

PAST = datetime(2026, 2, 20, 10, 0, tzinfo=UTC)
"""Before the frozen clock's now (2026-03-02 09:00 UTC): a valid business time."""

PERSON = """query($id: ID!) { youngPerson(id: $id) {
    id displayName birthYear territory
    timeline { edges { node { kind domain summary redacted association { name } } } }
} }"""

TIMELINE = """query($id: ID!) { youngPerson(id: $id) {
    timeline { edges { node { kind domain summary redacted association { name } } } }
} }"""

RESULT_FIELDS = "__typename ... on UserError { code message field }"


def settle(api: Api) -> None:
    """Waits until the read models show everything recorded so far."""
    assert api.parcours.settle(), "the read models did not catch up in time"


def person_id(key: UUID) -> str:
    return global_id("YoungPerson", key)


def case_led_by_a(api: Api, *, involve_b: bool = True) -> UUID:
    """A case A leads; B is involved through an accepted HOUSING referral; C is not involved."""
    n = api.network
    case = n.enrol(n.worker_a)
    if involve_b:
        referral = n.ledger.make_referral(
            n.worker_a, case, to_association_id=n.b, domain=Domain.HOUSING
        )
        n.ledger.accept_referral(n.worker_b, case, referral_id=referral)
    settle(api)
    return case


def record(
    api: Api,
    actor: Actor,
    case: UUID,
    domain: Domain,
    summary: str,
    *,
    minutes_after: int = 0,
) -> UUID:
    entry = api.network.ledger.record_intervention(
        actor,
        case,
        domain=domain,
        kind="session",
        occurred_at=PAST + timedelta(minutes=minutes_after),
        summary=summary,
    )
    settle(api)
    return entry


def consent(
    api: Api,
    case: UUID,
    *sensitivities: Sensitivity,
    to: tuple[UUID, ...] | None = None,
    expires_on: date | None = None,
) -> UUID:
    consent_id = api.network.ledger.give_consent(
        api.network.worker_a,
        case,
        sensitivities=sensitivities,
        purpose="coordinated support",
        given_by=ConsentGiver.YOUNG_PERSON,
        recipients=to,
        expires_on=expires_on,
    )
    settle(api)
    return consent_id


def interventions(api: Api, actor: Actor, case: UUID) -> list[dict[str, Any]]:
    """The viewer's INTERVENTION entries: domain, summary, redacted and author, in order."""
    person = api.gql(actor, TIMELINE, id=person_id(case))["youngPerson"]
    assert person is not None, "the viewer should see this case"
    nodes = [e["node"] for e in person["timeline"]["edges"]]
    return [
        {k: v for k, v in node.items() if k != "kind"}
        for node in nodes
        if node["kind"] == "INTERVENTION"
    ]


def mutate(api: Api, actor: Actor, name: str, input_type: str, /, **input: Any) -> dict[str, Any]:
    """Runs `name(input: …)` and returns its result's typename and, for failures, the error."""
    document = (
        f"""mutation($input: {input_type}!) {{ {name}(input: $input) {{ {RESULT_FIELDS} }} }}"""
    )
    result: dict[str, Any] = api.gql(actor, document, input=input)[name]
    return result
