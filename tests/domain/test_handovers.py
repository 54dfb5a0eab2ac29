"""Handovers: exactly one lead at any time, and only the right party moves a handover."""

from uuid import UUID, uuid4

import pytest

from domain.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from domain.vocabulary import HandoverStatus
from tests.domain.givens import case_of, partner_b_at_work, refused
from tests.support import Network


def handover_to_b(network: Network, young_person: UUID) -> UUID:
    return network.ledger.propose_handover(
        network.worker_a, young_person, to_association_id=network.b, summary="Moving to B's area."
    )


def end(
    network: Network, actor: str, young_person: UUID, handover: UUID, how: HandoverStatus
) -> UUID:
    return network.ledger.end_handover(
        getattr(network, actor), young_person, handover_id=handover, status=how
    )


def test_the_lead_proposes_a_handover(network: Network) -> None:
    young_person = network.enrol()

    events = network.then(lambda: handover_to_b(network, young_person))

    assert events == ["HandoverProposed"]
    assert case_of(network, young_person).lead_association_id == network.a


@pytest.mark.parametrize("actor", ["worker_b", "worker_c"])
def test_only_the_lead_proposes_a_handover(network: Network, actor: str) -> None:
    young_person = network.enrol()

    refused(
        network,
        NotPermitted,
        lambda: network.ledger.propose_handover(
            getattr(network, actor), young_person, to_association_id=network.c
        ),
    )


def test_a_partner_involved_in_the_case_does_not_propose_a_handover(network: Network) -> None:
    """Involvement lets a partner work on the case, not move its lead: B, whose referral was
    accepted, records interventions but is refused the handover."""
    young_person = network.enrol()
    partner_b_at_work(network, young_person)

    refused(
        network,
        NotPermitted,
        lambda: network.ledger.propose_handover(
            network.worker_b, young_person, to_association_id=network.c
        ),
    )


def test_no_handover_to_the_current_lead(network: Network) -> None:
    young_person = network.enrol()

    error = refused(
        network,
        RuleViolation,
        lambda: network.ledger.propose_handover(
            network.worker_a, young_person, to_association_id=network.a
        ),
    )

    assert (error.code, error.field) == ("SELF_HANDOVER", "to_association_id")


def test_no_handover_to_an_unregistered_association(network: Network) -> None:
    young_person = network.enrol()

    error = refused(
        network,
        NotFound,
        lambda: network.ledger.propose_handover(
            network.worker_a, young_person, to_association_id=uuid4()
        ),
    )

    assert error.field == "to_association_id"


def test_a_second_handover_waits_until_the_first_is_answered(network: Network) -> None:
    young_person = network.enrol()
    handover_to_b(network, young_person)

    error = refused(
        network,
        RuleViolation,
        lambda: network.ledger.propose_handover(
            network.worker_a, young_person, to_association_id=network.c
        ),
    )

    assert error.code == "HANDOVER_PENDING"


def test_an_accepted_handover_moves_lead_and_referent_in_one_event(network: Network) -> None:
    young_person = network.enrol()
    handover = handover_to_b(network, young_person)

    events = network.then(
        lambda: network.ledger.accept_handover(
            network.worker_b, young_person, handover_id=handover, referent_user_id="educator-b"
        )
    )

    assert events == ["HandoverAccepted"]
    case = case_of(network, young_person)
    assert (case.lead_association_id, case.referent_user_id) == (network.b, "educator-b")
    assert case.handover(handover).status is HandoverStatus.ACCEPTED


def test_the_accepting_worker_becomes_referent_by_default(network: Network) -> None:
    young_person = network.enrol()
    handover = handover_to_b(network, young_person)

    network.ledger.accept_handover(network.worker_b, young_person, handover_id=handover)

    assert case_of(network, young_person).referent_user_id == network.worker_b.user_id


@pytest.mark.parametrize("actor", ["worker_a", "worker_c"])
def test_only_the_addressee_accepts_a_handover(network: Network, actor: str) -> None:
    young_person = network.enrol()
    handover = handover_to_b(network, young_person)

    error = refused(
        network,
        NotPermitted,
        lambda: network.ledger.accept_handover(
            getattr(network, actor), young_person, handover_id=handover
        ),
    )

    assert error.field == "handover_id"
    assert case_of(network, young_person).lead_association_id == network.a


