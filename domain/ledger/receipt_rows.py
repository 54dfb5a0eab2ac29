"""Where receipts are kept: the `command_receipts` table beside the log (ADR 0006).

Every recorder the ledger runs on takes a command's receipts with its events, in the same
`insert_events` call and transaction (`receipts=`), and reads one back by id only when a command
went wrong (`select_receipt`). This module holds each backend's table, the one-time copy of the
receipts that older stores kept as events, and the in-memory recorder of domain tests.
"""

import json
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, IntegrityError, StoredEvent
from eventsourcing.popo import POPOApplicationRecorder, POPOFactory
from eventsourcing.utils import get_topic
from psycopg.sql import SQL, Composed, Identifier, Literal

from domain.ledger.receipt import Receipt

RECEIPTS_TABLE = "command_receipts"
RECEIPT_EVENT_TOPIC = "domain.ledger.receipt:CommandReceipt.Issued"
"""The topic of `CommandReceipt.Issued`: receipts as stores before ADR 0006 kept them."""


@runtime_checkable
class ReceiptRecorder(Protocol):
    """What the ledger needs of its application recorder beyond the library's interface."""

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None: ...

    def select_receipt(self, receipt_id: UUID) -> Receipt | None: ...

    def copy_receipt_events(self) -> None:
        """Copies receipts kept as events (before ADR 0006) into the receipts, keeping those
        already there."""


def receipts_of(kwargs: dict[str, Any]) -> Sequence[Receipt]:
    """The receipts passed to `insert_events` (none when the caller passed none)."""
    receipts: Sequence[Receipt] = kwargs.get("receipts", ())
    return receipts


def receipt_from_hex(receipt: UUID, command: str, target: str | None, outcome: str) -> Receipt:
    return Receipt(receipt, command, None if target is None else UUID(target), UUID(outcome))


# --- PostgreSQL ---------------------------------------------------------------------------------

_POSTGRES_CREATE_AND_COPY = """
DO $do$
BEGIN
    IF to_regclass({qualified}) IS NULL THEN
        CREATE TABLE {schema}.{receipts} (
            receipt_id uuid PRIMARY KEY,
            command text NOT NULL,
            target uuid,
            outcome uuid NOT NULL,
            recorded_at timestamptz NOT NULL DEFAULT now()
        );
        {copy};
    END IF;
END
$do$
"""
"""Created, and filled from the receipt events of an older store, in one statement of the
create transaction (and under the start-up's schema lock): a store is copied exactly once,
and a crash cannot leave a table without its copy."""

_POSTGRES_COPY = """INSERT INTO {schema}.{receipts} (receipt_id, command, target, outcome,
                                                     recorded_at)
        SELECT e.originator_id, s.state ->> 'command',
               (s.state -> 'target' ->> '_data_')::uuid,
               (s.state -> 'outcome' ->> '_data_')::uuid,
               (s.state -> 'timestamp' ->> '_data_')::timestamptz
        FROM {schema}.{events} e,
             LATERAL (SELECT convert_from(e.state, 'UTF8')::jsonb AS state) s
        WHERE e.topic = {topic}
        ON CONFLICT (receipt_id) DO NOTHING"""


def postgres_copy(schema: str, events: str) -> Composed:
    """Copies receipt events into the table (those already there are kept)."""
    return SQL(_POSTGRES_COPY).format(
        schema=Identifier(schema),
        receipts=Identifier(RECEIPTS_TABLE),
        events=Identifier(events),
        topic=Literal(RECEIPT_EVENT_TOPIC),
    )


def postgres_create(schema: str, events: str) -> Composed:
    return SQL(_POSTGRES_CREATE_AND_COPY).format(
        qualified=Literal(f'"{schema}"."{RECEIPTS_TABLE}"'),
        schema=Identifier(schema),
        receipts=Identifier(RECEIPTS_TABLE),
        copy=postgres_copy(schema, events),
    )


POSTGRES_SELECT = "SELECT command, target, outcome FROM {}.{} WHERE receipt_id = %s"


# --- SQLite ----------------------------------------------------------------------------------

SQLITE_CREATE = (
    "CREATE TABLE IF NOT EXISTS command_receipts (receipt_id TEXT PRIMARY KEY,"
    " command TEXT NOT NULL, target TEXT, outcome TEXT NOT NULL,"
    " recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
)
SQLITE_EXISTS = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'command_receipts'"
SQLITE_INSERT = (
    "INSERT INTO command_receipts (receipt_id, command, target, outcome) VALUES (?, ?, ?, ?)"
)
SQLITE_SELECT = "SELECT command, target, outcome FROM command_receipts WHERE receipt_id = ?"


def sqlite_copy(events: str) -> tuple[str, tuple[str]]:
    """Copies receipt events into the table (those already there are kept); ids as hex, as the
    library stores stream ids on SQLite."""
    state = "CAST(state AS TEXT)"
    return (
        "INSERT OR IGNORE INTO command_receipts (receipt_id, command, target, outcome,"  # noqa: S608
        f" recorded_at) SELECT originator_id, json_extract({state}, '$.command'),"
        f" json_extract({state}, '$.target._data_'), json_extract({state}, '$.outcome._data_'),"
        f" json_extract({state}, '$.timestamp._data_') FROM {events} WHERE topic = ?",
        (RECEIPT_EVENT_TOPIC,),
    )


def sqlite_row(receipt: Receipt) -> tuple[str, str, str | None, str]:
    target = None if receipt.target is None else receipt.target.hex
    return receipt.id.hex, receipt.command, target, receipt.outcome.hex


# --- in memory --------------------------------------------------------------------------------


class InMemoryApplicationRecorder(POPOApplicationRecorder):
    """The library's in-memory recorder, keeping receipts as the databases do: written with
    their events or not at all, each id once."""

    def __init__(self) -> None:
        super().__init__()
        self._receipts: dict[UUID, Receipt] = {}

    def _insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        receipts = receipts_of(kwargs)
        with self._database_lock:
            ids = {receipt.id for receipt in receipts}
            if len(ids) < len(receipts) or not ids.isdisjoint(self._receipts):
                raise IntegrityError("a command receipt with this id is already recorded")
            positions = super()._insert_events(stored_events, **kwargs)
            self._receipts.update((receipt.id, receipt) for receipt in receipts)
        return positions

    def select_receipt(self, receipt_id: UUID) -> Receipt | None:
        with self._database_lock:
            return self._receipts.get(receipt_id)

    def copy_receipt_events(self) -> None:
        with self._database_lock:
            for stored in self._stored_events:
                if stored.topic == RECEIPT_EVENT_TOPIC:
                    state = json.loads(stored.state)
                    target = state["target"]
                    receipt = receipt_from_hex(
                        UUID(str(stored.originator_id)),
                        state["command"],
                        None if target is None else target["_data_"],
                        state["outcome"]["_data_"],
                    )
                    self._receipts.setdefault(receipt.id, receipt)


class InMemoryFactory(POPOFactory):
    """The library's in-memory persistence, with the recorder above (the library's in-memory
    factory takes no recorder topic)."""

    def application_recorder(self) -> ApplicationRecorder:
        return InMemoryApplicationRecorder()


IN_MEMORY = {"PERSISTENCE_MODULE": get_topic(InMemoryFactory)}
"""The environment of a ledger kept in memory (domain tests, the simulator's dry runs)."""
