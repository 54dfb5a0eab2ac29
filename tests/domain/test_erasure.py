"""Erasure: a network admin's act, recorded as an event; the key is gone afterwards."""

from uuid import UUID

import pytest

from domain.errors import InvalidInput, NotPermitted, RuleViolation
from domain.vocabulary import (
    ConsentGiver,
    Domain,
    GoalStatus,
    HandoverStatus,
    ReferralStatus,
    Sensitivity,
)
from tests.domain.givens import (
    EXPIRY_DAYS,
    case_in_care,
    case_of,
    programme,
    programme_of,
    referral_in,
    refused,
)
from tests.support import Network


def test_a_network_admin_erases_a_young_person_and_the_key_is_destroyed(network: Network) -> None:
    young_person = network.enrol()
    name = network.ledger.young_person(young_person).personal.first_name

    events = network.then(
        lambda: network.ledger.erase_young_person(network.admin, young_person, reason="art. 17")
    )

    assert events == ["Erased"]
    assert network.ledger.vault.open(name) is None
    assert network.ledger.young_person(young_person).erased_at is not None


def test_only_a_network_admin_may_erase(network: Network) -> None:
    young_person = network.enrol()
    before = network.position()

    with pytest.raises(NotPermitted):
        network.ledger.erase_young_person(network.worker_a, young_person, reason="asked")

    assert network.position() == before
    assert network.ledger.vault.has_key(young_person)


def test_an_erased_case_file_takes_no_new_fact(network: Network) -> None:
    young_person = network.enrol()
    network.ledger.erase_young_person(network.admin, young_person, reason="art. 17")

    with pytest.raises(RuleViolation) as refused:
        network.ledger.identify_need(
            network.worker_a, young_person, domain=Domain.HOUSING, severity=2
        )
    with pytest.raises(RuleViolation) as again:
        network.ledger.erase_young_person(network.admin, young_person, reason="twice")

    assert refused.value.code == "ERASED"
    assert again.value.code == "ERASED"


def stored_keys(network: Network) -> int:
    """How many subject keys the key store holds (white-box: orphan keys are the point)."""
    return len(network.ledger.vault._store._keys)  # type: ignore[attr-defined]


