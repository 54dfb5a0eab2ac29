"""`erasePracticeNote`: a network admin erases a note for good; it leaves every list."""

from domain.vocabulary import Domain
from tests.e2e.conftest import Api, global_id
from tests.e2e.scenes import mutate, settle

NOTES = "{ practiceNotes { edges { node { id title } } } }"


def test_an_erased_note_leaves_the_lists_and_node(api: Api) -> None:
    n = api.network
    kept, erased = (
        n.ledger.publish_practice_note(
            n.worker_a, title=title, body="what we learned", domains=(Domain.EDUCATION,)
        )
        for title in ("Accueil", "Named Camille by mistake")
    )
    settle(api)
    erased_id = global_id("PracticeNote", erased)

    refused = mutate(
        api, n.worker_a, "erasePracticeNote", "ErasePracticeNoteInput", noteId=erased_id
    )
    answer = mutate(api, n.admin, "erasePracticeNote", "ErasePracticeNoteInput", noteId=erased_id)
    settle(api)

    assert refused == {
        "__typename": "NotPermitted",
        "code": "NOT_PERMITTED",
        "message": "a worker may not carry out erasure requests",
        "field": None,
    }
    assert answer == {"__typename": "PracticeNoteErased"}
    listed = api.gql(n.worker_b, NOTES)["practiceNotes"]["edges"]
    assert [e["node"] for e in listed] == [
        {"id": global_id("PracticeNote", kept), "title": "Accueil"}
    ]
    node = "query($id: ID!) { node(id: $id) { id } }"
    assert api.gql(n.worker_b, node, id=erased_id) == {"node": None}
