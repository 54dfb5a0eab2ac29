"""Referrals: the state machine of DESIGN.md, and who may move it."""

from collections.abc import Callable
from uuid import UUID, uuid4

import pytest

from domain.errors import NotFound, NotPermitted, RuleViolation
from domain.vocabulary import DeclineReason, Domain, ReferralStatus
from tests.domain.givens import EXPIRY_DAYS, case_of, referral_in, referral_to_b, refused
from tests.support import Network

S = ReferralStatus
Command = Callable[[Network, UUID, UUID], object]


def accept(network: Network, young_person: UUID, referral: UUID) -> object:
    return network.ledger.accept_referral(network.worker_b, young_person, referral_id=referral)


def decline(network: Network, young_person: UUID, referral: UUID) -> object:
    return network.ledger.decline_referral(
        network.worker_b, young_person, referral_id=referral, reason=DeclineReason.AT_CAPACITY
    )


def withdraw(network: Network, young_person: UUID, referral: UUID) -> object:
    return network.ledger.withdraw_referral(network.worker_a, young_person, referral_id=referral)


def complete(network: Network, young_person: UUID, referral: UUID) -> object:
    return network.ledger.complete_referral(network.worker_b, young_person, referral_id=referral)


def expire(network: Network, young_person: UUID, referral: UUID) -> object:
    return network.ledger.expire_referral(
        young_person, referral_id=referral, expiry_days=EXPIRY_DAYS
    )


MOVES: dict[S, tuple[Command, str]] = {
    S.ACCEPTED: (accept, "ReferralAccepted"),
    S.DECLINED: (decline, "ReferralDeclined"),
    S.WITHDRAWN: (withdraw, "ReferralWithdrawn"),
    S.COMPLETED: (complete, "ReferralCompleted"),
    S.EXPIRED: (expire, "ReferralExpired"),
}
ALLOWED = {
    (S.MADE, S.ACCEPTED),
    (S.MADE, S.DECLINED),
    (S.MADE, S.WITHDRAWN),
    (S.MADE, S.EXPIRED),
    (S.ACCEPTED, S.COMPLETED),
    (S.ACCEPTED, S.WITHDRAWN),
}
EVERY_MOVE = [(current, target) for current in S for target in MOVES]


def test_a_worker_of_an_involved_association_makes_a_referral(network: Network) -> None:
    young_person = network.enrol()

    events = network.then(lambda: referral_to_b(network, young_person))

    assert events == ["ReferralMade"]
    made = next(iter(case_of(network, young_person).referrals.values()))
    assert (made.from_association, made.to_association) == (network.a, network.b)
    assert made.status is S.MADE


def test_an_association_does_not_refer_to_itself(network: Network) -> None:
    young_person = network.enrol()

    error = refused(
        network,
        RuleViolation,
        lambda: network.ledger.make_referral(
            network.worker_a, young_person, to_association_id=network.a, domain=Domain.EDUCATION
        ),
    )

    assert (error.code, error.field) == ("SELF_REFERRAL", "to_association_id")


def test_a_referral_goes_only_to_a_registered_association(network: Network) -> None:
    young_person = network.enrol()

    error = refused(
        network,
        NotFound,
        lambda: network.ledger.make_referral(
            network.worker_a, young_person, to_association_id=uuid4(), domain=Domain.HOUSING
        ),
    )

    assert error.field == "to_association_id"


def test_an_uninvolved_association_makes_no_referral(network: Network) -> None:
    young_person = network.enrol()

    refused(
        network,
        NotPermitted,
        lambda: network.ledger.make_referral(
            network.worker_c, young_person, to_association_id=network.b, domain=Domain.HOUSING
        ),
    )


