"""Personal data never reaches the event store in clear; the vault gives it back."""

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.case_file.intervention import Intervention
from domain.errors import InvalidInput
from domain.privacy.cipher import InvalidTag
from tests.domain.givens import case_of, intervention, programme, refused
from tests.support import BIRTH, Network

SUMMARY = "Talked about her brother's trial and her anxiety."
CLEAR = ("Camille", "Martin", "06 12 34 56 78", BIRTH.isoformat(), "brother", "anxiety")


def stored_state(network: Network, young_person: UUID, event_name: str) -> bytes:
    (state,) = [
        n.state
        for n in network.ledger.recorder.select_notifications(start=1, limit=1000)
        if n.originator_id == young_person and n.topic.endswith(f".{event_name}")
    ]
    return state


def test_the_enrolled_event_holds_no_personal_data_in_clear(network: Network) -> None:
    young_person = network.enrol()

    state = stored_state(network, young_person, "Enrolled")

    for clear in CLEAR:
        assert clear.encode() not in state, clear


def test_an_intervention_summary_is_not_stored_in_clear(network: Network) -> None:
    young_person = network.enrol()
    intervention(network, network.worker_a, young_person, summary=SUMMARY)

    state = stored_state(network, young_person, "InterventionRecorded")

    assert b"interview" in state  # the kind is a code, not free text
    for clear in CLEAR:
        assert clear.encode() not in state, clear


def test_nothing_in_the_whole_log_is_in_clear(network: Network) -> None:
    young_person = network.enrol()
    intervention(network, network.worker_a, young_person, summary=SUMMARY)
    network.ledger.close_case(network.worker_a, young_person, reason="Camille moved away.")

    log = b"".join(
        n.state for n in network.ledger.recorder.select_notifications(start=1, limit=1000)
    )

    for clear in CLEAR:
        assert clear.encode() not in log, clear


def test_the_vault_opens_what_was_stored(network: Network) -> None:
    young_person = network.enrol()
    recorded = intervention(network, network.worker_a, young_person, summary=SUMMARY)
    vault = network.ledger.vault

    enrolled: Any = next(iter(network.ledger.events.get(young_person)))
    case = case_of(network, young_person)
    summary = case.interventions[str(recorded)]

    personal = enrolled.personal
    assert vault.open(personal.first_name) == "Camille"
    assert vault.open(personal.last_name) == "Martin"
    assert vault.open(personal.contact) == "06 12 34 56 78"
    assert vault.open(personal.date_of_birth) == BIRTH.isoformat()
    assert isinstance(summary, Intervention)
    assert vault.open(summary.summary) == SUMMARY


def test_a_value_sealed_for_one_young_person_is_bound_to_them(network: Network) -> None:
    camille, sami = network.enrol(), network.enrol(first_name="Sami")

    first_names = {
        case_of(network, young_person).personal.first_name.subject
        for young_person in (camille, sami)
    }

    assert first_names == {camille, sami}


def test_an_opener_opens_a_young_person_s_tokens_as_the_vault_does_and_nothing_once_erased(
    network: Network,
) -> None:
    camille, sami = network.enrol(), network.enrol(first_name="Sami")
    recorded = intervention(network, network.worker_a, camille, summary=SUMMARY)
    sealed = case_of(network, camille).interventions[str(recorded)].summary
    assert sealed is not None
    token = sealed.token
    vault = network.ledger.vault

    assert vault.opener(camille)(token) == vault.open_token(camille, token) == SUMMARY
    assert vault.opener(str(camille))(None) is None
    with pytest.raises(InvalidTag):  # bound to its subject: another's key cannot open it
        vault.opener(sami)(token)

    vault.destroy_key(camille)

    assert vault.opener(camille)(token) is None


def test_a_corrected_date_of_birth_may_not_put_a_recorded_fact_before_the_birth(
    network: Network,
) -> None:
    """Facts are never dated before the birth; a correction moving the birth after one of
    them would make the history say otherwise."""
    young_person = network.enrol(occurred_at=network.clock.now - timedelta(days=400))
    visit = network.clock.now - timedelta(days=200)
    intervention(network, network.worker_a, young_person, occurred_at=visit)

    def correct(born: date) -> object:
        return network.ledger.correct_personal_data(
            network.worker_a,
            young_person,
            first_name="Camille",
            last_name="Martin",
            date_of_birth=born,
        )

    error = refused(network, InvalidInput, lambda: correct(visit.date() + timedelta(days=1)))
    events = network.then(lambda: correct((network.clock.now - timedelta(days=400)).date()))

    assert error.field == "date_of_birth"
    assert events == ["PersonalDataCorrected"]


def test_a_programme_enrolment_counts_among_the_facts_a_birth_date_may_not_follow(
    network: Network,
) -> None:
    young_person = network.enrol(occurred_at=network.clock.now - timedelta(days=100))
    passerelle = programme(network, (network.a,))
    joined = network.clock.now - timedelta(days=300)
    network.ledger.enrol_in_programme(
        network.worker_a, young_person, programme_id=passerelle, occurred_at=joined
    )

    error = refused(
        network,
        InvalidInput,
        lambda: network.ledger.correct_personal_data(
            network.worker_a,
            young_person,
            first_name="Camille",
            last_name="Martin",
            date_of_birth=joined.date() + timedelta(days=1),
        ),
    )

    assert error.field == "date_of_birth"
