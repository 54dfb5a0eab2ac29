"""Text is refused, naming the field, when it cannot be stored or displayed safely: a lone
surrogate (not encodable as UTF-8: it failed deep in the store as an unexpected error) or a
control character (a NUL or an escape sequence in a name reached read models and terminals).
Narratives may hold tabs and line breaks; names and codes may not. Nothing is written."""

from datetime import timedelta
from uuid import UUID

import pytest

from api.cli.association import parse_competence
from domain.actor import Actor
from domain.errors import InvalidInput
from domain.network.association import Competence
from domain.rules import USER_ID_LENGTH
from domain.vocabulary import Domain, Role
from tests.support import Network

REFUSED_IN_NAMES = ["Cam\ud800", "A\x00B", "\x1b[2JA", "two\nlines", "tab\there", "x\x9bz"]
REFUSED_IN_PROSE = ["Cam\ud800", "A\x00B", "\x1b[2JA", "bell\x07"]


def record_with_summary(network: Network, person: UUID, summary: str) -> None:
    network.ledger.record_intervention(
        network.worker_a,
        person,
        domain=Domain.EDUCATION,
        kind="tutoring",
        occurred_at=network.clock.now - timedelta(hours=1),
        summary=summary,
    )


@pytest.mark.parametrize("text", REFUSED_IN_NAMES)
@pytest.mark.parametrize("field", ["first_name", "last_name", "territory", "referent_user_id"])
def test_an_enrolment_with_a_name_that_is_not_plain_text_is_refused(
    network: Network, field: str, text: str
) -> None:
    before = network.position()

    with pytest.raises(InvalidInput) as refused:
        network.enrol(None, **{field: text})

    assert refused.value.field == field
    assert network.position() == before


@pytest.mark.parametrize("field", ["first_name", "territory", "referent_user_id"])
def test_a_keyed_enrolment_with_a_lone_surrogate_is_refused_naming_the_field(
    network: Network, field: str
) -> None:
    """A keyed command's arguments are fingerprinted before the command runs; the fingerprint
    could not serialise a lone surrogate and failed first, as an unexpected error."""
    before = network.position()

    with pytest.raises(InvalidInput) as refused:
        network.enrol(None, **{field: "Cam\ud800"}, idempotency_key="k-1")

    assert refused.value.field == field
    assert network.position() == before


def test_a_referent_may_have_the_longest_user_id_a_token_carries(network: Network) -> None:
    longest = Actor("u" * USER_ID_LENGTH, Role.WORKER, network.a)

    young_person = network.enrol(longest)

    assert network.ledger.young_person(young_person).referent_user_id == longest.user_id
    with pytest.raises(InvalidInput, match="at most 255"):
        network.enrol(None, referent_user_id="u" * (USER_ID_LENGTH + 1))


@pytest.mark.parametrize("text", REFUSED_IN_PROSE)
def test_a_summary_that_is_not_plain_text_is_refused(network: Network, text: str) -> None:
    person = network.enrol()
    before = network.position()

    with pytest.raises(InvalidInput) as refused:
        record_with_summary(network, person, text)

    assert refused.value.field == "summary"
    assert network.position() == before


def test_a_summary_keeps_its_tabs_and_line_breaks(network: Network) -> None:
    person = network.enrol()
    text = "first point\n\tsecond point\r\nthird"

    record_with_summary(network, person, text)

    (recorded,) = network.ledger.young_person(person).interventions.values()
    assert network.ledger.vault.open(recorded.summary) == text


def test_an_idempotency_key_with_a_lone_surrogate_is_refused(network: Network) -> None:
    with pytest.raises(InvalidInput) as refused:
        network.ledger.register_association(
            network.admin, name="Abri", territory="93", idempotency_key="key-\udc00"
        )

    assert refused.value.field == "idempotency_key"


def test_a_competence_is_checked_whoever_built_it(network: Network) -> None:
    """An import line builds the dataclass itself; the aggregate checks it all the same."""
    with pytest.raises(InvalidInput) as refused:
        network.ledger.register_association(
            network.admin,
            name="Abri",
            territory="93",
            competences=(Competence(Domain.HOUSING, -7, None),),
        )
    with pytest.raises(InvalidInput) as declared:
        network.ledger.declare_competence(
            network.coordinator_a, network.a, competence=Competence(Domain.HOUSING, 10**12, None)
        )

    assert refused.value.field == "monthly_capacity"
    assert declared.value.field == "monthly_capacity"


def test_a_capacity_in_superscript_digits_is_refused_plainly() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_competence("HOUSING:²")

    assert refused.value.field == "competence"
