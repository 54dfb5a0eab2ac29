"""Integrated programmes: enrolment takes a place while open and not full, or nothing at all."""

from datetime import UTC, date, datetime, timedelta, timezone
from uuid import UUID, uuid4

import pytest

from domain.errors import DomainError, InvalidInput, NotFound, NotPermitted, RuleViolation
from domain.network.programme import Component
from domain.vocabulary import Domain
from tests.domain.givens import case_of, fresh_network, programme, programme_of, refused
from tests.support import Network


def enrol_in(network: Network, young_person: UUID, programme_id: UUID) -> UUID:
    return network.ledger.enrol_in_programme(
        network.worker_a, young_person, programme_id=programme_id
    )


def assert_not_enrolled(network: Network, young_person: UUID, programme_id: UUID) -> None:
    assert programme_id not in case_of(network, young_person).programme_ids


def test_a_network_admin_launches_a_programme(network: Network) -> None:
    events = network.then(lambda: programme(network, (network.a, network.c), capacity=12))

    assert events == ["Launched"]


def test_only_a_network_admin_launches_a_programme(network: Network) -> None:
    refused(
        network,
        NotPermitted,
        lambda: network.ledger.launch_programme(
            network.coordinator_a,
            name="Passerelle",
            components=(Component(network.a, Domain.MENTORING),),
        ),
    )


def test_every_component_is_delivered_by_a_partner(network: Network) -> None:
    error = refused(
        network,
        InvalidInput,
        lambda: network.ledger.launch_programme(
            network.admin,
            name="Passerelle",
            components=(Component(network.b, Domain.HOUSING),),
            partners=(network.a,),
        ),
    )

    assert error.field == "components"


@pytest.mark.parametrize(
    ("partners", "component_by", "error", "field"),
    [
        ((), "a", InvalidInput, "partner_ids"),  # named, but none: not "the default"
        ("unknown", "a", NotFound, "partner_ids[1]"),  # each named by its place in the list
        (None, "unknown", NotFound, "components[1].association_id"),  # the default: theirs
    ],
)
def test_a_programme_s_partners_are_refused_naming_the_input_that_gave_them(
    network: Network,
    partners: tuple[UUID, ...] | str | None,
    component_by: str,
    error: type[DomainError],
    field: str,
) -> None:
    unknown = uuid4()
    given = (network.a, unknown) if partners == "unknown" else partners
    by = unknown if component_by == "unknown" else network.a

    refusal = refused(
        network,
        error,
        lambda: network.ledger.launch_programme(
            network.admin,
            name="Passerelle",
            components=(Component(network.a, Domain.EDUCATION), Component(by, Domain.HOUSING)),
            partners=given,  # type: ignore[arg-type]
        ),
    )

    assert refusal.field == field


def test_enrolment_takes_a_place_in_the_same_save(network: Network) -> None:
    young_person = network.enrol()
    passerelle = programme(network, (network.a,), capacity=2)

    events = network.then(lambda: enrol_in(network, young_person, passerelle))

    assert events == ["EnrolledInProgramme", "PlaceTaken"]
    assert case_of(network, young_person).programme_ids == (passerelle,)
    assert programme_of(network, passerelle).enrolled == 1


def test_enrolment_into_a_closed_programme_records_nothing(network: Network) -> None:
    young_person = network.enrol()
    passerelle = programme(network, (network.a,))
    network.ledger.close_programme(network.admin, passerelle)

    error = refused(network, RuleViolation, lambda: enrol_in(network, young_person, passerelle))

    assert (error.code, error.field) == ("PROGRAMME_CLOSED", "programme_id")
    assert_not_enrolled(network, young_person, passerelle)
    assert programme_of(network, passerelle).enrolled == 0


def test_enrolment_into_a_programme_past_its_end_is_refused(network: Network) -> None:
    young_person = network.enrol()
    passerelle = programme(network, (network.a,), ends_on=date(2026, 3, 1))

    error = refused(network, RuleViolation, lambda: enrol_in(network, young_person, passerelle))

    assert error.code == "PROGRAMME_CLOSED"
    assert_not_enrolled(network, young_person, passerelle)


