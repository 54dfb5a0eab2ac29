"""Given-steps shared by the domain tests: each sets the ledger up through its public commands."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate

from domain.actor import Actor
from domain.case_file.young_person import YoungPerson
from domain.errors import DomainError
from domain.ledger import Ledger
from domain.ledger.group_commit import Job
from domain.ledger.receipt import Receipt
from domain.ledger.receipt_rows import IN_MEMORY
from domain.network.programme import Component, Programme
from domain.vocabulary import DeclineReason, Domain, ReferralStatus
from tests.support import FrozenClock, Network, build_network, memory_vault

E = TypeVar("E", bound=DomainError)

EXPIRY_DAYS = 30


def refused(network: Network, error: type[E], command: Callable[[], object]) -> E:
    """Runs a command that must be refused with exactly `error`, and must record nothing."""
    before = network.position()
    with pytest.raises(error) as raised:
        command()
    assert type(raised.value) is error, f"expected {error.__name__}, got {raised.value!r}"
    assert network.position() == before, "a refused command recorded something"
    return raised.value


def case_of(network: Network, young_person_id: UUID) -> YoungPerson:
    """The case file as the ledger knows it now, rebuilt from the store."""
    return network.ledger.young_person(young_person_id)


def programme_of(network: Network, programme_id: UUID) -> Programme:
    return network.ledger.load(Programme, programme_id, "programme_id")


def intervention(
    network: Network,
    actor: Actor,
    young_person_id: UUID,
    *,
    occurred_at: datetime | None = None,
    summary: str | None = "Met at the youth centre about school.",
    domain: Domain = Domain.EDUCATION,
    programme_id: UUID | None = None,
    idempotency_key: str | None = None,
) -> UUID:
    return network.ledger.record_intervention(
        actor,
        young_person_id,
        domain=domain,
        kind="interview",
        occurred_at=occurred_at or network.clock.now - timedelta(hours=1),
        duration_minutes=45,
        summary=summary,
        programme_id=programme_id,
        idempotency_key=idempotency_key,
    )


def referral_to_b(network: Network, young_person_id: UUID) -> UUID:
    return network.ledger.make_referral(
        network.worker_a, young_person_id, to_association_id=network.b, domain=Domain.HOUSING
    )


def referral_in(network: Network, young_person_id: UUID, status: ReferralStatus) -> UUID:
    """A referral from A to B brought to `status` by the parties DESIGN.md names."""
    ledger = network.ledger
    referral = referral_to_b(network, young_person_id)
    if status is ReferralStatus.ACCEPTED or status is ReferralStatus.COMPLETED:
        ledger.accept_referral(network.worker_b, young_person_id, referral_id=referral)
    if status is ReferralStatus.COMPLETED:
        ledger.complete_referral(network.worker_b, young_person_id, referral_id=referral)
    if status is ReferralStatus.DECLINED:
        ledger.decline_referral(
            network.worker_b, young_person_id, referral_id=referral, reason=DeclineReason.OTHER
        )
    if status is ReferralStatus.WITHDRAWN:
        ledger.withdraw_referral(network.worker_a, young_person_id, referral_id=referral)
    if status is ReferralStatus.EXPIRED:
        network.clock.advance(days=EXPIRY_DAYS)
        ledger.expire_referral(young_person_id, referral_id=referral, expiry_days=EXPIRY_DAYS)
    assert case_of(network, young_person_id).referral(referral).status is status
    return referral


def partner_b_at_work(network: Network, young_person_id: UUID) -> None:
    """B involved through an accepted referral, and working on the case (an intervention)."""
    referral_in(network, young_person_id, ReferralStatus.ACCEPTED)
    intervention(network, network.worker_b, young_person_id)


def programme(
    network: Network,
    partners: tuple[UUID, ...],
    *,
    capacity: int | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> UUID:
    """An integrated programme whose partners each deliver one component."""
    return network.ledger.launch_programme(
        network.admin,
        name="Passerelle",
        components=tuple(Component(partner, Domain.MENTORING) for partner in partners),
        capacity=capacity,
        starts_on=starts_on,
        ends_on=ends_on,
    )


class LiveLedger(Ledger):
    """Keeps the aggregates it saved: the live ones, whose state was built as decided."""

    def __init__(self, clock: FrozenClock) -> None:
        super().__init__(IN_MEMORY, memory_vault(), clock)
        self.live: dict[UUID, Any] = {}

    def _append(self, aggregates: Sequence[Aggregate], receipts: Sequence[Receipt] = ()) -> None:
        for aggregate in aggregates:
            self.live[aggregate.id] = aggregate
        super()._append(aggregates, receipts)


def fresh_network() -> Network:
    """A network of its own on a `LiveLedger`, for tests that cannot use the fixture."""
    clock = FrozenClock()
    return build_network(LiveLedger(clock), clock)


def replayed(ledger: Ledger, aggregate_id: UUID) -> Any:
    """The aggregate folded from every stored event, bypassing snapshots and the repository."""
    aggregate: Any = None
    stored_event: Any
    for stored_event in ledger.events.get(aggregate_id):
        aggregate = stored_event.mutate(aggregate)
    return aggregate


def jobs_of(network: Network, commands: Sequence[Callable[[], object]]) -> list[Job]:
    """The jobs the commands submit, captured instead of run (for the ledger's batch runner)."""
    ledger = network.ledger
    jobs: list[Job] = []

    def capture(job: Job) -> UUID:
        jobs.append(job)
        return uuid4()

    real = ledger.committer.submit
    ledger.committer.submit = capture  # type: ignore[method-assign]
    try:
        for command in commands:
            command()
    finally:
        ledger.committer.submit = real  # type: ignore[method-assign]
    return jobs


@dataclass(frozen=True)
class CaseInCare:
    """A case A leads with an open need, an agreed plan with a goal, and a mentor of A's."""

    young_person: UUID
    need: UUID
    goal: UUID


def case_in_care(network: Network) -> CaseInCare:
    ledger, a = network.ledger, network.worker_a
    young_person = network.enrol()
    need = ledger.identify_need(a, young_person, domain=Domain.HOUSING, severity=2)
    ledger.agree_action_plan(a, young_person)
    goal = ledger.add_goal(a, young_person, domain=Domain.HOUSING, description="A room.")
    ledger.assign_mentor(
        a, young_person, mentor_user_id="mentor-a", mentor_association_id=network.a
    )
    return CaseInCare(young_person, need, goal)
