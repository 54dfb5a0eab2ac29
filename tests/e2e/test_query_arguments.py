"""Times given to queries are refused, naming the argument, unless they are instants the
read models can hold: with a time zone (a naive one was read in the server's own zone, or
compared with an aware one and failed as "Unexpected error."), with a time in UTC (year 1 at
+01:00 has none: the conversion overflowed), and a period whose end is not before its start
(an empty page or zero counts said nothing of the mistake)."""

import json
from typing import Any

import httpx
import pytest

from domain.vocabulary import Domain
from tests.e2e.conftest import Api
from tests.e2e.scenes import case_led_by_a, person_id, record

NAIVE = "2026-01-01T00:00:00"
NO_UTC_TIME = "0001-01-01T00:00:00+01:00"
PAST_UTC_END = "9999-12-31T23:59:59-01:00"
PERSON = """query($id: ID!, $asOf: DateTime) { youngPerson(id: $id, asOf: $asOf) {
    displayName } }"""
TIMELINE = """query($id: ID!, $from: DateTime, $to: DateTime, $asOf: DateTime) {
    youngPerson(id: $id) { timeline(from: $from, to: $to, asOf: $asOf) {
        edges { node { kind } } } } }"""
METRICS = """query($from: DateTime, $to: DateTime) { referralMetrics(from: $from, to: $to) {
    made } }"""


def refusal(answer: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    (error,) = answer["errors"]
    return error["message"], error["extensions"]


def invalid(field: str) -> dict[str, str]:
    return {"code": "INVALID_INPUT", "field": field}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (NAIVE, "asOf must carry a time zone"),
        (NO_UTC_TIME, "asOf must fall between the years 1 and 9999 in UTC"),
    ],
)
def test_a_case_as_of_a_time_that_is_no_instant_is_refused(
    api: Api, value: str, message: str
) -> None:
    case = case_led_by_a(api)

    answer = api.raw(api.network.worker_a, PERSON, id=person_id(case), asOf=value)

    assert refusal(answer) == (message, invalid("asOf"))


@pytest.mark.parametrize(
    ("arguments", "message", "field"),
    [
        ({"from": NAIVE}, "from must carry a time zone", "from"),
        ({"to": NAIVE}, "to must carry a time zone", "to"),
        ({"asOf": NAIVE}, "asOf must carry a time zone", "asOf"),
        ({"from": NO_UTC_TIME}, "from must fall between the years 1 and 9999 in UTC", "from"),
        ({"to": PAST_UTC_END}, "to must fall between the years 1 and 9999 in UTC", "to"),
        (
            {"from": "2026-03-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
            "to must not be before from",
            "to",
        ),
    ],
)
def test_a_timeline_between_times_that_are_no_period_is_refused(
    api: Api, arguments: dict[str, str], message: str, field: str
) -> None:
    n = api.network
    case = case_led_by_a(api)
    record(api, n.worker_a, case, Domain.EDUCATION, "back at school")

    answer = api.raw(n.worker_a, TIMELINE, id=person_id(case), **arguments)

    assert refusal(answer) == (message, invalid(field))


def test_a_timeline_between_two_instants_in_other_zones_is_answered(api: Api) -> None:
    """The same instant written in two zones is a period of no length, not a refusal."""
    n = api.network
    case = case_led_by_a(api)

    answer = api.gql(
        n.worker_a,
        TIMELINE,
        id=person_id(case),
        **{"from": "2026-01-01T01:00:00+01:00", "to": "2026-01-01T00:00:00Z"},
    )

    assert answer["youngPerson"]["timeline"]["edges"] == []


@pytest.mark.parametrize(
    ("arguments", "message", "field"),
    [
        ({"from": NO_UTC_TIME}, "from must fall between the years 1 and 9999 in UTC", "from"),
        (
            {"from": "2026-03-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
            "to must not be before from",
            "to",
        ),
    ],
)
def test_referral_metrics_over_no_period_are_refused(
    api: Api, arguments: dict[str, str], message: str, field: str
) -> None:
    answer = api.raw(api.network.coordinator_a, METRICS, **arguments)

    assert refusal(answer) == (message, invalid(field))


TERRITORY_LISTS = [
    ("associations", "{ associations(territory: $t) { edges { cursor } } }", "worker_a"),
    ("needsCoverage", "{ needsCoverage(territory: $t) { territory } }", "coordinator_a"),
    ("serviceGaps", "{ serviceGaps(territory: $t) { territory } }", "coordinator_a"),
    (
        "referralCandidates",
        "{ referralCandidates(domain: HOUSING, territory: $t) { monthlyCapacity } }",
        "worker_a",
    ),
]


@pytest.mark.parametrize(("name", "selection", "reader"), TERRITORY_LISTS)
def test_a_territory_that_is_not_plain_text_is_refused_naming_it(
    api: Api, name: str, selection: str, reader: str
) -> None:
    """A lone surrogate reached the driver, which cannot encode it: "Unexpected error."."""
    document = "query($t: String)" + selection

    body = json.dumps({"query": document, "variables": {"t": "9\udc003"}})  # escaped: ASCII
    response = httpx.post(
        f"{api.url}/graphql",
        content=body.encode("ascii"),
        headers={
            "Authorization": f"Bearer {api.token(getattr(api.network, reader))}",
            "Content-Type": "application/json",
        },
    )
    answer = response.json()

    assert refusal(answer) == (
        "territory must be valid Unicode (no lone surrogate)",
        invalid("territory"),
    )


@pytest.mark.parametrize("limit", [0, -5, 201, 2**31 - 1])
def test_a_number_of_service_gaps_out_of_range_is_refused(api: Api, limit: int) -> None:
    """It was clamped to 1 or 200 without a word, where `first` out of range is refused."""
    document = "query($l: Int!) { serviceGaps(limit: $l) { territory } }"

    answer = api.raw(api.network.coordinator_a, document, l=limit)

    assert refusal(answer) == ("limit must be between 1 and 200", invalid("limit"))
    assert "errors" not in api.raw(api.network.coordinator_a, document, l=200)


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ('{ accessLog(youngPersonId: "!!") { edges { cursor } } }', "youngPersonId"),
        ('{ auditTrail(streamId: "!!") { edges { cursor } } }', "streamId"),
    ],
)
def test_a_stream_id_that_is_none_names_its_own_argument(
    api: Api, document: str, field: str
) -> None:
    answer = api.raw(api.auditor(), document)

    assert refusal(answer) == (f"{field} is not a stream id", invalid(field))
