"""Personal values never reach the server's logs, where no erasure can reach them.

Strawberry logged every error of an operation with its message before the masking ran: a
variable of the wrong shape logged the whole input, names and contact included, and an
unexpected error logged the lines of a document written with inline values.
"""

import logging

import pytest

from tests.e2e.conftest import Api

NAME = "Zephyrine-SENTINEL-LOG"
CONTACT = "sentinel-log@example.org"
ENROL = """mutation($input: EnrolYoungPersonInput!) { enrolYoungPerson(input: $input) {
    __typename } }"""


def test_an_input_of_the_wrong_shape_is_not_logged(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    personal = {"firstName": NAME, "lastName": "M", "contact": CONTACT}  # no date of birth

    answer = api.raw(
        api.network.worker_a, ENROL, input={"personalData": personal, "territory": "93"}
    )

    assert NAME in answer["errors"][0]["message"]  # the client is told what it sent
    assert NAME not in caplog.text
    assert CONTACT not in caplog.text


def test_an_unexpected_error_is_logged_by_type_and_place_not_by_values(
    api: Api, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)

    def failing(*args: object, **kwargs: object) -> object:
        raise RuntimeError(f"failed on {args[-1]!r}")  # a message quoting the input

    monkeypatch.setattr("api.graphql.queries.associations_page", failing)

    answer = api.raw(
        api.network.worker_a, f'{{ associations(territory: "{NAME}") {{ edges {{ cursor }} }} }}'
    )

    assert answer["errors"][0]["message"] == "Unexpected error."
    assert "unexpected RuntimeError at associations" in caplog.text
    assert NAME not in caplog.text


def test_a_value_graphql_cannot_serialise_is_logged_as_unexpected(
    api: Api, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GraphQL's own error, raised while serialising a value the server produced: masked for
    the client, and so it must be logged — it was dropped with the client's own mistakes."""
    from dataclasses import replace  # noqa: PLC0415

    from domain.vocabulary import Domain  # noqa: PLC0415
    from projections.queries import directory  # noqa: PLC0415
    from projections.queries.paging import Page  # noqa: PLC0415

    n = api.network
    n.ledger.publish_practice_note(
        n.worker_a, title="Accueil", body="what we learned", domains=(Domain.EDUCATION,)
    )
    api.parcours.settle()
    original = directory.practice_notes_page

    def beyond_int(*args: object, **kwargs: object) -> Page[directory.NoteRow]:
        page = original(*args, **kwargs)  # type: ignore[arg-type]
        items = [(cursor, replace(row, revisions=2**40)) for cursor, row in page.items]
        return replace(page, items=items)

    monkeypatch.setattr("api.graphql.queries.practice_notes_page", beyond_int)
    caplog.set_level(logging.DEBUG)

    answer = api.raw(n.worker_a, "{ practiceNotes { edges { node { revisions } } } }")

    assert answer["errors"][0]["message"] == "Unexpected error."
    assert "unexpected GraphQLError at practiceNotes.edges.0.node.revisions" in caplog.text