@pytest.mark.parametrize(("current", "target"), EVERY_MOVE)
def test_a_referral_moves_only_as_design_allows(network: Network, current: S, target: S) -> None:
    young_person = network.enrol()
    referral = referral_in(network, young_person, current)
    network.clock.advance(days=EXPIRY_DAYS)  # so that expiry, when allowed, is due
    command, event_name = MOVES[target]

    if (current, target) in ALLOWED:
        assert network.then(lambda: command(network, young_person, referral)) == [event_name]
        assert case_of(network, young_person).referral(referral).status is target
    elif (current, target) == (S.EXPIRED, S.EXPIRED):
        # The expiry policy may run twice: the second run is a retry of the first, no new fact.
        assert network.then(lambda: command(network, young_person, referral)) == []
    else:
        error = refused(network, RuleViolation, lambda: command(network, young_person, referral))
        assert (error.code, error.field) == ("REFERRAL_TRANSITION_NOT_ALLOWED", "referral_id")
        assert case_of(network, young_person).referral(referral).status is current


def test_a_declined_referral_keeps_its_coded_reason(network: Network) -> None:
    young_person = network.enrol()
    referral = referral_to_b(network, young_person)

    events = network.then(
        lambda: network.ledger.decline_referral(
            network.worker_b,
            young_person,
            referral_id=referral,
            reason=DeclineReason.OUT_OF_AREA,
            note="We do not cover that district.",
        )
    )

    assert events == ["ReferralDeclined"]
    declined = case_of(network, young_person).referral(referral)
    assert declined.decline_reason is DeclineReason.OUT_OF_AREA


@pytest.mark.parametrize("actor", ["worker_a", "worker_c"])
@pytest.mark.parametrize("target", [S.ACCEPTED, S.DECLINED])
def test_only_the_addressee_answers_a_referral(network: Network, actor: str, target: S) -> None:
    young_person = network.enrol()
    referral = referral_to_b(network, young_person)
    ledger, who = network.ledger, getattr(network, actor)

    def answer() -> object:
        if target is S.ACCEPTED:
            return ledger.accept_referral(who, young_person, referral_id=referral)
        return ledger.decline_referral(
            who, young_person, referral_id=referral, reason=DeclineReason.NOT_ELIGIBLE
        )

    error = refused(network, NotPermitted, answer)

    assert error.field == "referral_id"


@pytest.mark.parametrize("actor", ["worker_a", "worker_c"])
def test_only_the_addressee_completes_a_referral(network: Network, actor: str) -> None:
    young_person = network.enrol()
    referral = referral_in(network, young_person, S.ACCEPTED)

    refused(
        network,
        NotPermitted,
        lambda: network.ledger.complete_referral(
            getattr(network, actor), young_person, referral_id=referral
        ),
    )


@pytest.mark.parametrize("actor", ["worker_b", "worker_c"])
@pytest.mark.parametrize("current", [S.MADE, S.ACCEPTED])
def test_only_the_sender_withdraws_a_referral(network: Network, actor: str, current: S) -> None:
    young_person = network.enrol()
    referral = referral_in(network, young_person, current)

    refused(
        network,
        NotPermitted,
        lambda: network.ledger.withdraw_referral(
            getattr(network, actor), young_person, referral_id=referral
        ),
    )


def test_a_referral_does_not_expire_before_its_time(network: Network) -> None:
    young_person = network.enrol()
    referral = referral_to_b(network, young_person)
    network.clock.advance(days=EXPIRY_DAYS - 1, hours=23)

    error = refused(network, RuleViolation, lambda: expire(network, young_person, referral))

    assert (error.code, error.field) == ("NOT_DUE", "referral_id")


def test_an_unanswered_referral_expires_once_due(network: Network) -> None:
    young_person = network.enrol()
    referral = referral_to_b(network, young_person)
    network.clock.advance(days=EXPIRY_DAYS - 1)
    with pytest.raises(RuleViolation):
        expire(network, young_person, referral)
    network.clock.advance(days=1)

    events = network.then(lambda: expire(network, young_person, referral))

    assert events == ["ReferralExpired"]
    assert case_of(network, young_person).referral(referral).status is S.EXPIRED


def test_an_unknown_referral_is_not_found(network: Network) -> None:
    young_person = network.enrol()

    error = refused(network, NotFound, lambda: accept(network, young_person, uuid4()))

    assert error.field == "referral_id"
