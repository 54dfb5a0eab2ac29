"""Shared resources: allocations never add up beyond capacity at any instant."""

from datetime import date
from functools import partial
from uuid import UUID, uuid4

import pytest

from domain.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from domain.vocabulary import ResourceKind
from tests.domain.givens import programme, refused
from tests.support import Network

CAPACITY = 10


def resource(network: Network) -> UUID:
    return network.ledger.offer_resource(
        network.coordinator_a, network.a, kind=ResourceKind.PREMISES, name="Hall", capacity=CAPACITY
    )


def allocate(network: Network, resource_id: UUID, starts: str, ends: str, quantity: int) -> UUID:
    return network.ledger.allocate_resource(
        network.coordinator_a,
        resource_id,
        starts_on=date.fromisoformat(starts),
        ends_on=date.fromisoformat(ends),
        quantity=quantity,
        association_id=network.b,
    )


def test_a_coordinator_offers_a_resource_of_their_association(network: Network) -> None:
    events = network.then(lambda: resource(network))

    assert sorted(events) == ["Offered", "ResourceOffered"]


@pytest.mark.parametrize("actor", ["coordinator_b", "worker_a"])
def test_only_a_coordinator_of_the_association_offers_its_resource(
    network: Network, actor: str
) -> None:
    refused(
        network,
        NotPermitted,
        lambda: network.ledger.offer_resource(
            getattr(network, actor),
            network.a,
            kind=ResourceKind.MATERIAL,
            name="Van",
            capacity=1,
        ),
    )


def test_an_allocation_within_capacity_is_recorded(network: Network) -> None:
    hall = resource(network)

    events = network.then(lambda: allocate(network, hall, "2026-04-01", "2026-04-30", CAPACITY))

    assert events == ["Allocated"]


def test_overlapping_allocations_do_not_exceed_capacity(network: Network) -> None:
    hall = resource(network)
    allocate(network, hall, "2026-04-01", "2026-04-30", 6)

    error = refused(
        network, RuleViolation, lambda: allocate(network, hall, "2026-04-30", "2026-05-15", 5)
    )

    assert (error.code, error.field) == ("OVER_CAPACITY", "quantity")


def test_overlapping_allocations_may_fill_the_capacity_exactly(network: Network) -> None:
    hall = resource(network)
    allocate(network, hall, "2026-04-01", "2026-04-30", 6)

    events = network.then(lambda: allocate(network, hall, "2026-04-15", "2026-05-15", 4))

    assert events == ["Allocated"]


def test_an_allocation_inside_another_counts_against_it(network: Network) -> None:
    hall = resource(network)
    allocate(network, hall, "2026-04-10", "2026-04-12", 8)

    error = refused(
        network, RuleViolation, lambda: allocate(network, hall, "2026-04-01", "2026-04-30", 3)
    )

    assert error.code == "OVER_CAPACITY"


def test_non_overlapping_periods_each_use_the_full_capacity(network: Network) -> None:
    hall = resource(network)
    allocate(network, hall, "2026-04-01", "2026-04-30", CAPACITY)

    events = network.then(lambda: allocate(network, hall, "2026-05-01", "2026-05-31", CAPACITY))

    assert events == ["Allocated"]


def test_allocations_in_force_at_different_instants_do_not_add_up(network: Network) -> None:
    hall = resource(network)
    allocate(network, hall, "2026-04-01", "2026-04-10", 5)
    allocate(network, hall, "2026-04-20", "2026-04-30", 5)

    events = network.then(lambda: allocate(network, hall, "2026-04-05", "2026-04-25", 5))

    assert events == ["Allocated"]
    refused(network, RuleViolation, lambda: allocate(network, hall, "2026-04-07", "2026-04-22", 1))


def test_releasing_an_allocation_frees_its_capacity(network: Network) -> None:
    hall = resource(network)
    first = allocate(network, hall, "2026-04-01", "2026-04-30", CAPACITY)
    with pytest.raises(RuleViolation):
        allocate(network, hall, "2026-04-15", "2026-04-16", 1)

    released = network.then(
        lambda: network.ledger.release_allocation(network.coordinator_a, hall, allocation_id=first)
    )
    allocated = network.then(lambda: allocate(network, hall, "2026-04-15", "2026-04-16", CAPACITY))

    assert (released, allocated) == (["Released"], ["Allocated"])


def test_an_unknown_allocation_is_not_released(network: Network) -> None:
    hall = resource(network)

    error = refused(
        network,
        NotFound,
        lambda: network.ledger.release_allocation(
            network.coordinator_a, hall, allocation_id=uuid4()
        ),
    )

    assert error.field == "allocation_id"


