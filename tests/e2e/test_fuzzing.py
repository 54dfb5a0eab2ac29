"""Hostile input: documents generated from the exported schema never make the server fail.

hypothesis-graphql builds valid queries and mutations (random arguments, nested selections,
aliases) from `build_schema().as_str()`; each is POSTed with a worker's token to the real server.
A masked "Unexpected error." means an exception escaped a resolver: that is a bug, because every
expected failure is either a GraphQL validation error or a typed refusal (`InvalidInput`, ...).
The raw-body cases and the long-text limit are pinned by example alongside.
"""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from api.graphql.schema import build_schema
from domain.rules import LONG_TEXT
from tests.e2e.conftest import Api
from tests.e2e.scenes import case_led_by_a, mutate, person_id

SCHEMA = build_schema().as_str()
MASKED = "Unexpected error."

# Date and DateTime are custom scalars: give hypothesis-graphql well-formed literals for them
# (malformed ones are GraphQL validation errors, already covered by graphql-core).
SCALARS = {
    "Date": st.dates().map(lambda day: nodes.String(day.isoformat())),
    "DateTime": st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ).map(lambda moment: nodes.String(moment.isoformat())),
}

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


def assert_no_server_error(api: Api, document: str) -> None:
    """The guarantee under fuzzing: 200 with a JSON answer and no masked error (which would mean
    an exception escaped a resolver), or a documented 400/413 refusal that says why."""
    response = api.post(api.token(api.network.worker_a), {"query": document})
    assert response.status_code in {200, 400, 413}, (document, response.text)
    if response.status_code != 200:
        assert response.text, "a refusal says why"  # strawberry answers 400s in plain text
        return
    body: dict[str, Any] = response.json()
    masked = [e for e in body.get("errors", []) if e.get("message") == MASKED]
    assert not masked, (document, masked)


# The server under test runs in this process: its threads (connection pools' jitter) may draw
# from the global `random` while hypothesis generates a document, which hypothesis reports as a
# strategy using `random`. The documents themselves are drawn from hypothesis's own source.
SERVER_THREADS_USE_RANDOM = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies"
)


@SERVER_THREADS_USE_RANDOM
@FUZZ
@given(document=queries(SCHEMA, custom_scalars=SCALARS))
def test_generated_queries_never_cause_a_server_error(api: Api, document: str) -> None:
    assert_no_server_error(api, document)


@SERVER_THREADS_USE_RANDOM
@FUZZ
@given(document=mutations(SCHEMA, custom_scalars=SCALARS))
def test_generated_mutations_never_cause_a_server_error(api: Api, document: str) -> None:
    assert_no_server_error(api, document)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            b'{"query": "{ me { userId } }"',
            "Unable to parse request body as JSON",
            id="truncated JSON",
        ),
        pytest.param(
            b'{"query": "{ me { userId } \xff\xfe }"}',
            "Request body is not valid UTF-8",
            id="invalid UTF-8",
        ),
        pytest.param(b"\x00\x01\x02", "", id="binary"),
        pytest.param(b'["not", "an", "object"]', "", id="a JSON array"),
        pytest.param(b'{"query": 42}', "", id="a query that is not a string"),
    ],
)
def test_a_body_that_is_not_a_json_graphql_request_is_refused_with_400(
    api: Api, content: bytes, message: str
) -> None:
    response = httpx.post(
        f"{api.url}/graphql",
        content=content,
        headers={
            "Authorization": f"Bearer {api.token(api.network.worker_a)}",
            "Content-Type": "application/json",
        },
        timeout=10,
    )

    assert response.status_code == 400, response.text
    assert MASKED not in response.text
    if message:
        assert response.text == message


def test_a_summary_over_the_long_text_limit_is_an_invalid_input_naming_summary(api: Api) -> None:
    case = case_led_by_a(api, involve_b=False)
    before = api.network.position()

    def record(summary: str) -> dict[str, Any]:
        return mutate(
            api,
            api.network.worker_a,
            "recordIntervention",
            "RecordInterventionInput",
            youngPersonId=person_id(case),
            domain="HOUSING",
            kind="visit",
            occurredAt="2026-03-01T09:00:00+00:00",
            summary=summary,
        )

    refused = record("x" * (LONG_TEXT + 1))
    after_refusal = api.network.position()
    accepted = record("x" * LONG_TEXT)

    assert refused == {
        "__typename": "InvalidInput",
        "code": "INVALID_INPUT",
        "message": f"summary must be at most {LONG_TEXT} characters",
        "field": "summary",
    }
    assert after_refusal == before
    assert accepted["__typename"] == "InterventionRecorded"
