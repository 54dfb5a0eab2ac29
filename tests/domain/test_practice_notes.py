"""Practice notes: revised by their publisher, endorsed once by each other association."""

from uuid import UUID

from domain.errors import InvalidInput, NotPermitted, RuleViolation
from domain.network.practice_note import PracticeNote
from domain.vocabulary import Domain
from tests.domain.givens import refused
from tests.support import Network


def note(network: Network) -> UUID:
    return network.ledger.publish_practice_note(
        network.worker_a,
        title="Meet at the youth club",
        body="Young people come more readily to a place they already know.",
        domains=(Domain.PSYCHOSOCIAL, Domain.MENTORING),
    )


def revise(network: Network, actor: str, note_id: UUID) -> UUID:
    return network.ledger.revise_practice_note(
        getattr(network, actor), note_id, title="Meet where they are", body="Revised lesson."
    )


def test_a_worker_publishes_a_practice_note_sealed(network: Network) -> None:
    events = network.then(lambda: note(network))

    assert events == ["Published"]
    (published,) = network.ledger.recorder.select_notifications(start=network.position(), limit=1)
    assert b"youth club" not in published.state


def test_a_practice_note_is_tagged_with_a_domain(network: Network) -> None:
    error = refused(
        network,
        InvalidInput,
        lambda: network.ledger.publish_practice_note(
            network.worker_a, title="Untagged", body="No domain.", domains=()
        ),
    )

    assert error.field == "domains"


def test_the_publishing_association_revises_its_note(network: Network) -> None:
    published = note(network)

    events = network.then(lambda: revise(network, "coordinator_a", published))

    assert events == ["Revised"]
    revised = network.ledger.load(PracticeNote, published, "note_id")
    assert network.ledger.vault.open(revised.title) == "Meet where they are"


def test_only_the_publishing_association_revises_its_note(network: Network) -> None:
    published = note(network)

    refused(network, NotPermitted, lambda: revise(network, "worker_b", published))


def test_another_association_endorses_a_note(network: Network) -> None:
    published = note(network)

    events = network.then(lambda: network.ledger.endorse_practice_note(network.worker_b, published))

    assert events == ["Endorsed"]


def test_an_association_does_not_endorse_its_own_note(network: Network) -> None:
    published = note(network)

    refused(
        network,
        NotPermitted,
        lambda: network.ledger.endorse_practice_note(network.coordinator_a, published),
    )


def test_an_association_endorses_a_note_once(network: Network) -> None:
    published = note(network)
    network.ledger.endorse_practice_note(network.worker_b, published)

    error = refused(
        network,
        RuleViolation,
        lambda: network.ledger.endorse_practice_note(network.coordinator_b, published),
    )

    assert error.code == "ENDORSED"
    endorsed = network.ledger.load(PracticeNote, published, "note_id")
    assert endorsed.endorsements == [network.b]