@pytest.mark.parametrize("actor", ["worker_a", "worker_c"])
def test_only_the_addressee_declines_a_handover(network: Network, actor: str) -> None:
    young_person = network.enrol()
    handover = handover_to_b(network, young_person)

    refused(
        network,
        NotPermitted,
        lambda: end(network, actor, young_person, handover, HandoverStatus.DECLINED),
    )


def test_the_addressee_declines_a_handover_and_the_lead_stays(network: Network) -> None:
    young_person = network.enrol()
    handover = handover_to_b(network, young_person)

    events = network.then(
        lambda: end(network, "worker_b", young_person, handover, HandoverStatus.DECLINED)
    )

    assert events == ["HandoverDeclined"]
    case = case_of(network, young_person)
    assert (case.lead_association_id, case.referent_user_id) == (network.a, "worker-a")


@pytest.mark.parametrize("actor", ["worker_b", "worker_c"])
def test_only_the_proposer_cancels_a_handover(network: Network, actor: str) -> None:
    young_person = network.enrol()
    handover = handover_to_b(network, young_person)

    refused(
        network,
        NotPermitted,
        lambda: end(network, actor, young_person, handover, HandoverStatus.CANCELLED),
    )


def test_the_proposer_cancels_a_handover_and_may_propose_again(network: Network) -> None:
    young_person = network.enrol()
    handover = handover_to_b(network, young_person)

    events = network.then(
        lambda: end(network, "worker_a", young_person, handover, HandoverStatus.CANCELLED)
    )

    assert events == ["HandoverCancelled"]
    assert network.then(
        lambda: network.ledger.propose_handover(
            network.worker_a, young_person, to_association_id=network.c
        )
    ) == ["HandoverProposed"]


@pytest.mark.parametrize(
    "answered", [HandoverStatus.ACCEPTED, HandoverStatus.DECLINED, HandoverStatus.CANCELLED]
)
def test_an_answered_handover_cannot_be_answered_again(
    network: Network, answered: HandoverStatus
) -> None:
    young_person = network.enrol()
    handover = handover_to_b(network, young_person)
    if answered is HandoverStatus.ACCEPTED:
        network.ledger.accept_handover(network.worker_b, young_person, handover_id=handover)
    else:
        actor = "worker_a" if answered is HandoverStatus.CANCELLED else "worker_b"
        end(network, actor, young_person, handover, answered)

    error = refused(
        network,
        RuleViolation,
        lambda: network.ledger.accept_handover(
            network.worker_b, young_person, handover_id=handover
        ),
    )

    assert (error.code, error.field) == ("HANDOVER_TRANSITION_NOT_ALLOWED", "handover_id")


def test_a_handover_ends_only_declined_or_cancelled(network: Network) -> None:
    young_person = network.enrol()
    handover = handover_to_b(network, young_person)

    error = refused(
        network,
        InvalidInput,
        lambda: end(network, "worker_b", young_person, handover, HandoverStatus.ACCEPTED),
    )

    assert error.field == "status"


def test_after_a_handover_the_old_lead_cannot_propose_another(network: Network) -> None:
    young_person = network.enrol()
    handover = handover_to_b(network, young_person)
    network.ledger.accept_handover(network.worker_b, young_person, handover_id=handover)

    refused(
        network,
        NotPermitted,
        lambda: network.ledger.propose_handover(
            network.worker_a, young_person, to_association_id=network.c
        ),
    )


def test_after_a_handover_the_old_lead_cannot_change_the_referent(network: Network) -> None:
    young_person = network.enrol()
    handover = handover_to_b(network, young_person)
    network.ledger.accept_handover(network.worker_b, young_person, handover_id=handover)

    refused(
        network,
        NotPermitted,
        lambda: network.ledger.change_referent(
            network.worker_a, young_person, referent_user_id="worker-a2"
        ),
    )


def test_after_a_handover_the_new_lead_changes_the_referent(network: Network) -> None:
    young_person = network.enrol()
    handover = handover_to_b(network, young_person)
    network.ledger.accept_handover(network.worker_b, young_person, handover_id=handover)

    events = network.then(
        lambda: network.ledger.change_referent(
            network.worker_b, young_person, referent_user_id="psychologist-b"
        )
    )

    assert events == ["ReferentChanged"]
    assert case_of(network, young_person).referent_user_id == "psychologist-b"


def test_a_pending_handover_involves_its_addressee(network: Network) -> None:
    young_person = network.enrol()
    handover_to_b(network, young_person)

    assert network.b in case_of(network, young_person).involved_associations()
