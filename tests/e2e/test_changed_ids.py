"""The id a mutation gives back for what it created or changed (`changedId`) is one the next
mutation takes: it was the raw UUID, which every input refuses as "not the id of a Goal"."""

from datetime import date
from typing import Any

from domain.actor import Actor
from tests.e2e.conftest import Api, global_id
from tests.e2e.scenes import case_led_by_a, person_id

CASE_FILE = """mutation($input: {input}!) {{ {name}(input: $input) {{ __typename
    ... on CaseFileUpdated {{ changedId }} ... on UserError {{ code message field }} }} }}"""
ASSOCIATION = """mutation($input: {input}!) {{ {name}(input: $input) {{ __typename
    ... on AssociationUpdated {{ changedId }} ... on UserError {{ code message field }} }} }}"""


def run(api: Api, actor: Actor, template: str, name: str, kind: str, /, **input: Any) -> Any:
    document = template.format(input=kind, name=name)
    return api.gql(actor, document, input=input)[name]


def test_a_goal_added_is_reviewed_and_achieved_by_the_id_given_back(api: Api) -> None:
    n = api.network
    case = person_id(case_led_by_a(api))
    run(api, n.worker_a, CASE_FILE, "agreeActionPlan", "CaseInput", youngPersonId=case)
    added = run(
        api,
        n.worker_a,
        CASE_FILE,
        "addGoal",
        "AddGoalInput",
        youngPersonId=case,
        domain="EDUCATION",
        description="back to school",
    )

    reviewed = run(
        api,
        n.worker_a,
        CASE_FILE,
        "reviewGoal",
        "GoalInput",
        youngPersonId=case,
        goalId=added["changedId"],
        progress=40,
    )
    refused = run(
        api,
        n.worker_a,
        CASE_FILE,
        "achieveGoal",
        "GoalInput",
        youngPersonId=case,
        goalId=added["changedId"],
        progress=100,
    )
    achieved = run(
        api,
        n.worker_a,
        CASE_FILE,
        "achieveGoal",
        "GoalInput",
        youngPersonId=case,
        goalId=added["changedId"],
    )

    assert added["__typename"] == "CaseFileUpdated"
    assert reviewed == {"__typename": "CaseFileUpdated", "changedId": added["changedId"]}
    assert refused == {
        "__typename": "InvalidInput",
        "code": "INVALID_INPUT",
        "message": "progress is given with a review only",
        "field": "progress",
    }
    assert achieved == {"__typename": "CaseFileUpdated", "changedId": added["changedId"]}


def test_a_resource_offered_is_allocated_and_released_by_the_ids_given_back(api: Api) -> None:
    n = api.network
    association = global_id("Association", n.a)
    offered = run(
        api,
        n.coordinator_a,
        ASSOCIATION,
        "offerResource",
        "OfferResourceInput",
        associationId=association,
        kind="PREMISES",
        name="Salle B",
        capacity=2,
    )

    allocated = run(
        api,
        n.coordinator_a,
        ASSOCIATION,
        "allocateResource",
        "AllocateResourceInput",
        resourceId=offered["changedId"],
        startsOn=str(date(2026, 4, 1)),
        endsOn=str(date(2026, 4, 30)),
        quantity=1,
        associationId=global_id("Association", n.b),
    )
    released = run(
        api,
        n.coordinator_a,
        ASSOCIATION,
        "releaseAllocation",
        "ReleaseAllocationInput",
        resourceId=offered["changedId"],
        allocationId=allocated["changedId"],
    )

    assert offered["__typename"] == "AssociationUpdated"
    assert allocated["__typename"] == "AssociationUpdated"
    assert allocated["changedId"] != offered["changedId"]
    assert released == {"__typename": "AssociationUpdated", "changedId": allocated["changedId"]}