def test_enrolment_into_a_full_programme_records_nothing(network: Network) -> None:
    first, second = network.enrol(), network.enrol()
    passerelle = programme(network, (network.a,), capacity=1)
    enrol_in(network, first, passerelle)

    error = refused(network, RuleViolation, lambda: enrol_in(network, second, passerelle))

    assert (error.code, error.field) == ("PROGRAMME_FULL", "programme_id")
    assert_not_enrolled(network, second, passerelle)
    assert programme_of(network, passerelle).enrolled == 1


def test_leaving_a_programme_frees_its_place(network: Network) -> None:
    first, second = network.enrol(), network.enrol()
    passerelle = programme(network, (network.a,), capacity=1)
    enrol_in(network, first, passerelle)

    left = network.then(
        lambda: network.ledger.leave_programme(network.worker_a, first, programme_id=passerelle)
    )
    enrolled = network.then(lambda: enrol_in(network, second, passerelle))

    assert left == ["LeftProgramme", "PlaceReleased"]
    assert enrolled == ["EnrolledInProgramme", "PlaceTaken"]


def test_a_young_person_is_enrolled_in_a_programme_once(network: Network) -> None:
    young_person = network.enrol()
    passerelle = programme(network, (network.a,))
    enrol_in(network, young_person, passerelle)

    error = refused(network, RuleViolation, lambda: enrol_in(network, young_person, passerelle))

    assert error.field == "programme_id"
    assert programme_of(network, passerelle).enrolled == 1


@pytest.mark.parametrize(
    ("actor", "c_involved", "allowed"),
    [
        ("worker_a", False, True),  # the lead
        ("worker_c", True, True),  # a partner involved already (a referral it answers)
        ("worker_c", False, False),  # a partner with no part in the case: it would make itself
        ("worker_b", True, False),  # involved, not a partner
    ],
)
def test_the_lead_or_an_involved_partner_enrols(
    network: Network, actor: str, c_involved: bool, allowed: bool
) -> None:
    young_person = network.enrol()
    passerelle = programme(network, (network.c,))
    if c_involved:
        for association in (network.b, network.c):
            network.ledger.make_referral(
                network.worker_a, young_person, to_association_id=association, domain=Domain.HOUSING
            )

    def enrol() -> UUID:
        return network.ledger.enrol_in_programme(
            getattr(network, actor), young_person, programme_id=passerelle
        )

    if allowed:
        assert network.then(enrol) == ["EnrolledInProgramme", "PlaceTaken"]
    else:
        refused(network, NotPermitted, enrol)
        assert programme_of(network, passerelle).enrolled == 0


def test_a_coordinator_joins_a_programme_for_their_own_association(network: Network) -> None:
    passerelle = programme(network, (network.a,))

    events = network.then(
        lambda: network.ledger.join_programme(
            network.coordinator_b, passerelle, association_id=network.b, domains=(Domain.HOUSING,)
        )
    )

    assert events == ["PartnerJoined"]
    assert network.b in programme_of(network, passerelle).partners


def test_a_partner_joining_with_a_domain_twice_delivers_it_once(network: Network) -> None:
    passerelle = programme(network, (network.a,))

    network.ledger.join_programme(
        network.coordinator_b,
        passerelle,
        association_id=network.b,
        domains=(Domain.HOUSING, Domain.HOUSING),
    )

    joined = [
        c for c in programme_of(network, passerelle).components if c.association_id == network.b
    ]
    assert [c.domain for c in joined] == [Domain.HOUSING]


def test_a_coordinator_joins_no_programme_for_another_association(network: Network) -> None:
    passerelle = programme(network, (network.a,))

    refused(
        network,
        NotPermitted,
        lambda: network.ledger.join_programme(
            network.coordinator_b, passerelle, association_id=network.c
        ),
    )


def test_a_closed_programme_takes_no_new_partner(network: Network) -> None:
    passerelle = programme(network, (network.a,))
    network.ledger.close_programme(network.admin, passerelle)

    error = refused(
        network,
        RuleViolation,
        lambda: network.ledger.join_programme(
            network.coordinator_b, passerelle, association_id=network.b
        ),
    )

    assert error.code == "PROGRAMME_CLOSED"


