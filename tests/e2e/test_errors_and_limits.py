"""Expected failures as typed results, unexpected ones masked, and the hardening of the edge:
tokens, body size, abusive documents; read-your-writes and idempotent retries."""

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import jwt
import pytest

from api.auth.tokens import InstanceTokens, verifier_from_settings
from api.graphql import context as context_module
from domain.vocabulary import Role
from projections.queries import timeline
from projections.queries.served import Reader
from projections.store import Params, Row
from tests.e2e.conftest import Api, global_id
from tests.e2e.scenes import (
    RESULT_FIELDS,
    TIMELINE,
    case_led_by_a,
    mutate,
    person_id,
    settle,
)

ME = {"query": "{ me { userId } }"}
ONE_MB = 1_000_000


def test_a_severity_out_of_range_is_an_invalid_input_naming_severity(api: Api) -> None:
    case = case_led_by_a(api)

    refused = mutate(
        api,
        api.network.worker_a,
        "identifyNeed",
        "IdentifyNeedInput",
        youngPersonId=person_id(case),
        domain="HOUSING",
        severity=9,
    )

    assert refused == {
        "__typename": "InvalidInput",
        "code": "INVALID_INPUT",
        "message": "severity must be between 1 and 5",
        "field": "severity",
    }


def test_an_occurred_at_in_the_future_is_an_invalid_input_naming_occurred_at(api: Api) -> None:
    case = case_led_by_a(api)
    before = api.network.position()

    refused = mutate(
        api,
        api.network.worker_a,
        "recordIntervention",
        "RecordInterventionInput",
        youngPersonId=person_id(case),
        domain="HOUSING",
        kind="visit",
        occurredAt="2026-03-03T09:00:00+00:00",
    )

    assert refused == {
        "__typename": "InvalidInput",
        "code": "INVALID_INPUT",
        "message": "occurred_at must not be more than 5 minutes in the future",
        "field": "occurredAt",
    }
    assert api.network.position() == before


def test_a_malformed_global_id_is_an_invalid_input_naming_its_field(api: Api) -> None:
    case = case_led_by_a(api)
    b = api.network.worker_b
    attempts = {
        "youngPersonId": mutate(
            api,
            b,
            "identifyNeed",
            "IdentifyNeedInput",
            youngPersonId="not-an-id",
            domain="HOUSING",
            severity=2,
        ),
        "associationIds[0]": mutate(
            api,
            b,
            "giveConsent",
            "GiveConsentInput",
            youngPersonId=person_id(case),
            sensitivities=["GENERAL"],
            associationIds=[person_id(case)],
            purpose="support",
            givenBy="YOUNG_PERSON",
        ),
        "partnerIds[1]": mutate(
            api,
            api.network.admin,
            "launchProgramme",
            "LaunchProgrammeInput",
            name="Passerelle",
            components=[
                {"associationId": global_id("Association", api.network.a), "domain": "HOUSING"}
            ],
            partnerIds=[global_id("Association", api.network.a), "x"],
        ),
        "referralId": mutate(api, b, "acceptReferral", "RespondToReferralInput", referralId="%%%"),
        "handoverId": mutate(api, b, "acceptHandover", "RespondToHandoverInput", handoverId="x"),
    }

    assert {field: (r["__typename"], r["code"], r["field"]) for field, r in attempts.items()} == {
        field: ("InvalidInput", "INVALID_INPUT", field) for field in attempts
    }
    assert attempts["referralId"]["message"] == "referral_id is not the id of a Referral"


def test_an_unexpected_error_is_masked_without_internals(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("connection to postgresql://parcours:s3cret@db:5432 refused")

    monkeypatch.setattr("api.graphql.queries.associations_page", broken)

    response = api.post(
        api.token(api.network.worker_a), {"query": "{ associations { edges { cursor } } }"}
    )

    assert response.status_code == 200
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": "Unexpected error.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["associations"],
            }
        ],
    }
    assert "s3cret" not in response.text
    assert "RuntimeError" not in response.text


