"""Which documents the compiled path takes: the timeline page shape, under the general path's
own limits; everything else is left to the general path (tests/e2e/test_compiled_timeline.py
proves the answers equal over HTTP)."""

from uuid import uuid4

import pytest
from strawberry.extensions import SchemaExtension

from api.graphql.compiled import CompiledQueries, understands
from api.graphql.compiled.arguments import PersonCall, bind
from api.graphql.compiled.documents import Plans
from api.graphql.compiled.plan import PersonPlan
from api.graphql.ids import to_global
from api.graphql.schema import MAX_ALIASES, MAX_TOKENS, build_schema

SCHEMA = build_schema()
PAGE = """query Page($id: ID!, $first: Int, $after: String) {
  youngPerson(id: $id) { timeline(first: $first, after: $after) {
    edges { cursor node { id kind summary association { name } } }
    pageInfo { hasNextPage endCursor } } } }"""
SUPPORTED = {
    "the page": PAGE,
    "literals and aliases": """{ yp: youngPerson(id: "x") { id __typename
        t: timeline(first: 10, from: "2026-01-01T00:00:00+00:00", domains: [HOUSING]) {
          __typename edges { c: cursor n: node { k: kind by: association { n: name } } } } } }""",
    "fragments": """query P($id: ID!) { youngPerson(id: $id) { timeline { edges { node {
        ...E ... on TimelineEntry { summary } association { ... on Node { id } } } } } } }
        fragment E on TimelineEntry { id kind }""",
    "two people and the root's typename": """{ __typename a: youngPerson(id: "1") {
        timeline { pageInfo { endCursor } } } b: youngPerson(id: "2") { id } }""",
    "the named operation among others": """query Me { me { userId } }
        query Page($id: ID!) { youngPerson(id: $id) { timeline { edges { cursor } } } }""",
}
UNSUPPORTED = {
    "as of": """{ youngPerson(id: "x") { timeline(asOf: "2026-01-01T00:00:00+00:00") {
        edges { cursor } } } }""",
    "another young person field": """{ youngPerson(id: "x") { displayName timeline {
        edges { cursor } } } }""",
    "another root field": """{ me { userId } youngPerson(id: "x") { id } }""",
    "competences": """{ youngPerson(id: "x") { timeline { edges { node { association {
        competences { domain } } } } } } }""",
    "skip": """query($s: Boolean!) { youngPerson(id: "x") { timeline {
        edges { cursor @skip(if: $s) } } } }""",
    "include on a fragment": """{ youngPerson(id: "x") { ... on YoungPerson @include(if: true) {
        id } } }""",
    "introspection": """{ __schema { types { name } } youngPerson(id: "x") { id } }""",
    "a mutation": """mutation { eraseYoungPerson(input: {youngPersonId: "x", reason: "r"}) {
        __typename } } # youngPerson""",
    "a subscription": """subscription { timelineUpdated(youngPersonId: "x") { kind } }
        # youngPerson""",
    "invalid": """{ youngPerson(id: "x") { timeline { edges { nope } } } }""",
    "a syntax error": """{ youngPerson(id: "x") { timeline { """,
    "two anonymous operations": """{ youngPerson(id: "x") { id } } { me { userId } }""",
    "too many aliases": '{ youngPerson(id: "x") { timeline { edges { '
    + " ".join(f"c{i}: cursor" for i in range(MAX_ALIASES + 1))
    + " } } } }",
    # Spreads of two short tokens each, so the document stays under MAX_TEXT and validates:
    # only the token limit refuses it.
    "too many tokens": '{ youngPerson(id: "x") { timeline { edges { node {'
    + " ...E" * (MAX_TOKENS // 2)
    + " } } } } } fragment E on TimelineEntry { id kind }",
    "no young person": "{ me { userId } }",
}


@pytest.fixture(scope="module")
def plans() -> Plans:
    return Plans(SCHEMA)


@pytest.mark.parametrize("name", sorted(SUPPORTED))
def test_timeline_documents_are_compiled(plans: Plans, name: str) -> None:
    operation = "Page" if "named operation" in name else None
    assert plans.plan(SUPPORTED[name], operation) is not None


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_anything_else_is_left_to_the_general_path(plans: Plans, name: str) -> None:
    assert plans.plan(UNSUPPORTED[name], None) is None


def test_the_operation_is_the_one_named_or_the_only_one(plans: Plans) -> None:
    document = SUPPORTED["the named operation among others"]

    assert plans.plan(document, "Me") is None
    assert plans.plan(document, "Nope") is None
    assert plans.plan(document, None) is None
    assert plans.plan(PAGE, "Page") is not None
    assert plans.plan(PAGE, 3) is None
    assert plans.plan(None, None) is None


def test_a_document_is_compiled_once(plans: Plans) -> None:
    assert plans.plan(PAGE, None) is plans.plan(PAGE, None)


def test_response_keys_come_in_document_order_merged_across_fragments(plans: Plans) -> None:
    plan = plans.plan(SUPPORTED["fragments"], None)
    assert plan is not None
    ((key, person),) = plan.roots
    assert isinstance(person, PersonPlan)
    (timeline,) = person.timelines
    assert (key, timeline.key) == ("youngPerson", "timeline")
    assert plan.reads == {"associations"}


def test_arguments_are_coerced_like_the_general_path_or_declined(plans: Plans) -> None:
    plan = plans.plan(PAGE, None)
    assert plan is not None
    key = uuid4()
    person = to_global("YoungPerson", key)

    ((_, call),) = bind(SCHEMA._schema, plan, {"id": person, "first": 5}) or []
    assert isinstance(call, PersonCall)
    assert call.young_person_id == str(key)
    assert call.timelines["timeline"].first == 5
    ((_, foreign),) = bind(SCHEMA._schema, plan, {"id": to_global("Association", key)}) or []
    assert isinstance(foreign, PersonCall)
    assert foreign.young_person_id is None
    assert bind(SCHEMA._schema, plan, {"id": person, "first": "five"}) is None
    assert bind(SCHEMA._schema, plan, {}) is None


def test_with_an_extension_it_does_not_know_the_compiled_path_stays_off() -> None:
    class Unknown(SchemaExtension):
        pass

    schema = build_schema()
    schema.extensions = (*schema.extensions, Unknown)

    assert understands(SCHEMA)
    assert not understands(schema)
    assert CompiledQueries(SCHEMA).enabled
    assert not CompiledQueries(schema).enabled
