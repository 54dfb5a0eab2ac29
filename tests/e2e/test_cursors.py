"""Every list's cursors over HTTP: the cursors the server writes walk each list to its end,
and a forged one is refused as a cursor (`INVALID_CURSOR`, field `after`) on its own field.

Before cursors were checked value by value, a forged one whose values the driver could not
take (a position past 64 bits, a string for a number, a NUL) reached SQL and came back as
"Unexpected error.", which told a client nothing, and on SQLite a string compared with a
number as text silently answered another page.
"""

import base64
import json
from typing import Any

import pytest

from domain.actor import Actor
from domain.network.programme import Component
from domain.vocabulary import Domain
from tests.e2e.conftest import Api, global_id
from tests.e2e.scenes import case_led_by_a, record, settle

MOMENT = "2026-01-01T00:00:00.000000+00:00"
ID = "3f2b8c1e-0d4a-4c55-9a51-7b0e6c7d9e10"
PAGE = "edges { cursor } pageInfo { hasNextPage endCursor }"
POSITION_LISTS = ["associations", "referrals", "programmes", "practiceNotes", "auditTrail"]
KEYED_LISTS = ["youngPeople", "accessLog", "timeline"]
KINDS = {
    "associations": "associations",
    "referrals": "referrals",
    "programmes": "programmes",
    "practiceNotes": "notes",
    "auditTrail": "audit",
    "youngPeople": "young-people",
    "accessLog": "access-log",
    "timeline": "timeline",
}
FORGED_POSITIONS: list[object] = [2**64, 2**63, -1, "12", True, 1.5, [1], None]
FORGED_KEYS: list[list[object]] = [
    ["2026-01-01", ID],
    ["yesterday", ID],
    [MOMENT, "a\u0000b"],
    [MOMENT, "é"],
    [MOMENT, 7],
    [[MOMENT], ID],
    [MOMENT, "x" * 101],
    ["0001-01-01T00:00:00.000000+01:00", ID],  # no UTC time: an OverflowError, not a ValueError
]
NESTED = base64.urlsafe_b64encode(b"[" * 700 + b"]" * 700).decode()
"""Nested deeper than the JSON decoder recurses, and longer than any cursor the server writes."""


def cursor(*values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode()


def document(field: str) -> str:
    if field == "timeline":
        return f"""query($id: ID!, $after: String) {{ youngPerson(id: $id) {{
            timeline(first: 1, after: $after) {{ {PAGE} }} }} }}"""
    return f"query($after: String) {{ {field}(first: 1, after: $after) {{ {PAGE} }} }}"


class Lists:
    """A network with at least two items in every list, and who may read each list."""

    def __init__(self, api: Api) -> None:
        n = self.network = api.network
        self.api = api
        case = case_led_by_a(api)
        self.young_person = global_id("YoungPerson", case)
        second = n.enrol(n.worker_a, first_name="Bao")
        n.ledger.make_referral(n.worker_a, second, to_association_id=n.c, domain=Domain.HOUSING)
        record(api, n.worker_a, case, Domain.EDUCATION, "back at school", minutes_after=1)
        record(api, n.worker_a, case, Domain.EDUCATION, "exams", minutes_after=2)
        for name in ("Cap Avenir", "Tremplin"):
            n.ledger.launch_programme(
                n.admin, name=name, components=(Component(n.a, Domain.EDUCATION),), capacity=5
            )
        for title in ("Accueil", "Bail glissant"):
            n.ledger.publish_practice_note(
                n.worker_a, title=title, body="what we learned", domains=(Domain.EDUCATION,)
            )
        settle(api)
        self.timeline_ids(n.worker_a)  # two reads of case content for the access log
        self.timeline_ids(n.worker_a)

    def reader(self, field: str) -> Actor:
        if field in ("auditTrail", "accessLog"):
            return self.api.auditor()
        return self.network.admin if field == "programmes" else self.network.worker_a

    def timeline_ids(self, actor: Actor) -> None:
        self.api.gql(actor, document("timeline"), id=self.young_person, after=None)

    def page(self, field: str, after: str | None) -> dict[str, Any]:
        variables: dict[str, Any] = {"after": after}
        if field == "timeline":
            variables["id"] = self.young_person
        return self.api.raw(self.reader(field), document(field), **variables)


def connection(answer: dict[str, Any], field: str) -> dict[str, Any]:
    data = answer["data"]
    found: dict[str, Any] = (data["youngPerson"] if field == "timeline" else data)[field]
    return found


@pytest.fixture
def lists(api: Api) -> Lists:
    return Lists(api)


@pytest.mark.parametrize("field", POSITION_LISTS + KEYED_LISTS)
def test_the_cursors_the_server_writes_walk_a_list_to_its_end(lists: Lists, field: str) -> None:
    seen: list[str] = []
    after = None
    for _ in range(200):
        answer = lists.page(field, after)
        assert "errors" not in answer, answer["errors"]
        page = connection(answer, field)
        seen += [edge["cursor"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    else:
        pytest.fail(f"{field} did not end within 200 pages")
    assert len(seen) >= 2
    assert len(set(seen)) == len(seen)


def refusals(answer: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(e["message"], e.get("extensions", {})) for e in answer.get("errors", [])]


REFUSED = {"code": "INVALID_CURSOR", "field": "after"}


def forged(field: str) -> list[str]:
    if field in POSITION_LISTS:
        return [cursor(KINDS[field], value) for value in FORGED_POSITIONS] + [NESTED]
    if field == "timeline":
        return [cursor(KINDS[field], key[0], 5, key[1]) for key in FORGED_KEYS]
    return [cursor(KINDS[field], *key) for key in FORGED_KEYS]


@pytest.mark.parametrize("field", POSITION_LISTS + KEYED_LISTS)
def test_a_forged_cursor_is_refused_as_a_cursor(lists: Lists, field: str) -> None:
    """One server for every forged value of a list: each is a request of its own."""
    answers = {after: refusals(lists.page(field, after)) for after in forged(field)}

    refused = [("the cursor is not one this server issued", REFUSED)]
    assert all(found == refused for found in answers.values()), answers


@pytest.mark.parametrize("field", ["referrals", "youngPeople"])
def test_a_cursor_of_another_list_is_refused(lists: Lists, field: str) -> None:
    other = lists.page("associations", None)
    after = connection(other, "associations")["pageInfo"]["endCursor"]

    answer = lists.page(field, after)

    assert refusals(answer) == [("the cursor belongs to another list", REFUSED)]


def test_a_page_size_out_of_range_names_first(lists: Lists) -> None:
    answer = lists.api.raw(lists.network.worker_a, "{ referrals(first: 501) { edges { cursor } } }")

    assert refusals(answer) == [
        ("first must be between 0 and 500", {"code": "INVALID_PAGE_SIZE", "field": "first"})
    ]


def test_a_query_refused_by_the_domain_gives_its_code(lists: Lists) -> None:
    answer = lists.api.raw(lists.network.worker_a, "{ auditTrail { edges { cursor } } }")

    assert [e.get("extensions") for e in answer["errors"]] == [{"code": "NOT_PERMITTED"}]
