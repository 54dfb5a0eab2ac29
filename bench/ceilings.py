"""Ceilings: the best ratio a bar's prescribed work leaves on this machine, measured in the run.

A bar compares Parcours with a raw limit of the machine, but the bar also prescribes work the
raw limit does not do: a command is decided by an aggregate and validated like any other
(P1, P2), an import line like a command (P3), a rebuild decodes the events it applies (P4), an
export reads the read models out of PostgreSQL (P8). Each ceiling here times that prescribed
work *alone* — in memory, with no store, or reading with nothing done to the rows — and gives
the ratio Parcours would reach if everything else cost nothing. A ceiling below the bar says
the bar cannot be met on this machine by any implementation that does that work, however lean
the rest; a ceiling above it says how much room the rest has. They are reported beside the
ratio (`ceiling` in the table and the JSON) and never change whether a bar is met.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from api.bootstrap import build
from api.importing.history import import_history
from api.settings import Settings
from bench.history import history
from bench.store import database_url
from domain.ledger import Ledger
from domain.ledger.core import utc_now
from domain.ledger.receipt_rows import IN_MEMORY
from domain.privacy import cipher
from domain.privacy.keyring import KeyEncryptionKey
from domain.privacy.keystore import InMemoryKeyStore
from domain.privacy.vault import Vault
from projections.exports.snapshot import EXPORTED, SOURCES
from projections.queries.served import Reader


def memory_ledger() -> Ledger:
    """A ledger with the in-memory recorder and key store: the domain's work, no store's."""
    vault = Vault(InMemoryKeyStore(), KeyEncryptionKey("bench-kek", cipher.new_key()))
    return Ledger(IN_MEMORY, vault, utc_now)


@contextmanager
def _closing(ledger: Ledger) -> Iterator[Ledger]:
    try:
        yield ledger
    finally:
        ledger.close()


def sequential_ceiling(raw_rate: float, seconds_per_command: float) -> float:
    """P1's ratio if a command cost a bare INSERT transaction plus its in-memory work."""
    return 1 / (1 + raw_rate * seconds_per_command)


def imported_in_memory(events: int) -> tuple[int, float]:
    """Events the bench's history of that size gives through `parcours import`'s path into an
    in-memory ledger, and the seconds it took: every line validated and decided as in P3,
    nothing written to a store."""
    with _closing(memory_ledger()) as ledger:
        started = time.perf_counter()
        import_history(ledger, history(events), chunk_size=1000)
        seconds = time.perf_counter() - started
        stored = ledger.recorder.max_notification_id() or 0
    return stored, seconds


def read_and_decoded(settings: Settings, batch: int = 1000) -> tuple[int, float]:
    """Events in the log, and the seconds it takes to read them as a rebuild reads them and
    decode each one some projection handles, with nothing applied: what P4 cannot do
    without."""
    parcours = build(settings)
    try:
        runner = parcours.projections
        handled = {name for p in runner.projections.values() for name in p.handlers}
        read, after = 0, 0
        started = time.perf_counter()
        while found := runner.source.read(after, batch):
            for recorded in found:
                if recorded.name in handled:
                    _ = recorded.event
            read += len(found)
            after = found[-1].position
        return read, time.perf_counter() - started
    finally:
        parcours.close()


def source_read_seconds(settings: Settings) -> tuple[int, float]:
    """Rows of the read models an evaluation export reads (their served generations), and the
    seconds PostgreSQL takes to hand them all out in its own binary COPY format, discarded as
    they come: no export that reads its rows from the store can take less."""
    parcours = build(settings)
    try:
        with parcours.read_store.transaction() as tx:
            served = {k.replace(".", "_"): v for k, v in Reader(tx, *EXPORTED).tables.items()}
    finally:
        parcours.close()
    schema = sql.Identifier(settings.database_schema)
    tables = [(served[logical], listed) for logical, listed in SOURCES.values()]
    with psycopg.connect(settings.database_url or database_url(), autocommit=True) as db:
        rows = sum(_count(db, schema, table) for table, _ in tables)
        started = time.perf_counter()
        for table, listed in tables:
            query = sql.SQL("COPY (SELECT {} FROM {}.{}) TO STDOUT (FORMAT binary)").format(
                sql.SQL(listed), schema, sql.Identifier(table)
            )
            with db.cursor().copy(query) as copy:
                for _ in copy:
                    pass
        return rows, time.perf_counter() - started


def _count(db: "psycopg.Connection[tuple[object, ...]]", schema: sql.Identifier, table: str) -> int:
    statement = sql.SQL("SELECT count(*) FROM {}.{}").format(schema, sql.Identifier(table))
    found = db.execute(statement).fetchone()
    return 0 if found is None else int(str(found[0]))
