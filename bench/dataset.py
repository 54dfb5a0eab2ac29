"""A history of a given size imported into a scratch schema: the data P3-P8 run on."""

import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from api.bootstrap import build
from api.importing.history import import_history
from api.settings import Settings
from bench.history import history
from bench.store import database_url, settings_for


@dataclass(frozen=True)
class Dataset:
    settings: Settings
    events: int
    import_seconds: float
    requested: int
    """The size asked of `bench.history.history`: the same lines again give the same history."""


def import_into(schema: str, events: int, work: Path) -> Dataset:
    settings = settings_for(schema, work / schema)
    parcours = build(settings)
    try:
        started = time.perf_counter()
        import_history(parcours.ledger, history(events), chunk_size=1000)
        seconds = time.perf_counter() - started
    finally:
        parcours.close()
    return Dataset(settings, count_events(schema), seconds, events)


def count_events(schema: str) -> int:
    with psycopg.connect(database_url()) as db:
        statement = sql.SQL("SELECT count(*) FROM {}.ledger_events").format(sql.Identifier(schema))
        row = db.execute(statement).fetchone()
    return 0 if row is None else int(str(row[0]))
