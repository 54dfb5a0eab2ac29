"""Business time: every fact of a case file happened after the young person was born, and
an answer or an end (a referral accepted, a goal reviewed, a case closed) after what it answers.

rules.require_occurred_at: "Business time may be late (a late entry is normal) but never in the
future or pre-birth." Interventions obey it (see test_interventions); so must the other facts.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.errors import InvalidInput
from domain.vocabulary import ConsentGiver, Domain, HandoverStatus, Sensitivity
from tests.domain.givens import refused
from tests.support import BIRTH, Network

BEFORE_BIRTH = datetime(BIRTH.year, BIRTH.month, BIRTH.day, tzinfo=UTC) - timedelta(days=30)
Fact = Callable[[Network, UUID], object]


def need(network: Network, young_person: UUID) -> object:
    return network.ledger.identify_need(
        network.worker_a, young_person, domain=Domain.HOUSING, severity=2, occurred_at=BEFORE_BIRTH
    )


def referral(network: Network, young_person: UUID) -> object:
    return network.ledger.make_referral(
        network.worker_a,
        young_person,
        to_association_id=network.b,
        domain=Domain.HOUSING,
        occurred_at=BEFORE_BIRTH,
    )


def consent(network: Network, young_person: UUID) -> object:
    return network.ledger.give_consent(
        network.worker_a,
        young_person,
        sensitivities=(Sensitivity.GENERAL,),
        purpose="Housing search.",
        given_by=ConsentGiver.YOUNG_PERSON,
        occurred_at=BEFORE_BIRTH,
    )


def handover(network: Network, young_person: UUID) -> object:
    return network.ledger.propose_handover(
        network.worker_a, young_person, to_association_id=network.b, occurred_at=BEFORE_BIRTH
    )


def test_no_young_person_is_enrolled_before_their_birth(network: Network) -> None:
    error = refused(network, InvalidInput, lambda: network.enrol(occurred_at=BEFORE_BIRTH))

    assert error.field == "occurred_at"


@pytest.mark.parametrize("fact", [need, referral, consent, handover], ids=lambda f: f.__name__)
def test_no_fact_of_a_case_file_is_dated_before_birth(network: Network, fact: Fact) -> None:
    young_person = network.enrol()

    error = refused(network, InvalidInput, lambda: fact(network, young_person))

    assert error.field == "occurred_at"


def _answers(
    network: Network, young_person: UUID, early: datetime
) -> dict[str, Callable[[], object]]:
    """Each command that answers or ends an earlier fact, dated `early`: before that fact."""
    ledger, a, b = network.ledger, network.worker_a, network.worker_b
    made = ledger.make_referral(a, young_person, to_association_id=network.b, domain=Domain.HOUSING)
    accepted = ledger.make_referral(
        a, young_person, to_association_id=network.c, domain=Domain.HOUSING
    )
    ledger.accept_referral(network.worker_c, young_person, referral_id=accepted)
    need_id = ledger.identify_need(a, young_person, domain=Domain.HOUSING, severity=2)
    ledger.agree_action_plan(a, young_person)
    goal = ledger.add_goal(a, young_person, domain=Domain.HOUSING, description="A room.")
    given = ledger.give_consent(
        a,
        young_person,
        sensitivities=(Sensitivity.GENERAL,),
        purpose="Care.",
        given_by=ConsentGiver.YOUNG_PERSON,
    )
    return {
        "accept_referral": lambda: ledger.accept_referral(
            b, young_person, referral_id=made, occurred_at=early
        ),
        "complete_referral": lambda: ledger.complete_referral(
            network.worker_c, young_person, referral_id=accepted, occurred_at=early
        ),
        "withdraw_referral": lambda: ledger.withdraw_referral(
            a, young_person, referral_id=made, occurred_at=early
        ),
        "meet_need": lambda: ledger.meet_need(a, young_person, need_id=need_id, occurred_at=early),
        "review_goal": lambda: ledger.review_goal(
            a, young_person, goal_id=goal, progress=10, occurred_at=early
        ),
        "add_goal": lambda: ledger.add_goal(
            a, young_person, domain=Domain.HOUSING, description="Work.", occurred_at=early
        ),
        "withdraw_consent": lambda: ledger.withdraw_consent(
            a, young_person, consent_id=given, occurred_at=early
        ),
        "close_case": lambda: ledger.close_case(
            a,
            young_person,
            occurred_at=early - timedelta(days=3),  # before the enrolment
        ),
    }


def test_an_answer_or_an_end_is_not_dated_before_what_it_answers_or_ends(
    network: Network,
) -> None:
    """An answer before its question would make the case as at that time contradict itself,
    and give negative delays in the indicators and exports."""
    young_person = network.enrol()
    network.clock.advance(days=3)
    answers = _answers(network, young_person, early=network.clock.now - timedelta(days=1))

    refusals = {name: refused(network, InvalidInput, run).field for name, run in answers.items()}

    assert refusals == dict.fromkeys(answers, "occurred_at")


def test_a_handover_is_answered_and_a_case_reopened_after_the_fact_before(
    network: Network,
) -> None:
    ledger, a = network.ledger, network.worker_a
    young_person = network.enrol()
    network.clock.advance(days=3)
    yesterday = network.clock.now - timedelta(days=1)
    handover_id = ledger.propose_handover(a, young_person, to_association_id=network.b)

    accept = refused(
        network,
        InvalidInput,
        lambda: ledger.accept_handover(
            network.worker_b, young_person, handover_id=handover_id, occurred_at=yesterday
        ),
    )
    ledger.end_handover(a, young_person, handover_id=handover_id, status=HandoverStatus.CANCELLED)
    ledger.close_case(a, young_person)
    reopen = refused(
        network, InvalidInput, lambda: ledger.reopen_case(a, young_person, occurred_at=yesterday)
    )

    assert "the handover was proposed" in accept.message
    assert "the case was closed" in reopen.message
