"""Command receipts as rows beside the log (ADR 0006), on both backends: written by the append
that saves the command's events or not at all, and copied once from the receipt events of a
store written before."""

from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from api.bootstrap import Parcours
from domain.ledger.chain.store import ChainStore
from domain.ledger.receipt import CommandReceipt, Receipt, receipt_id
from tests.conftest import Instances
from tests.persistence.test_chain import check, raw
from tests.support import Network, build_network


def receipt(outcome: UUID | None = None) -> Receipt:
    return Receipt(uuid4(), "record_intervention", uuid4(), outcome or uuid4())


@pytest.mark.parametrize("events", [0, 1, 2, 5])
def test_receipts_are_written_with_the_events_they_belong_to(
    instances: Instances, events: int
) -> None:
    """The pair path (up to two events, one receipt) and the array path (more) both write the
    receipts; receipts alone (a keyed command that decided nothing) add no link to the chain."""
    parcours = instances.start()
    recorder = parcours.ledger.recorder
    receipts = [receipt()] if events < 5 else [receipt(), receipt(), receipt()]
    head = ChainStore(recorder).head()

    recorder.insert_events(
        [StoredEvent(uuid4(), 1, "tests.Decided", b"{}") for _ in range(events)],
        receipts=receipts,
    )

    assert [parcours.ledger.receipts.select_receipt(r.id) for r in receipts] == receipts
    after = ChainStore(recorder).head()
    assert (after[0] if after else 0) == (head[0] if head else 0) + events
    assert check(parcours).intact


@pytest.mark.parametrize("events", [1, 3])
def test_a_receipt_that_collides_writes_none_of_the_events(
    instances: Instances, events: int
) -> None:
    """A retry deciding the same again collides on its receipt: the events it decided anew
    must not land (both append paths; on the array path the second of two receipts collides)."""
    parcours = instances.start()
    recorder = parcours.ledger.recorder
    taken = receipt()
    recorder.insert_events([], receipts=[taken])
    fresh = [StoredEvent(uuid4(), 1, f"tests.Fresh{n}", b"{}") for n in range(events)]
    retried = [taken] if events == 1 else [receipt(), taken]

    with pytest.raises(IntegrityError):
        recorder.insert_events(fresh, receipts=retried)

    assert all(recorder.select_events(e.originator_id) == [] for e in fresh)
    assert all(parcours.ledger.receipts.select_receipt(r.id) is None for r in retried[:-1])
    assert parcours.ledger.receipts.select_receipt(taken.id) == taken


def enrol_as_before_receipt_rows(network: Network, parcours: Parcours, key: str) -> UUID:
    """Enrols with an idempotency key and keeps its receipt as a store written before ADR 0006
    did: as a `CommandReceipt.Issued` event, chained like any other."""
    enrolled = network.enrol(idempotency_key=key)
    old = CommandReceipt(
        id=receipt_id(network.worker_a, key),
        command="enrol_young_person",
        target=None,
        outcome=enrolled,
    )
    parcours.ledger.recorder.insert_events(
        [parcours.ledger.mapper.to_stored_event(e) for e in old.collect_events()]
    )
    return enrolled


def retry_enrolment(parcours: Parcours, network: Network, key: str) -> UUID:
    return parcours.ledger.enrol_young_person(
        network.worker_a,
        first_name="Camille",
        last_name="Martin",
        date_of_birth=network.ledger.clock().date().replace(year=2010),
        territory="93",
        idempotency_key=key,
    )


def test_receipt_events_of_an_older_store_are_copied_once_when_it_starts(
    instances: Instances,
) -> None:
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    enrolled = enrol_as_before_receipt_rows(network, parcours, "enrol-1")
    with raw(instances.settings) as sql:
        sql(receipts_table_dropped(instances))
    events = parcours.ledger.recorder.max_notification_id()

    restarted = instances.start()

    assert retry_enrolment(restarted, network, "enrol-1") == enrolled
    assert restarted.ledger.recorder.max_notification_id() == events
    copied = restarted.ledger.receipts.select_receipt(receipt_id(network.worker_a, "enrol-1"))
    assert copied is not None
    assert (copied.command, copied.target, copied.outcome) == (
        "enrol_young_person",
        None,
        enrolled,
    )
    with raw(instances.settings) as sql:
        sql(f"DELETE FROM {receipts_table(instances)}")
    assert instances.start().ledger.receipts.select_receipt(copied.id) is None, (
        "the copy runs when the table is created, not at every start"
    )


def receipts_table(instances: Instances) -> str:
    if instances.settings.database_url is None:
        return "command_receipts"
    return f'"{instances.settings.database_schema}".command_receipts'


def receipts_table_dropped(instances: Instances) -> str:
    return f"DROP TABLE {receipts_table(instances)}"