@pytest.mark.parametrize(
    ("days_before_now", "code"),
    [(40, None), (10, "PROGRAMME_CLOSED"), (400, "PROGRAMME_NOT_STARTED")],
)
def test_an_enrolment_is_admitted_by_the_day_it_happened(
    network: Network, days_before_now: int, code: str | None
) -> None:
    """Entered late (a normal thing), an enrolment dated within the period is admitted even
    after the programme has ended; one dated outside it is not."""
    now = network.clock.now
    young_person = network.enrol(occurred_at=now - timedelta(days=500))
    passerelle = network.ledger.launch_programme(
        network.admin,
        name="Été",
        components=(Component(network.a, Domain.MENTORING),),
        starts_on=(now - timedelta(days=90)).date(),
        ends_on=(now - timedelta(days=30)).date(),
    )

    def enrol() -> UUID:
        return network.ledger.enrol_in_programme(
            network.worker_a,
            young_person,
            programme_id=passerelle,
            occurred_at=now - timedelta(days=days_before_now),
        )

    if code is None:
        assert network.then(enrol) == ["EnrolledInProgramme", "PlaceTaken"]
    else:
        assert refused(network, RuleViolation, enrol).code == code


def test_a_partner_delivering_every_component_left_cannot_leave(network: Network) -> None:
    passerelle = programme(network, (network.a,))
    network.ledger.join_programme(network.coordinator_b, passerelle, association_id=network.b)

    error = refused(
        network,
        RuleViolation,
        lambda: network.ledger.leave_partnership(
            network.coordinator_a, passerelle, association_id=network.a
        ),
    )

    assert error.code == "LAST_COMPONENT"
    assert programme_of(network, passerelle).components


def test_an_enrolment_is_admitted_by_its_day_in_utc_whatever_the_offset_written() -> None:
    """00:30 at +02:00 on the first day is 22:30 UTC the day before: the same instant is
    admitted or not the same way whatever offset the client wrote."""
    network = fresh_network()
    young_person = network.enrol(occurred_at=network.clock.now - timedelta(days=60))
    passerelle = network.ledger.launch_programme(
        network.admin,
        name="Février",
        components=(Component(network.a, Domain.MENTORING),),
        starts_on=date(2026, 2, 1),
    )
    paris = timezone(timedelta(hours=2))

    def enrol(at: datetime) -> UUID:
        return network.ledger.enrol_in_programme(
            network.worker_a, young_person, programme_id=passerelle, occurred_at=at
        )

    written_with_offset = refused(
        network, RuleViolation, lambda: enrol(datetime(2026, 2, 1, 0, 30, tzinfo=paris))
    )
    written_in_utc = refused(
        network, RuleViolation, lambda: enrol(datetime(2026, 1, 31, 23, 30, tzinfo=UTC))
    )

    assert written_with_offset.code == written_in_utc.code == "PROGRAMME_NOT_STARTED"
    assert network.then(lambda: enrol(datetime(2026, 2, 1, 0, 30, tzinfo=UTC))) == [
        "EnrolledInProgramme",
        "PlaceTaken",
    ]


@pytest.mark.parametrize(
    ("ends_on", "accepted"), [(date(2036, 3, 1), True), (date(9999, 12, 31), False)]
)
def test_a_programme_runs_at_most_ten_years(
    network: Network, ends_on: date, accepted: bool
) -> None:
    def launch() -> UUID:
        return programme(network, (network.a,), starts_on=date(2026, 3, 1), ends_on=ends_on)

    if accepted:
        assert network.then(launch) == ["Launched"]
    else:
        error = refused(network, InvalidInput, launch)
        assert (error.field, str(error)) == (
            "ends_on",
            "ends_on must be within 10 years of the start",
        )


def test_a_programme_open_from_its_launch_ends_within_ten_years_of_it(network: Network) -> None:
    """With no start, the horizon was not checked at all: an end in 2206 was kept."""
    launched_on = network.clock.now.date()

    def launch(ends_on: date) -> UUID:
        return programme(network, (network.a,), ends_on=ends_on)

    error = refused(
        network, InvalidInput, lambda: launch(launched_on.replace(year=launched_on.year + 180))
    )

    assert (error.field, str(error)) == ("ends_on", "ends_on must be within 10 years of the launch")
    assert network.then(lambda: launch(launched_on.replace(year=launched_on.year + 2))) == [
        "Launched"
    ]
