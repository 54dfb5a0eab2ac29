"""The simulator seeds the variety a demo needs, through the ledger, in simulated time."""

from datetime import timedelta

import pytest

from api.simulation import ERASURES, SimulatedClock, SimulationSummary, simulate
from domain.case_file.young_person import YoungPerson
from domain.ledger import Ledger
from domain.ledger.receipt_rows import IN_MEMORY
from domain.network.association import Association
from domain.network.programme import Programme
from domain.vocabulary import DeclineReason, ReferralStatus, Sensitivity
from tests.conftest import Instances
from tests.support import START, FrozenClock, memory_ledger, memory_vault

YOUNG_PEOPLE = 30
MONTHS = 6


def case_files(ledger: Ledger, summary: SimulationSummary) -> list[YoungPerson]:
    return [ledger.young_person(i) for i in summary.young_person_ids]


def test_a_small_run_holds_every_outcome_the_demo_shows(instances: Instances) -> None:
    parcours = instances.start()
    expiry_days = instances.settings.referral_expiry_days

    summary = simulate(
        parcours.ledger,
        instances.clock,
        young_people=YOUNG_PEOPLE,
        months=MONTHS,
        expiry_days=expiry_days,
    )

    files = case_files(parcours.ledger, summary)
    referrals = [r for f in files for r in f.referrals.values()]
    assert {r.status for r in referrals} == set(ReferralStatus)
    declines = {r.decline_reason for r in referrals if r.status is ReferralStatus.DECLINED}
    assert DeclineReason.AT_CAPACITY in declines
    expired = [r for r in referrals if r.status is ReferralStatus.EXPIRED]
    assert all(
        r.closed_at and r.closed_at - r.awaiting_since >= timedelta(expiry_days) for r in expired
    )
    consents = [c for f in files for c in f.consents.values()]
    assert {s for c in consents for s in c.sensitivities} == set(Sensitivity)
    assert any(c.recipients for c in consents), "some consents name their recipients"
    assert any(c.withdrawn_at for c in consents), "some consents are withdrawn"
    assert summary.events["YoungPerson.HandoverAccepted"] > 0
    assert summary.events["YoungPerson.EnrolledInProgramme"] > 0
    assert any(f.programmes for f in files)
    assert summary.events["SharedResource.Allocated"] > 0
    assert summary.events["PracticeNote.Endorsed"] > 0
    assert summary.refused == {}, "stories are designed so the ledger never says no"


def test_the_cast_spans_eight_associations_three_territories_and_two_programmes(
    instances: Instances,
) -> None:
    parcours = instances.start()

    summary = simulate(parcours.ledger, instances.clock, young_people=5, months=2)

    cast = summary.cast
    associations = [parcours.ledger.load(Association, a.id, "id") for a in cast.associations]
    assert len(associations) >= 8
    assert len({a.territory for a in associations}) >= 3
    assert all(a.competences for a in associations)
    for programme_cast in cast.programmes:
        programme = parcours.ledger.load(Programme, programme_cast.id, "id")
        assert len(programme.partners) >= 2
        assert programme.components
    worker = cast.associations[0].workers[0]
    assert cast.association_of(worker.user_id) == cast.associations[0].id
    assert all(a.workers and a.coordinator for a in cast.associations)
    assert len(summary.erased) == ERASURES
    assert set(summary.erased) <= set(summary.young_person_ids)
    assert summary.events["YoungPerson.Erased"] == ERASURES
    for erased in summary.erased:
        assert parcours.ledger.young_person(erased).erased_at is not None
        assert not parcours.vault.has_key(erased)


def test_business_time_is_the_simulated_clock() -> None:
    clock = SimulatedClock(START)
    ledger = Ledger(IN_MEMORY, memory_vault(), clock)

    summary = simulate(ledger, clock, young_people=8, months=4)

    moments = [i.occurred_at for f in case_files(ledger, summary) for i in f.interventions.values()]
    assert min(moments) >= START
    assert max(moments) <= summary.ended_at
    assert max(moments) - START > timedelta(days=90)
    assert clock() == summary.ended_at


def test_the_same_seed_gives_the_same_history() -> None:
    def run(seed: int) -> SimulationSummary:
        clock = FrozenClock()
        return simulate(memory_ledger(clock), clock, young_people=12, months=4, seed=seed)

    first, again, other = run(3), run(3), run(4)

    assert first.counts() == again.counts()
    assert first.counts() != other.counts()


def test_the_ledger_must_read_the_simulators_clock() -> None:
    with pytest.raises(ValueError, match="clock"):
        simulate(memory_ledger(FrozenClock()), FrozenClock(), young_people=1, months=1)
