"""`export_evaluation`: one pseudonymised, reproducible evaluation export, start to finish.

The order matters for trust: the study is checked before anything is read (an unknown study
costs nothing); the read models are fixed at one ledger position (live or replayed); erased
young people are dropped once, in the context every file is built from; datasets are written,
then aggregates built from those datasets, then the report and the codebook, and the manifest
last, over the bytes actually written.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from domain.ledger.chain.store import ChainStore
from domain.privacy.vault import Vault
from projections.exports import codebook, report, snapshot
from projections.exports.aggregates import AGGREGATES, build_aggregates
from projections.exports.context import build_context
from projections.exports.datasets import DATASETS, build_datasets
from projections.exports.errors import ExportError
from projections.exports.ledger_point import ledger_point
from projections.exports.manifest import Manifest, write_manifest
from projections.exports.study import StudySecrets
from projections.exports.suppression import DEFAULT_K
from projections.exports.writing import Written, fingerprint, write_table
from projections.source import EventSource
from projections.store import ReadStore

Progress = Callable[[str, int, int], None]
"""Called with (what is being done, how much of it is done, out of how much)."""


@dataclass(frozen=True)
class ExportSources:
    """What an export reads: the live read store, the log, its chain, the keys."""

    read_store: ReadStore
    source: EventSource
    chain: ChainStore
    vault: Vault
    secrets: StudySecrets
    scratch: Callable[[], ReadStore]
    """A fresh, private store to replay into (a temporary SQLite file or PostgreSQL schema)."""


def export_evaluation(
    sources: ExportSources,
    study: str,
    out: Path,
    *,
    at_position: int | None = None,
    k: int = DEFAULT_K,
    progress: Progress | None = None,
) -> Manifest:
    def report_progress(what: str, done: int, total: int) -> None:
        if progress is not None:
            progress(what, done, total)

    if k < 1:
        raise ExportError("INVALID_K", "k must be at least 1", "k")
    pseudonyms = sources.secrets.pseudonymiser(study)
    _check_position(sources.source.head(), at_position)
    _check_empty(out)
    fixed = _snapshot(sources, at_position, report_progress)
    point = ledger_point(sources.chain, sources.source, fixed.position)
    as_at = None if point.recorded_at is None else point.recorded_at.astimezone(UTC).date()
    context = build_context(fixed, pseudonyms, sources.vault, as_at)
    data = build_datasets(context)
    written: list[Written] = []
    steps = len(DATASETS) + 2
    for done, (table, _) in enumerate(DATASETS):
        report_progress(f"writing {table.name}", done, steps)
        written += write_table(out, table, data[table.name])
    report_progress("aggregates and report", len(DATASETS), steps)
    aggregates = build_aggregates(data, k, as_at)
    for table in AGGREGATES:
        written += write_table(out, table, aggregates[table.name])
    tables = [t for t, _ in DATASETS]
    documents = {
        "codebook.md": codebook.as_markdown(tables, AGGREGATES),
        "codebook.json": codebook.as_json(tables, AGGREGATES),
        "report.html": report.render(
            study, fixed.position, point.chain_hash, k, aggregates, AGGREGATES
        ),
    }
    for name, text in documents.items():
        (out / name).write_text(text, encoding="utf-8")
        written.append(fingerprint(out, out / name))
    report_progress("manifest", steps - 1, steps)
    manifest = write_manifest(out, study, k, fixed, point, written)
    report_progress("done", steps, steps)
    return manifest


def _snapshot(
    sources: ExportSources, at_position: int | None, progress: Progress
) -> snapshot.Snapshot:
    if at_position is not None:
        return _replay(sources, at_position, progress)
    fixed = snapshot.live(sources.read_store)
    if fixed is not None:
        return fixed
    head = sources.source.head()
    return _replay(sources, snapshot.live_position(sources.read_store) or head, progress)


def _check_position(head: int, at_position: int | None) -> None:
    if at_position is not None and not 1 <= at_position <= head:
        msg = f"the position must be between 1 and the ledger's head, {head}"
        raise ExportError("INVALID_POSITION", msg, "at_position")


def _replay(sources: ExportSources, position: int, progress: Progress) -> snapshot.Snapshot:
    done = 0

    def replayed(read: int) -> None:
        nonlocal done
        done += read * len(snapshot.EXPORTED)
        progress("replaying the log", min(done, position), position)

    progress("replaying the log", 0, position)
    return snapshot.replayed(sources.source, sources.scratch, position, replayed)


def _check_empty(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExportError("OUT_NOT_EMPTY", f"{out} must be a new or empty directory", "out")
    out.mkdir(parents=True, exist_ok=True)
