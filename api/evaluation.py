"""Wiring of evaluation exports for the CLI and the HTTP route: study secrets over the
instance's key store and keyring, and scratch stores to replay into. It loads pyarrow and
matplotlib, so the CLI and the route import it only when an export is asked for.

The export itself lives in `projections/exports/`; this edge only knows where the instance
keeps its keys (the key store and the KEKs of `bootstrap.keyring`) and how to make a private
store of the live one's kind (a temporary SQLite file, or a PostgreSQL schema dropped after).
"""

import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import psycopg
from psycopg import sql

from api.access_log import Access, AccessLog
from api.bootstrap import Parcours, ensure_schema, keyring
from api.settings import Settings
from domain.actor import Actor
from domain.ledger.chain.store import ChainStore
from projections.exports.export import ExportSources, Progress, export_evaluation
from projections.exports.manifest import Manifest
from projections.exports.study import StudySecrets
from projections.exports.suppression import DEFAULT_K
from projections.store import PostgresReadStore, ReadStore, SQLiteReadStore


def study_secrets(parcours: Parcours) -> StudySecrets:
    return StudySecrets(parcours.key_store, keyring(parcours.settings))


def run_export(
    parcours: Parcours,
    study: str,
    out: Path,
    *,
    at_position: int | None = None,
    k: int = DEFAULT_K,
    progress: Progress | None = None,
    reader: Actor,
    access_log: AccessLog | None = None,
) -> Manifest:
    """Exports the study for `reader`, recording in the access log each young person whose
    (pseudonymised) rows the export holds, before its files are put in place: who took whose
    data out is what auditors ask first, and an export stays linkable to its people through
    the study's secret."""
    log = AccessLog(parcours.read_store) if access_log is None else access_log
    with scratch_stores(parcours.settings) as scratch:
        sources = ExportSources(
            read_store=parcours.read_store,
            source=parcours.projections.source,
            chain=ChainStore(parcours.ledger.recorder),
            vault=parcours.vault,
            secrets=study_secrets(parcours),
            scratch=scratch,
        )
        return export_evaluation(
            sources,
            study,
            out,
            at_position=at_position,
            k=k,
            progress=progress,
            disclosed=partial(_record, log, reader, study),
        )


def _record(log: AccessLog, reader: Actor, study: str, position: int, people: list[str]) -> None:
    association = None if reader.association_id is None else str(reader.association_id)
    what = f"evaluation export of study {study} as at position {position}"
    log.record(
        [Access(reader.user_id, reader.role.value, association, person, what) for person in people]
    )


@contextmanager
def scratch_stores(settings: Settings) -> Iterator[Callable[[], ReadStore]]:
    """Makes scratch stores on demand (none if the export reads the live tables) and removes
    every one it made on the way out."""
    if settings.database_url is None:
        directory = Path(tempfile.mkdtemp(prefix="parcours-export-"))
        try:
            yield lambda: SQLiteReadStore(directory / f"{uuid.uuid4().hex}.sqlite")
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return
    url = settings.database_url
    made: list[str] = []

    def make() -> ReadStore:
        schema = f"export_{uuid.uuid4().hex[:12]}"
        ensure_schema(url, schema)
        made.append(schema)
        return PostgresReadStore(url, schema, pool_size=2)

    try:
        yield make
    finally:
        if made:
            with psycopg.connect(url, autocommit=True) as db:
                for schema in made:
                    db.execute(
                        sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
                    )
