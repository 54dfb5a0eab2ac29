"""Where receipts are kept: the `command_receipts` table beside the log (ADR 0006).

Every recorder the ledger runs on takes a command's receipts with its events, in the same
`insert_events` call and transaction (`receipts=`), and reads one back by id only when a command
went wrong (`select_receipt`). This module holds each backend's table, the one-time copy of the
receipts that older stores kept as events, the trigger that turns any receipt still written as
an event into its row, and the in-memory recorder of domain tests.
"""

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Protocol, runtime_checkable
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, IntegrityError, StoredEvent
from eventsourcing.popo import POPOApplicationRecorder, POPOFactory
from eventsourcing.utils import get_topic
from psycopg.sql import SQL, Composed, Identifier, Literal

from domain.ledger.fingerprints import SEPARATOR
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

    def forget_fingerprints(self, subject: UUID) -> None:
        """Drops the arguments' fingerprints from the receipts of commands on or creating
        `subject` (an erasure): a fingerprint of a name and a date of birth would let a guess
        be confirmed after the data itself is unreadable."""


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
        LOCK TABLE {schema}.{events} IN EXCLUSIVE MODE;
        CREATE TABLE {schema}.{receipts} (
            receipt_id uuid PRIMARY KEY,
            command text NOT NULL,
            target uuid,
            outcome uuid NOT NULL,
            recorded_at timestamptz NOT NULL DEFAULT now()
        );
        INSERT INTO {schema}.{receipts} (receipt_id, command, target, outcome, recorded_at)
        SELECT e.originator_id, {columns}
        FROM {schema}.{events} e,
             LATERAL (SELECT convert_from(e.state, 'UTF8')::jsonb AS state) s
        WHERE e.topic = {topic};
    END IF;
END
$do$
"""
"""Created, and filled from the receipt events of an older store, in one statement of the
create transaction, under the start-up's schema lock and with the events table locked against
writers still running an older version until the trigger below exists: a store is copied
exactly once, and a crash cannot leave a table without its copy."""

_POSTGRES_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.{function}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO {schema}.{receipts} (receipt_id, command, target, outcome, recorded_at)
    SELECT NEW.originator_id, {columns}
    FROM (SELECT convert_from(NEW.state, 'UTF8')::jsonb AS state) s;
    RETURN NULL;
END
$fn$
"""

_POSTGRES_TRIGGER = """
CREATE OR REPLACE TRIGGER {function} AFTER INSERT ON {schema}.{events}
FOR EACH ROW WHEN (NEW.topic = {topic}) EXECUTE FUNCTION {schema}.{function}()
"""

_POSTGRES_COLUMNS = """s.state ->> 'command', (s.state -> 'target' ->> '_data_')::uuid,
               (s.state -> 'outcome' ->> '_data_')::uuid,
               (s.state -> 'timestamp' ->> '_data_')::timestamptz"""

RECEIPT_EVENT_TRIGGER = "parcours_receipt_event_as_row"
"""Turns a receipt written as an event into its row, in the same transaction, without
`ON CONFLICT`: a process of an older version still running beside this one (a rolling
upgrade), or a restored backup from before ADR 0006, writes receipts as events; each becomes a
row, and one whose key already has a row collides, so a retry crossing versions fails loudly
instead of running twice."""


def postgres_create(schema: str, events: str) -> list[Composed]:
    """The receipts table with its one-time copy, and the trigger keeping older writers'
    receipts."""
    names = {
        "schema": Identifier(schema),
        "events": Identifier(events),
        "receipts": Identifier(RECEIPTS_TABLE),
        "function": Identifier(RECEIPT_EVENT_TRIGGER),
        "topic": Literal(RECEIPT_EVENT_TOPIC),
        "columns": SQL(_POSTGRES_COLUMNS),
    }
    return [
        SQL(_POSTGRES_CREATE_AND_COPY).format(
            qualified=Literal(f'"{schema}"."{RECEIPTS_TABLE}"'), **names
        ),
        SQL(_POSTGRES_TRIGGER_FUNCTION).format(**names),
        SQL(_POSTGRES_TRIGGER).format(**names),
    ]


POSTGRES_SELECT = "SELECT command, target, outcome FROM {}.{} WHERE receipt_id = %s"
POSTGRES_FORGET = (
    "UPDATE {}.{} SET command = split_part(command, '#', 1)"
    " WHERE (target = %s OR outcome = %s) AND strpos(command, '#') > 0"
)


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
SQLITE_FORGET = (
    "UPDATE command_receipts SET command = substr(command, 1, instr(command, '#') - 1)"
    " WHERE (target = ? OR outcome = ?) AND instr(command, '#') > 0"
)


def _sqlite_columns(row: str) -> str:
    """The receipt's columns from an event row's state (ids as hex, as the library stores stream
    ids on SQLite)."""
    state = f"CAST({row}state AS TEXT)"
    return (
        f"{row}originator_id, json_extract({state}, '$.command'),"
        f" json_extract({state}, '$.target._data_'), json_extract({state}, '$.outcome._data_'),"
        f" json_extract({state}, '$.timestamp._data_')"
    )


def sqlite_copy(events: str) -> tuple[str, tuple[str]]:
    """Copies an older store's receipt events into the new table."""
    return (
        "INSERT INTO command_receipts (receipt_id, command, target, outcome, recorded_at)"  # noqa: S608
        f" SELECT {_sqlite_columns('')} FROM {events} WHERE topic = ?",
        (RECEIPT_EVENT_TOPIC,),
    )


def sqlite_trigger(events: str) -> str:
    """`RECEIPT_EVENT_TRIGGER` on SQLite (a collision aborts the event's insert)."""
    return (
        f"CREATE TRIGGER IF NOT EXISTS {RECEIPT_EVENT_TRIGGER} AFTER INSERT ON {events}"  # noqa: S608
        f" WHEN NEW.topic = '{RECEIPT_EVENT_TOPIC}' BEGIN"
        " INSERT INTO command_receipts (receipt_id, command, target, outcome, recorded_at)"
        f" VALUES ({_sqlite_columns('NEW.')}); END"
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
            if len(ids) < len(receipts) or any(i in self._receipts for i in ids):
                raise IntegrityError("a command receipt with this id is already recorded")
            positions = super()._insert_events(stored_events, **kwargs)
            self._receipts.update((receipt.id, receipt) for receipt in receipts)
        return positions

    def select_receipt(self, receipt_id: UUID) -> Receipt | None:
        with self._database_lock:
            return self._receipts.get(receipt_id)

    def forget_fingerprints(self, subject: UUID) -> None:
        with self._database_lock:
            for key, receipt in self._receipts.items():
                if subject in (receipt.target, receipt.outcome):
                    name = receipt.command.partition(SEPARATOR)[0]
                    self._receipts[key] = replace(receipt, command=name)


class InMemoryFactory(POPOFactory):
    """The library's in-memory persistence, with the recorder above (the library's in-memory
    factory takes no recorder topic)."""

    def application_recorder(self) -> ApplicationRecorder:
        return InMemoryApplicationRecorder()


IN_MEMORY = {"PERSISTENCE_MODULE": get_topic(InMemoryFactory)}
"""The environment of a ledger kept in memory (domain tests, the simulator's dry runs)."""
