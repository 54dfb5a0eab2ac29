"""What is written comes back exactly as it was: replay equals live, across restarts."""

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from domain.case_file.young_person import YoungPerson
from domain.vocabulary import ConsentGiver, DeclineReason, Domain, Sensitivity
from tests.conftest import Instances
from tests.support import build_network


def test_a_case_file_reloaded_after_a_restart_equals_the_live_one(instances: Instances) -> None:
    first = instances.start()
    network = build_network(first.ledger, instances.clock)
    young_person = network.enrol()
    ledger = first.ledger
    ledger.give_consent(
        network.worker_a,
        young_person,
        sensitivities=(Sensitivity.HEALTH, Sensitivity.GENERAL),
        purpose="coordinated care",
        given_by=ConsentGiver.GUARDIAN,
        recipients=(network.b,),
        expires_on=instances.clock.now.date() + timedelta(days=365),
    )
    need = ledger.identify_need(network.worker_a, young_person, domain=Domain.HOUSING, severity=4)
    referral = ledger.make_referral(
        network.worker_a,
        young_person,
        to_association_id=network.b,
        domain=Domain.HOUSING,
        need_id=need,
    )
    ledger.decline_referral(
        network.worker_b, young_person, referral_id=referral, reason=DeclineReason.AT_CAPACITY
    )
    ledger.record_intervention(
        network.worker_a,
        young_person,
        domain=Domain.EDUCATION,
        kind="tutoring",
        occurred_at=instances.clock.now - timedelta(days=2),
        duration_minutes=45,
        summary="worked on maths",
    )
    # The case file as the commands decided it, never written and read back: loading it from
    # the store would send both sides through the same decoding.
    with ledger.working_set.decision():
        kept = ledger.working_set.lookup(young_person)
    assert kept is not None
    live = kept[0]

    restarted = instances.start().ledger.young_person(young_person)

    assert isinstance(restarted, YoungPerson)
    assert vars(restarted) == vars(live)
    assert restarted.referrals[str(referral)].decline_reason is DeclineReason.AT_CAPACITY


def test_snapshots_keep_a_long_case_file_equal_to_its_full_replay(instances: Instances) -> None:
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    young_person = network.enrol()
    for day in range(120):
        parcours.ledger.record_intervention(
            network.worker_a,
            young_person,
            domain=Domain.EDUCATION,
            kind="tutoring",
            occurred_at=instances.clock.now - timedelta(days=day),
            summary=f"session {day}",
        )
    assert parcours.ledger.snapshots is not None
    snapshots = list(parcours.ledger.snapshots.get(young_person, desc=True, limit=1))
    assert snapshots
    assert snapshots[0].originator_version == 100

    restarted = instances.start().ledger
    asked: list[object] = []
    get = restarted.repository.event_store.get

    def spied(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("gt"))
        return get(*args, **kwargs)

    restarted.repository.event_store.get = spied  # type: ignore[method-assign]
    from_snapshot = restarted.young_person(young_person)
    full_replay = None
    for stored in parcours.ledger.events.get(young_person):
        full_replay = stored.mutate(full_replay)  # type: ignore[attr-defined]

    assert from_snapshot.version == 121
    assert asked == [100], "loaded from the snapshot: only the events after it were read"
    assert vars(from_snapshot) == vars(full_replay)


def test_a_case_file_as_the_ledger_knew_it_at_a_recorded_time(instances: Instances) -> None:
    from datetime import UTC, datetime  # noqa: PLC0415

    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    before_enrolment = datetime.now(UTC)
    young_person = network.enrol()
    after_enrolment = datetime.now(UTC)
    handover = parcours.ledger.propose_handover(
        network.worker_a, young_person, to_association_id=network.b
    )
    parcours.ledger.accept_handover(network.worker_b, young_person, handover_id=handover)
    restarted = instances.start().ledger

    then = restarted.young_person_as_of(young_person, after_enrolment)
    now = restarted.young_person_as_of(young_person, datetime.now(UTC))

    assert restarted.young_person_as_of(young_person, before_enrolment) is None
    assert then is not None
    assert then.lead_association_id == network.a
    assert then.handovers == {}
    assert now is not None
    assert now.lead_association_id == network.b


def test_a_snapshot_row_is_stored_byte_for_byte_and_never_overwritten(
    instances: Instances,
) -> None:
    """The snapshot store's own write path (on PostgreSQL `snapshot_writes.py`): every byte
    value and non-ASCII topic kept, and a second snapshot at the same version refused as the
    library refuses it (the appender then only logs it)."""
    parcours = instances.start()
    assert parcours.ledger.snapshots is not None
    recorder = parcours.ledger.snapshots.recorder
    subject = uuid4()
    state = bytes(range(256)) * 300
    written = StoredEvent(subject, 7, "parcours:Snapshot·é", state)

    recorder.insert_events([written])
    with pytest.raises(IntegrityError):
        recorder.insert_events([StoredEvent(subject, 7, "other", b"x")])

    assert recorder.select_events(subject) == [written]
