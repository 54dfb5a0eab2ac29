"""Writes are checked at the edge as well as by the domain: a token acts for its association
only, each role runs only its own commands, and refusals are typed `UserError` results."""

from functools import cache
from typing import Any
from uuid import UUID, uuid4

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
)

from api.graphql.schema import build_schema
from domain.actor import Actor
from domain.vocabulary import Domain
from tests.e2e.conftest import Api, global_id
from tests.e2e.scenes import RESULT_FIELDS, case_led_by_a, mutate, person_id, settle

HANDOVER = """mutation($input: RespondToHandoverInput!) { acceptHandover(input: $input) {
    __typename ... on UserError { code message field }
    ... on HandoverUpdated { handover { status } youngPerson { leadAssociation { name } } } } }"""
LEAD = "query($id: ID!) { youngPerson(id: $id) { leadAssociation { name } } }"
NOT_PERMITTED = {"__typename": "NotPermitted", "code": "NOT_PERMITTED", "field": None}


def handover_from_a_to_c(api: Api, *, involve_b: bool) -> tuple[UUID, str]:
    n = api.network
    case = case_led_by_a(api, involve_b=involve_b)
    handover = n.ledger.propose_handover(n.worker_a, case, to_association_id=n.c)
    settle(api)
    return case, global_id("Handover", handover)


def accept_handover(api: Api, actor: Actor, handover: str) -> dict[str, Any]:
    result: dict[str, Any] = api.gql(actor, HANDOVER, input={"handoverId": handover})[
        "acceptHandover"
    ]
    return result


def test_a_worker_of_b_cannot_accept_a_handover_addressed_to_c(api: Api) -> None:
    n = api.network
    case, handover = handover_from_a_to_c(api, involve_b=True)
    before = n.position()

    refused = accept_handover(api, n.worker_b, handover)

    assert refused == {
        "__typename": "NotPermitted",
        "code": "NOT_PERMITTED",
        "message": "only the addressed association may do this",
        "field": "handoverId",
    }
    assert n.position() == before
    assert api.gql(n.worker_a, LEAD, id=person_id(case)) == {
        "youngPerson": {"leadAssociation": {"name": "Association A"}}
    }


def test_a_handover_is_not_found_by_an_association_that_does_not_see_the_case(api: Api) -> None:
    _, handover = handover_from_a_to_c(api, involve_b=False)

    refused = accept_handover(api, api.network.worker_b, handover)

    assert refused == accept_handover(api, api.network.worker_b, global_id("Handover", uuid4()))
    assert refused == {
        "__typename": "NotFound",
        "code": "NOT_FOUND",
        "message": "no such handover",
        "field": None,
    }


def test_the_addressee_accepts_the_handover_and_the_lead_moves_at_once(api: Api) -> None:
    _, handover = handover_from_a_to_c(api, involve_b=False)

    accepted = accept_handover(api, api.network.worker_c, handover)

    assert accepted == {
        "__typename": "HandoverUpdated",
        "handover": {"status": "ACCEPTED"},
        "youngPerson": {"leadAssociation": {"name": "Association C"}},
    }


def test_a_worker_of_b_cannot_accept_a_referral_addressed_to_c(api: Api) -> None:
    n = api.network
    case = case_led_by_a(api)
    referral = n.ledger.make_referral(
        n.worker_a, case, to_association_id=n.c, domain=Domain.HOUSING
    )
    settle(api)

    refused = mutate(
        api,
        n.worker_b,
        "acceptReferral",
        "RespondToReferralInput",
        referralId=global_id("Referral", referral),
    )

    assert refused == {
        "__typename": "NotPermitted",
        "code": "NOT_PERMITTED",
        "message": "only the addressed association may do this",
        "field": "referralId",
    }


def test_a_coordinator_of_a_cannot_declare_competences_for_b(api: Api) -> None:
    n = api.network
    before = n.position()

    refused = mutate(
        api,
        n.coordinator_a,
        "declareCompetence",
        "DeclareCompetenceInput",
        associationId=global_id("Association", n.b),
        competence={"domain": "MENTORING", "monthlyCapacity": 4},
    )

    assert refused == {
        **NOT_PERMITTED,
        "message": "only a coordinator of this association may do this",
    }
    assert n.position() == before


