"""The server answers a partner front end's first questions."""

from tests.e2e.conftest import Api, global_id


def test_me_names_the_caller_and_their_association(api: Api) -> None:
    data = api.gql(api.network.worker_a, "{ me { userId role association { name territory } } }")

    assert data["me"] == {
        "userId": "worker-a",
        "role": "WORKER",
        "association": {"name": "Association A", "territory": "93"},
    }


def test_a_worker_enrols_a_young_person_and_reads_the_case_back(api: Api) -> None:
    enrolled = api.gql(
        api.network.worker_a,
        """mutation($input: EnrolYoungPersonInput!) { enrolYoungPerson(input: $input) {
            __typename
            ... on YoungPersonEnrolled { youngPerson { id displayName birthYear territory
                leadAssociation { name } timeline { edges { node { kind summary redacted } } } } }
            ... on UserError { code message field } } }""",
        input={
            "personalData": {
                "firstName": "Inès",
                "lastName": "Moreau",
                "dateOfBirth": "2009-02-11",
            },
            "territory": "93",
        },
    )["enrolYoungPerson"]

    assert enrolled["__typename"] == "YoungPersonEnrolled"
    person = enrolled["youngPerson"]
    assert person["displayName"] == "Inès Moreau"
    assert person["birthYear"] == 2009
    assert person["leadAssociation"] == {"name": "Association A"}
    assert person["timeline"]["edges"] == [
        {"node": {"kind": "ENROLMENT", "summary": "Enrolled", "redacted": False}}
    ]
    assert person["id"].startswith(global_id("YoungPerson", "")[:8])
