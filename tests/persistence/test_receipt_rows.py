"""Command receipts as rows beside the log (ADR 0006), on both backends: written by the append
that saves the command's events or not at all, and copied once from the receipt events of a
store written before."""

from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from api.bootstrap import Parcours
from domain.ledger.chain.store import ChainStore
from domain.ledger.receipt import CommandReceipt, Receipt, receipt_id
from domain.ledger.receipt_rows import RECEIPT_EVENT_TRIGGER
from tests.conftest import Instances
from tests.persistence.test_chain import check, raw
from tests.support import BIRTH, Network, build_network


def receipt(outcome: UUID | None = None) -> Receipt:
    return Receipt(uuid4(), "record_intervention", uuid4(), outcome or uuid4())


@pytest.mark.parametrize(("events", "receipts"), [(0, 1), (0, 2), (1, 1), (2, 1), (2, 0), (5, 3)])
def test_receipts_are_written_with_the_events_they_belong_to(
    instances: Instances, events: int, receipts: int
) -> None:
    """The lone command's path (up to two events, one receipt) and the array path (more) both
    write the receipts; receipts alone (keyed commands that decided nothing) add no link to the
    chain, and receipts without a target (enrolments) keep it empty."""
    parcours = instances.start()
    recorder = parcours.ledger.recorder
    issued = [
        Receipt(uuid4(), "enrol_young_person", None, uuid4()) if n % 2 else receipt()
        for n in range(receipts)
    ]
    head = ChainStore(recorder).head()

    recorder.insert_events(
        [StoredEvent(uuid4(), 1, "tests.Decided", b"{}") for _ in range(events)],
        receipts=issued,
    )

    assert [parcours.ledger.receipts.select_receipt(r.id) for r in issued] == issued
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


def receipt_event(parcours: Parcours, network: Network, key: str, outcome: UUID) -> StoredEvent:
    """A receipt as a version before ADR 0006 wrote it: a `CommandReceipt.Issued` event."""
    old = CommandReceipt(
        id=receipt_id(network.worker_a, key),
        command="enrol_young_person",
        target=None,
        outcome=outcome,
    )
    return parcours.ledger.mapper.to_stored_event(old.collect_events()[0])


def older_store(instances: Instances, key: str) -> tuple[Network, UUID]:
    """A store as a version before ADR 0006 left it: an enrolment by `key` whose receipt is an
    event, chained like any other, and no receipts table."""
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    enrolled = network.enrol()
    with raw(instances.settings) as sql:
        sql(f"DROP TRIGGER {RECEIPT_EVENT_TRIGGER}{on_events(instances)}")
        sql(f"DROP TABLE {receipts_table(instances)}")
    parcours.ledger.recorder.insert_events([receipt_event(parcours, network, key, enrolled)])
    return network, enrolled


def retry_enrolment(parcours: Parcours, network: Network, key: str) -> UUID:
    """The very request `Network.enrol` sends, sent again with its key."""
    return parcours.ledger.enrol_young_person(
        network.worker_a,
        first_name="Camille",
        last_name="Martin",
        date_of_birth=BIRTH,
        territory="93",
        contact="06 12 34 56 78",
        idempotency_key=key,
    )


def test_receipt_events_of_an_older_store_are_copied_once_when_it_starts(
    instances: Instances,
) -> None:
    network, enrolled = older_store(instances, "enrol-1")

    restarted = instances.start()
    events = restarted.ledger.recorder.max_notification_id()

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


def test_a_receipt_still_written_as_an_event_becomes_its_row_or_collides(
    instances: Instances,
) -> None:
    """A process of an older version still running during an upgrade writes receipts as
    events: each becomes a row in its own insert's transaction, and one whose key already has a
    row fails whole, so a retry crossing versions cannot run twice."""
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    recorder = parcours.ledger.recorder
    first, again = uuid4(), uuid4()

    recorder.insert_events([receipt_event(parcours, network, "by-an-older-server", first)])
    events = recorder.max_notification_id()
    with pytest.raises(IntegrityError):
        recorder.insert_events([receipt_event(parcours, network, "by-an-older-server", again)])

    row = parcours.ledger.receipts.select_receipt(
        receipt_id(network.worker_a, "by-an-older-server")
    )
    assert row is not None
    assert (row.command, row.outcome) == ("enrol_young_person", first)
    assert recorder.max_notification_id() == events


def receipts_table(instances: Instances) -> str:
    if instances.settings.database_url is None:
        return "command_receipts"
    return f'"{instances.settings.database_schema}".command_receipts'


def on_events(instances: Instances) -> str:
    """`DROP TRIGGER`'s table clause (PostgreSQL names the table, SQLite does not)."""
    if instances.settings.database_url is None:
        return ""
    return f' ON "{instances.settings.database_schema}".ledger_events'
