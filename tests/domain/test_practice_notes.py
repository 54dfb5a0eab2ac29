"""Practice notes: revised by their publisher, endorsed once by each other association."""

from uuid import UUID

import pytest

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


def title_of(network: Network, note_id: UUID) -> str | None:
    found = network.ledger.load(PracticeNote, note_id, "note_id")
    return network.ledger.vault.open(found.title)


def test_a_network_admin_erases_a_note_and_its_text_opens_no_more(network: Network) -> None:
    """A note that named a young person is sealed with its own key, which that young person's
    erasure does not reach: it is erased by itself."""
    note_id = note(network)
    assert title_of(network, note_id) == "Meet at the youth club"

    events = network.then(lambda: network.ledger.erase_practice_note(network.admin, note_id))

    assert events == ["Erased"]
    assert title_of(network, note_id) is None


@pytest.mark.parametrize("actor", ["worker_a", "coordinator_a", "worker_b"])
def test_only_a_network_admin_erases_a_note(network: Network, actor: str) -> None:
    note_id = note(network)

    refused(
        network,
        NotPermitted,
        lambda: network.ledger.erase_practice_note(getattr(network, actor), note_id),
    )

    assert title_of(network, note_id) == "Meet at the youth club"


def test_an_erased_note_is_neither_revised_nor_endorsed_nor_erased_again(
    network: Network,
) -> None:
    note_id = note(network)
    network.ledger.erase_practice_note(network.admin, note_id)

    for command in (
        lambda: revise(network, "worker_a", note_id),
        lambda: network.ledger.endorse_practice_note(network.worker_b, note_id),
        lambda: network.ledger.erase_practice_note(network.admin, note_id),
    ):
        assert refused(network, RuleViolation, command).code == "ERASED"


def test_an_erasure_cut_short_by_the_key_store_finishes_when_asked_again(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recorded, then the key store failed: asked again, the erasure destroys the key instead
    of being refused as done while the text still opens."""
    note_id = note(network)
    vault = network.ledger.vault

    def key_store_down(subject: UUID) -> bool:
        raise OSError("the key store is down")

    with monkeypatch.context() as failing:
        failing.setattr(vault, "destroy_key", key_store_down)
        with pytest.raises(OSError, match="key store is down"):
            network.ledger.erase_practice_note(network.admin, note_id)
    assert title_of(network, note_id) == "Meet at the youth club"

    events = network.then(lambda: network.ledger.erase_practice_note(network.admin, note_id))

    assert events == []
    assert title_of(network, note_id) is None