def test_a_coordinator_declares_a_competence_for_their_own_association(api: Api) -> None:
    n = api.network
    declared = api.gql(
        n.coordinator_a,
        """mutation($input: DeclareCompetenceInput!) { declareCompetence(input: $input) {
            ... on AssociationUpdated { association { name competences { domain } } } } }""",
        input={
            "associationId": global_id("Association", n.a),
            "competence": {"domain": "MENTORING", "monthlyCapacity": 4},
        },
    )["declareCompetence"]

    assert declared == {
        "association": {
            "name": "Association A",
            "competences": [{"domain": "EDUCATION"}, {"domain": "MENTORING"}],
        }
    }


def test_a_worker_cannot_register_an_association_or_launch_a_programme(api: Api) -> None:
    n = api.network
    registered = mutate(
        api, n.worker_a, "registerAssociation", "RegisterAssociationInput", name="D", territory="75"
    )
    launched = mutate(
        api,
        n.worker_a,
        "launchProgramme",
        "LaunchProgrammeInput",
        name="P",
        components=[{"associationId": global_id("Association", n.a), "domain": "EDUCATION"}],
    )

    refusal = {
        **NOT_PERMITTED,
        "message": "a worker may not register associations and launch or close programmes",
    }
    assert (registered, launched) == (refusal, refusal)


def test_commands_on_a_case_the_association_does_not_see_answer_like_an_unknown_id(
    api: Api,
) -> None:
    n = api.network
    case = case_led_by_a(api)
    before = n.position()
    inputs = every_mutation_input(api, case)
    names = ("recordIntervention", "giveConsent", "addGoal", "proposeHandover", "makeReferral")

    def attempt(name: str, young_person: str) -> dict[str, Any]:
        input_type = str(mutations().fields[name].args["input"].type).rstrip("!")
        return mutate(
            api, n.worker_c, name, input_type, **{**inputs[name], "youngPersonId": young_person}
        )

    unknown = {
        "__typename": "NotFound",
        "code": "NOT_FOUND",
        "message": "no such young person",
        "field": "youngPersonId",
    }
    assert {name: attempt(name, person_id(case)) for name in names} == dict.fromkeys(names, unknown)
    assert {name: attempt(name, person_id(uuid4())) for name in names} == dict.fromkeys(
        names, unknown
    )
    assert n.position() == before


@pytest.mark.parametrize("role", ["auditor", "evaluator"])
def test_auditors_and_evaluators_cannot_run_any_mutation(api: Api, role: str) -> None:
    n = api.network
    actor = api.auditor() if role == "auditor" else api.evaluator()
    case = case_led_by_a(api)
    before = n.position()
    mutation = build_schema()._schema.mutation_type
    assert mutation is not None

    answers = {}
    for name, field in mutation.fields.items():
        input_type = str(field.args["input"].type).rstrip("!")
        document = (
            f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {RESULT_FIELDS} }} }}"
        )
        answer = api.gql(actor, document, input=every_mutation_input(api, case)[name])[name]
        answers[name] = (answer["__typename"], answer["code"], answer["field"])
        assert answer["message"].startswith(f"an {role} may not "), (name, answer)

    assert len(answers) >= 46
    assert answers == dict.fromkeys(mutation.fields, ("NotPermitted", "NOT_PERMITTED", None))
    assert n.position() == before


@cache
def mutations() -> GraphQLObjectType:
    mutation = build_schema()._schema.mutation_type
    assert mutation is not None
    return mutation


def every_mutation_input(api: Api, case: UUID) -> dict[str, dict[str, Any]]:
    """A well-typed input for every mutation of the schema: its required fields, with real ids
    where a command names a case or an association."""
    n = api.network
    known = {
        "youngPersonId": person_id(case),
        "associationId": global_id("Association", n.a),
        "toAssociationId": global_id("Association", n.b),
    }
    return {
        name: _sample(field.args["input"].type, "input", known)
        for name, field in mutations().fields.items()
    }


def _sample(kind: GraphQLInputType, name: str, known: dict[str, str]) -> Any:
    if isinstance(kind, GraphQLNonNull):
        return _sample(kind.of_type, name, known)
    if isinstance(kind, GraphQLList):
        return [_sample(kind.of_type, name, known)]
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLInputObjectType):
        return {
            field: _sample(spec.type, field, known)
            for field, spec in kind.fields.items()
            if isinstance(spec.type, GraphQLNonNull) or field in known
        }
    scalars = {
        "String": "x",
        "Int": 1,
        "Boolean": True,
        "Date": "2026-03-01",
        "DateTime": "2026-03-01T10:00:00+00:00",
    }
    if kind.name == "ID":
        return known.get(name, global_id(name.removesuffix("Id").capitalize(), uuid4()))
    return scalars[kind.name]