def test_only_a_coordinator_of_the_offering_association_allocates(network: Network) -> None:
    hall = resource(network)

    refused(
        network,
        NotPermitted,
        lambda: network.ledger.allocate_resource(
            network.coordinator_b,
            hall,
            starts_on=date(2026, 4, 1),
            ends_on=date(2026, 4, 2),
            quantity=1,
            association_id=network.b,
        ),
    )


def test_an_allocation_goes_to_a_programme_or_an_association(network: Network) -> None:
    hall = resource(network)

    error = refused(
        network,
        InvalidInput,
        lambda: network.ledger.allocate_resource(
            network.coordinator_a,
            hall,
            starts_on=date(2026, 4, 1),
            ends_on=date(2026, 4, 2),
            quantity=1,
        ),
    )

    assert error.field == "programme_id"


def test_an_allocation_period_does_not_end_before_it_starts(network: Network) -> None:
    hall = resource(network)

    error = refused(
        network, InvalidInput, lambda: allocate(network, hall, "2026-04-10", "2026-04-01", 1)
    )

    assert error.field == "ends_on"


def test_a_withdrawn_resource_is_not_allocated(network: Network) -> None:
    hall = resource(network)
    network.ledger.withdraw_resource(network.coordinator_a, hall)

    error = refused(
        network, RuleViolation, lambda: allocate(network, hall, "2026-04-01", "2026-04-02", 1)
    )

    assert error.field == "resource_id"


def test_a_resource_allocated_now_or_later_is_not_withdrawn(network: Network) -> None:
    """Withdrawn under a running or a coming allocation, the resource stayed promised to its
    holder; an allocation that has ended is history and holds nothing back."""
    hall = resource(network)
    allocate(network, hall, "2025-01-01", "2025-01-31", 1)  # before now: history
    running = allocate(network, hall, "2026-03-01", "2026-03-31", 1)
    coming = allocate(network, hall, "2026-05-01", "2026-05-31", 1)
    withdraw = partial(network.ledger.withdraw_resource, network.coordinator_a, hall)

    under_both = refused(network, RuleViolation, withdraw)
    network.ledger.release_allocation(network.coordinator_a, hall, allocation_id=running)
    under_coming = refused(network, RuleViolation, withdraw)
    network.ledger.release_allocation(network.coordinator_a, hall, allocation_id=coming)

    assert (under_both.code, under_coming.code) == ("RESOURCE_ALLOCATED", "RESOURCE_ALLOCATED")
    assert network.then(withdraw) == ["Withdrawn", "ResourceWithdrawn"]


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [("2026-01-01", "2026-04-30", "starts_on"), ("2026-03-01", "2026-09-30", "ends_on")],
)
def test_a_programme_takes_allocations_within_its_period(
    network: Network, starts: str, ends: str, field: str
) -> None:
    hall = resource(network)
    passerelle = programme(
        network, (network.a,), starts_on=date(2026, 2, 1), ends_on=date(2026, 6, 30)
    )

    error = refused(
        network, InvalidInput, lambda: allocate_to(network, hall, passerelle, starts, ends)
    )

    assert error.field == field


def test_a_closed_programme_takes_no_allocation(network: Network) -> None:
    hall = resource(network)
    passerelle = programme(network, (network.a,))
    network.ledger.close_programme(network.admin, passerelle)

    error = refused(
        network,
        RuleViolation,
        lambda: allocate_to(network, hall, passerelle, "2026-04-01", "2026-04-30"),
    )

    assert error.code == "PROGRAMME_CLOSED"


def allocate_to(network: Network, hall: UUID, programme_id: UUID, starts: str, ends: str) -> UUID:
    """One place of `hall` to the programme, by A's coordinator."""
    return network.ledger.allocate_resource(
        network.coordinator_a,
        hall,
        starts_on=date.fromisoformat(starts),
        ends_on=date.fromisoformat(ends),
        quantity=1,
        programme_id=programme_id,
    )


@pytest.mark.parametrize(("ends", "accepted"), [("2036-04-01", True), ("2036-04-02", False)])
def test_an_allocation_ends_within_ten_years_of_its_start(
    network: Network, ends: str, accepted: bool
) -> None:
    hall = resource(network)

    def allocation() -> UUID:
        return allocate(network, hall, "2026-04-01", ends, 1)

    if accepted:
        assert network.then(allocation) == ["Allocated"]
    else:
        assert refused(network, InvalidInput, allocation).field == "ends_on"