def test_requests_without_a_valid_token_get_401_and_a_clear_message(api: Api) -> None:
    worker = api.network.worker_a
    valid = api.token(worker)
    claims = jwt.decode(valid, options={"verify_signature": False})
    instance = verifier_from_settings(api.parcours.settings).instance
    assert instance is not None
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    expired = instance.issue(
        "worker-a", Role.WORKER, worker.association_id, ttl=timedelta(minutes=5), now=an_hour_ago
    )
    foreign = InstanceTokens(b"another instance's secret, 32+ b").issue(
        "worker-a", Role.WORKER, worker.association_id
    )
    unsigned = jwt.encode(claims, "", algorithm="none")
    headers = {
        "missing": {},
        "not a bearer": {"Authorization": f"Basic {valid}"},
        "malformed": {"Authorization": "Bearer not-a-jwt"},
        "expired": {"Authorization": f"Bearer {expired}"},
        "wrong key": {"Authorization": f"Bearer {foreign}"},
        "alg none": {"Authorization": f"Bearer {unsigned}"},
    }

    answers = {}
    for kind, header in headers.items():
        response = httpx.post(f"{api.url}/graphql", json=ME, headers=header, timeout=10)
        answers[kind] = (response.status_code, response.json()["detail"])

    assert answers == {
        "missing": (401, "missing Authorization header; send 'Authorization: Bearer <token>'"),
        "not a bearer": (401, "the Authorization header must use the Bearer scheme"),
        "malformed": (401, "token is malformed: not a signed JWT"),
        "expired": (401, "token has expired; ask for a new one"),
        "wrong key": (401, "token signature does not verify (wrong key or altered token)"),
        "alg none": (401, "unsigned tokens (alg none) are refused"),
    }
    assert api.post(valid, ME).json() == {"data": {"me": {"userId": "worker-a"}}}