def test_an_erasure_whose_key_survived_is_finished_when_asked_again(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The event was saved, then the key store failed: asking again destroys the key instead
    of refusing the erasure as done while the data can still be read."""
    young_person = network.enrol()
    name = network.ledger.young_person(young_person).personal.first_name
    vault = network.ledger.vault
    destroy = vault.destroy_key
    failures = [OSError("the key store is locked")]

    def destroy_failing_once(subject: UUID) -> bool:
        if subject == young_person and failures:
            raise failures.pop()
        return destroy(subject)

    monkeypatch.setattr(vault, "destroy_key", destroy_failing_once)
    with pytest.raises(OSError, match="locked"):
        network.ledger.erase_young_person(network.admin, young_person, reason="art. 17")
    assert vault.open(name) is not None  # erased in the log, still readable

    with pytest.raises(NotPermitted):
        network.ledger.erase_young_person(network.worker_a, young_person, reason="art. 17")
    assert vault.open(name) is not None
    events = network.then(
        lambda: network.ledger.erase_young_person(network.admin, young_person, reason="art. 17")
    )

    assert events == []
    assert vault.open(name) is None
    with pytest.raises(RuleViolation) as again:
        network.ledger.erase_young_person(network.admin, young_person, reason="once more")
    assert again.value.code == "ERASED"


@pytest.mark.parametrize(
    ("who", "reason", "refusal"),
    [("worker", "art. 17", NotPermitted), ("admin", "   ", InvalidInput)],
)
def test_a_refused_erasure_leaves_no_key_behind(
    network: Network, who: str, reason: str, refusal: type[Exception]
) -> None:
    young_person = network.enrol()
    actor = network.worker_a if who == "worker" else network.admin
    before = stored_keys(network)

    with pytest.raises(refusal):
        network.ledger.erase_young_person(actor, young_person, reason=reason)

    assert stored_keys(network) == before


def test_a_refused_practice_note_leaves_no_key_behind(network: Network) -> None:
    before = stored_keys(network)

    with pytest.raises(InvalidInput) as refused:
        network.ledger.publish_practice_note(
            network.worker_a, title="  ", body="what worked", domains=(Domain.HOUSING,)
        )

    assert refused.value.field == "title"
    assert stored_keys(network) == before


def test_an_erasure_ends_the_open_referrals_and_the_pending_handover(network: Network) -> None:
    """An erased case takes no new fact, so nothing may stay waiting on it: left open, a
    referral could no longer be answered and would keep its addressee involved for ever."""
    young_person = network.enrol()
    made = referral_in(network, young_person, ReferralStatus.MADE)
    accepted = referral_in(network, young_person, ReferralStatus.ACCEPTED)
    declined = referral_in(network, young_person, ReferralStatus.DECLINED)
    handover = network.ledger.propose_handover(
        network.worker_a, young_person, to_association_id=network.c
    )

    events = network.then(
        lambda: network.ledger.erase_young_person(network.admin, young_person, reason="art. 17")
    )

    assert events == ["ReferralWithdrawn", "ReferralWithdrawn", "HandoverCancelled", "Erased"]
    case = case_of(network, young_person)
    statuses = {r: case.referral(r).status for r in (made, accepted, declined)}
    assert statuses == {
        made: ReferralStatus.WITHDRAWN,
        accepted: ReferralStatus.WITHDRAWN,
        declined: ReferralStatus.DECLINED,
    }
    assert case.handover(handover).status is HandoverStatus.CANCELLED
    assert case.involved_associations() == {network.a}


def test_after_an_erasure_no_referral_or_handover_can_be_answered(network: Network) -> None:
    young_person = network.enrol()
    referral = referral_in(network, young_person, ReferralStatus.MADE)
    handover = network.ledger.propose_handover(
        network.worker_a, young_person, to_association_id=network.c
    )
    network.ledger.erase_young_person(network.admin, young_person, reason="art. 17")

    refused(
        network,
        RuleViolation,
        lambda: network.ledger.accept_handover(
            network.worker_c, young_person, handover_id=handover
        ),
    )
    refused(
        network,
        RuleViolation,
        lambda: network.ledger.withdraw_referral(
            network.worker_a, young_person, referral_id=referral
        ),
    )
    network.clock.advance(days=EXPIRY_DAYS)
    refused(
        network,
        RuleViolation,
        lambda: network.ledger.expire_referral(
            young_person, referral_id=referral, expiry_days=EXPIRY_DAYS
        ),
    )
    assert case_of(network, young_person).lead_association_id == network.a


def test_an_erasure_leaves_the_programmes_and_frees_their_places(network: Network) -> None:
    young_person = network.enrol()
    full = programme(network, (network.a, network.b), capacity=1)
    network.ledger.enrol_in_programme(network.worker_a, young_person, programme_id=full)

    events = network.then(
        lambda: network.ledger.erase_young_person(network.admin, young_person, reason="art. 17")
    )

    assert events == ["LeftProgramme", "Erased", "PlaceReleased"]
    assert programme_of(network, full).enrolled == 0
    assert case_of(network, young_person).programme_ids == ()
    another = network.enrol()
    network.ledger.enrol_in_programme(network.worker_a, another, programme_id=full)


def test_an_erased_case_file_refuses_every_command_even_those_that_seal_nothing(
    network: Network,
) -> None:
    """Only the commands that seal text used to be refused (the key is gone); marking a need
    met or assigning a mentor went through, dated without the before-birth check."""
    ledger, a = network.ledger, network.worker_a
    care = case_in_care(network)
    young_person, need, goal = care.young_person, care.need, care.goal
    given = ledger.give_consent(
        a,
        young_person,
        sensitivities=(Sensitivity.HEALTH,),
        purpose="Care.",
        given_by=ConsentGiver.YOUNG_PERSON,
    )
    ledger.erase_young_person(network.admin, young_person, reason="art. 17")
    commands = {
        "meet_need": lambda: ledger.meet_need(a, young_person, need_id=need),
        "review_goal": lambda: ledger.review_goal(a, young_person, goal_id=goal, progress=50),
        "end_goal": lambda: ledger.end_goal(
            a, young_person, goal_id=goal, status=GoalStatus.DROPPED
        ),
        "unassign_mentor": lambda: ledger.unassign_mentor(
            a, young_person, mentor_user_id="mentor-a"
        ),
        "change_referent": lambda: ledger.change_referent(
            a, young_person, referent_user_id="someone-else"
        ),
        "withdraw_consent": lambda: ledger.withdraw_consent(a, young_person, consent_id=given),
    }

    codes = {name: refused(network, RuleViolation, run).code for name, run in commands.items()}

    assert codes == dict.fromkeys(commands, "ERASED")