def test_a_body_over_one_megabyte_is_refused_with_413(api: Api) -> None:
    token = api.token(api.network.worker_a)
    assert api.parcours.settings.max_body_bytes == ONE_MB

    def padded(size: int) -> dict[str, Any]:
        return {**ME, "variables": {"padding": "x" * size}}

    def streamed() -> Iterator[bytes]:
        for _ in range(11):
            yield b" " * 100_000

    chunked = httpx.post(
        f"{api.url}/graphql",
        content=streamed(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=30,
    )
    statuses = {
        "just under": api.post(token, padded(ONE_MB - 1_000)).status_code,
        "declared over": api.post(token, padded(ONE_MB + 1)).status_code,
        "streamed over": chunked.status_code,
    }

    assert statuses == {"just under": 200, "declared over": 413, "streamed over": 413}
    assert chunked.text == "request body over 1000000 bytes"


def test_a_body_that_is_not_json_is_refused_with_400(api: Api) -> None:
    response = httpx.post(
        f"{api.url}/graphql",
        content=b'{"query": "{ me { userId } }"',
        headers={
            "Authorization": f"Bearer {api.token(api.network.worker_a)}",
            "Content-Type": "application/json",
        },
        timeout=10,
    )

    assert (response.status_code, response.text) == (400, "Unable to parse request body as JSON")


def nested(depth: int) -> str:
    """A document whose deepest field is `depth` levels below its root field (depth 0):
    youngPerson > referrals > youngPerson > … > id."""
    inner = "id"
    for field in reversed((["referrals", "youngPerson"] * depth)[: depth - 1]):
        inner = f"{field} {{ {inner} }}"
    return f'{{ youngPerson(id: "{global_id("YoungPerson", uuid4())}") {{ {inner} }} }}'


def test_documents_over_the_depth_alias_and_token_limits_are_refused(api: Api) -> None:
    worker = api.network.worker_a

    def errors(document: str) -> list[str]:
        body = api.raw(worker, document)
        return [e["message"] for e in body.get("errors", [])]

    def aliases(count: int) -> str:
        return "{ " + " ".join(f"a{i}: me {{ userId }}" for i in range(count)) + " }"

    tokens = "{ " + " ".join(["__typename"] * 4_000) + " }"

    assert errors(nested(13)) == ["'anonymous' exceeds maximum operation depth of 12"]
    assert errors(aliases(31)) == ["31 aliases found. Allowed: 30"]
    assert errors(tokens) == [
        "Syntax Error: Document contains more than 4000 tokens. Parsing aborted."
    ]
    assert [errors(nested(12)), errors(aliases(30))] == [[], []]


def test_a_recorded_intervention_is_readable_in_the_next_request(api: Api) -> None:
    n = api.network
    case = case_led_by_a(api, involve_b=False)

    recorded = api.gql(
        n.worker_a,
        """mutation($input: RecordInterventionInput!) { recordIntervention(input: $input) {
            ... on InterventionRecorded { entry { kind summary } } } }""",
        input={
            "youngPersonId": person_id(case),
            "domain": "EDUCATION",
            "kind": "tutoring",
            "occurredAt": "2026-03-01T16:00:00+00:00",
            "summary": "maths homework",
        },
    )["recordIntervention"]
    timeline = api.gql(n.worker_a, TIMELINE, id=person_id(case))["youngPerson"]["timeline"]

    assert recorded == {"entry": {"kind": "INTERVENTION", "summary": "maths homework"}}
    assert [e["node"]["summary"] for e in timeline["edges"]] == ["maths homework", "Enrolled"]


def test_a_replayed_idempotency_key_returns_the_same_id_and_records_once(api: Api) -> None:
    n = api.network
    document = f"""mutation($input: EnrolYoungPersonInput!) {{ enrolYoungPerson(input: $input) {{
        {RESULT_FIELDS} ... on YoungPersonEnrolled {{ youngPerson {{ id displayName }} }} }} }}"""
    enrolment = {
        "personalData": {"firstName": "Inès", "lastName": "Moreau", "dateOfBirth": "2009-02-11"},
        "territory": "93",
        "idempotencyKey": "enrol-ines-2026-03-02",
    }
    before = n.position()

    first = api.gql(n.worker_a, document, input=enrolment)["enrolYoungPerson"]
    recorded = n.events_since(before)
    replayed = api.gql(n.worker_a, document, input=enrolment)["enrolYoungPerson"]

    assert first["__typename"] == "YoungPersonEnrolled"
    assert replayed == first
    assert recorded == ["Enrolled"]
    assert n.events_since(before) == ["Enrolled"]


def test_a_nul_character_in_a_variable_or_a_literal_is_refused_with_400(api: Api) -> None:
    token = api.token(api.network.worker_a)
    in_variable = api.post(
        token,
        {
            "query": "query($t: String) { associations(territory: $t) { edges { cursor } } }",
            "variables": {"t": "9\u00003"},
        },
    )
    in_literal = api.post(
        token, {"query": '{ associations(territory: "9\\u00003") { edges { cursor } } }'}
    )

    assert (in_variable.status_code, in_literal.status_code) == (400, 400)
    assert "NUL" in in_variable.text


def test_a_refused_field_of_a_nested_input_is_named_by_its_path(api: Api) -> None:
    """A form marks the box the refusal points at: inside a nested input that is a path
    (`personalData.firstName`), and inside a list it names the item sent (`competences[1]…`)."""
    n = api.network
    case = case_led_by_a(api)
    person = {"firstName": "Camille", "lastName": "Martin", "dateOfBirth": "2009-04-01"}
    before = n.position()
    answers = {
        "enrolYoungPerson": mutate(
            api,
            n.worker_a,
            "enrolYoungPerson",
            "EnrolYoungPersonInput",
            personalData={**person, "firstName": "   "},
            territory="93",
        ),
        "correctPersonalData": mutate(
            api,
            n.worker_a,
            "correctPersonalData",
            "CorrectPersonalDataInput",
            youngPersonId=person_id(case),
            personalData={**person, "contact": "06\x0712"},
        ),
        "registerAssociation": mutate(
            api,
            n.admin,
            "registerAssociation",
            "RegisterAssociationInput",
            name="Association D",
            territory="75",
            competences=[
                {"domain": "HOUSING", "monthlyCapacity": 3},
                {"domain": "EDUCATION", "monthlyCapacity": -7},
            ],
        ),
        "declareCompetence": mutate(
            api,
            n.coordinator_a,
            "declareCompetence",
            "DeclareCompetenceInput",
            associationId=global_id("Association", n.a),
            competence={"domain": "EDUCATION", "monthlyCapacity": 20},
        ),
        "launchProgramme": mutate(
            api,
            n.admin,
            "launchProgramme",
            "LaunchProgrammeInput",
            name="Passerelle",
            components=[
                {"associationId": global_id("Association", n.a), "domain": "MENTORING"},
                {"associationId": "not-an-id", "domain": "HOUSING"},
            ],
        ),
    }

    assert {name: (a["__typename"], a["field"]) for name, a in answers.items()} == {
        "enrolYoungPerson": ("InvalidInput", "personalData.firstName"),
        "correctPersonalData": ("InvalidInput", "personalData.contact"),
        "registerAssociation": ("InvalidInput", "competences[1].monthlyCapacity"),
        "declareCompetence": ("RuleViolation", "competence.domain"),
        "launchProgramme": ("InvalidInput", "components[1].associationId"),
    }
    assert n.position() == before


def test_a_variable_of_the_wrong_type_is_refused_naming_it_and_the_rule(api: Api) -> None:
    """GraphQL's own refusals of a request are not internals: masked, a number sent for a
    String, or a date that does not parse, came back as "Unexpected error."."""
    token = api.token(api.network.worker_a)
    wrong_type = api.post(
        token,
        {
            "query": "query($t: String) { associations(territory: $t) { edges { cursor } } }",
            "variables": {"t": 5},
        },
    )
    not_a_date = api.post(
        token,
        {
            "query": "query($f: DateTime) { referralMetrics(from: $f) { made } }",
            "variables": {"f": "notadate"},
        },
    )

    assert wrong_type.json()["errors"][0]["message"] == (
        "Variable '$t' has invalid value: String cannot represent a non string value: 5"
    )
    assert not_a_date.json()["errors"][0]["message"].startswith(
        "Variable '$f' has invalid value: Value cannot represent a DateTime"
    )


def test_a_deeply_nested_body_is_a_client_error_not_a_500(api: Api) -> None:
    """900 levels passed the parser and broke the NUL check's recursion; 5,000 break the
    parser's own: both are the client's mistake, answered as such."""
    token = api.token(api.network.worker_a)
    query = "query($t: String) { associations(territory: $t) { edges { cursor } } }"

    def nested(depth: int) -> bytes:
        variables = "[" * depth + "]" * depth
        return b'{"query": %s, "variables": {"t": %s}}' % (
            json.dumps(query).encode(),
            variables.encode(),
        )

    answers = [
        httpx.post(
            f"{api.url}/graphql",
            content=nested(depth),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            timeout=30,
        )
        for depth in (900, 5000)
    ]

    assert answers[0].status_code == 200
    assert "Variable '$t' has invalid value" in answers[0].json()["errors"][0]["message"]
    assert answers[1].status_code == 400
    assert "nested too deeply" in answers[1].text


def test_a_page_of_young_people_reads_their_timelines_in_one_batch(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each timeline cost a store call of its own: a page of 250 young people with their
    timelines went over the budget. Now they are read together, in one statement, each as it
    reads alone."""
    monkeypatch.setattr(context_module, "MAX_STORE_CALLS", 2)
    statements: list[str] = []

    class Counting(Reader):
        def all(self, statement: str, params: Params = ()) -> list[Row]:
            statements.append(statement)
            return super().all(statement, params)

    monkeypatch.setattr(timeline, "Reader", Counting)
    n = api.network
    for first_name in ("Ada", "Bao", "Chloé", "Driss", "Emma"):
        n.enrol(n.worker_a, first_name=first_name)
    settle(api)
    listed = api.gql(
        n.worker_a,
        """{ youngPeople(first: 5) { edges { node { id
            timeline(first: 2) { edges { cursor node { kind occurredAt } } } } } } }""",
    )["youngPeople"]["edges"]
    alone = [
        api.gql(
            n.worker_a,
            """query($id: ID!) { youngPerson(id: $id) {
                timeline(first: 2) { edges { cursor node { kind occurredAt } } } } }""",
            id=edge["node"]["id"],
        )["youngPerson"]["timeline"]
        for edge in listed
    ]

    assert len(statements) == 1 + 5
    assert len(listed) == 5
    assert [edge["node"]["timeline"] for edge in listed] == alone
    assert all(timeline["edges"] for timeline in alone)


def test_timelines_under_lists_are_bounded_by_a_budget_of_entries(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read in batches, timelines under a page of young people, under aliases, cost few
    statements but could ask for millions of rows: the rows each page reads are counted (its
    size and one more, which tells whether there is a next page: an empty page is no free pass
    to a subquery): 4 per young person here."""
    monkeypatch.setattr(context_module, "MAX_TIMELINE_ENTRIES", 8)
    n = api.network
    for first_name in ("Ada", "Bao", "Chloé", "Driss", "Emma"):
        n.enrol(n.worker_a, first_name=first_name)
    settle(api)
    document = """query($n: Int) { youngPeople(first: $n) { edges { node {
        a: timeline(first: 2) { edges { cursor } } b: timeline(first: 0) { edges { cursor } }
        } } } }"""

    within = api.raw(n.worker_a, document, n=2)
    beyond = api.raw(n.worker_a, document, n=3)

    assert "errors" not in within
    messages = {e["message"] for e in beyond["errors"]}
    assert messages == {
        "this operation reads more than 8 timeline entries:"
        " ask for fewer items per page, or fewer lists inside lists"
    }


def test_a_forged_cursor_fails_its_own_timeline_only(api: Api) -> None:
    """Timelines are read in batches: a cursor the driver could not take (a position past 64
    bits) failed every page read with it, as an unexpected error."""
    n = api.network
    ada, bao = (n.enrol(n.worker_a, first_name=name) for name in ("Ada", "Bao"))
    settle(api)
    key = ["timeline", "2026-01-01T00:00:00.000000+00:00", 2**64, "x"]
    forged = base64.urlsafe_b64encode(json.dumps(key).encode()).decode()

    answer = api.raw(
        n.worker_a,
        """query($a: ID!, $b: ID!, $after: String) {
            forged: youngPerson(id: $a) { timeline(after: $after) { edges { cursor } } }
            fine: youngPerson(id: $b) { timeline(first: 1) { edges { cursor } } } }""",
        a=global_id("YoungPerson", ada),
        b=global_id("YoungPerson", bao),
        after=forged,
    )

    assert [(e["message"], e["path"]) for e in answer["errors"]] == [
        ("the cursor is not one this server issued", ["forged", "timeline"])
    ]
    assert answer["data"]["forged"] is None
    assert len(answer["data"]["fine"]["timeline"]["edges"]) == 1


def test_store_calls_are_bounded_by_a_budget(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under aliases, lists that each cost a query: one document passing every depth, alias
    and token limit could make hundreds of them."""
    monkeypatch.setattr(context_module, "MAX_STORE_CALLS", 4)
    n = api.network
    n.enrol(n.worker_a)
    settle(api)

    def aliased(count: int) -> str:
        lists = " ".join(
            f"l{i}: youngPeople(first: 1) {{ edges {{ cursor }} }}" for i in range(count)
        )
        return f"{{ {lists} }}"

    within = api.raw(n.worker_a, aliased(4))
    beyond = api.raw(n.worker_a, aliased(5))

    assert "errors" not in within
    assert {e["message"] for e in beyond["errors"]} == {
        "this operation asks the store more than 4 times:"
        " ask for fewer items per page, or fewer lists inside lists"
    }
