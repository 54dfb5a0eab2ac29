"""`export_evaluation`: one pseudonymised, reproducible evaluation export, start to finish.

The order matters for trust: the study is checked before anything is read (an unknown study
costs nothing); the read models are fixed at one ledger position (live or replayed) and copied,
batch by batch, into a private staging database, erased young people dropped once on the way
in; every dataset is then built there, aggregates from those datasets, and the files written
from them, then the report and the codebook, and the manifest last, over the bytes actually
written. Everything is written into a private directory inside `out` and moved up once the
manifest is written, the manifest last: an export that fails (a full disk) leaves `out` as
empty as it found it, and can simply be run again. The report's plots (matplotlib, pure
Python) are drawn in a thread while DuckDB writes the dataset files outside the interpreter's
lock, so they cost little extra time.
"""

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC
from functools import partial
from pathlib import Path
from uuid import uuid4

from domain.ledger.chain.store import ChainStore
from domain.privacy.vault import Vault
from projections.exports import codebook, report, snapshot
from projections.exports.aggregates import AGGREGATES, tally_aggregates
from projections.exports.datasets import DATASETS, build_dataset, staged
from projections.exports.errors import ExportError
from projections.exports.ledger_point import ledger_point
from projections.exports.manifest import Manifest, write_manifest
from projections.exports.pseudonyms import Pseudonymiser
from projections.exports.staging import Staging, staging
from projections.exports.streaming import KEPT, stage_sources
from projections.exports.study import StudySecrets
from projections.exports.suppression import DEFAULT_K
from projections.exports.writing import Written, fingerprint, write_dataset, write_table
from projections.source import EventSource
from projections.store import ReadStore

Progress = Callable[[str, int, int], None]
"""Called with (what is being done, how much of it is done, out of how much)."""
Disclosed = Callable[[int, list[str]], None]
"""Told the export's position and the young people whose rows it holds, before its files are
put in place: an export whose disclosure cannot be recorded is not handed out."""


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
    disclosed: Disclosed,
) -> Manifest:
    def report_progress(what: str, done: int, total: int) -> None:
        if progress is not None:
            progress(what, done, total)

    if k < 1:
        raise ExportError("INVALID_K", "k must be at least 1", "k")
    pseudonyms = sources.secrets.pseudonymiser(study)
    _check_position(sources.source.head(), at_position)
    _check_empty(out)
    partial = out / f".partial-{uuid4().hex[:12]}"
    partial.mkdir()
    try:
        written, position, people = _export(
            sources, study, partial, at_position, k, pseudonyms, report_progress
        )
        disclosed(position, people)
        _move_up(partial, written.path.name)
    except BaseException:
        _empty(out)
        raise
    report_progress("done", len(DATASETS) + 2, len(DATASETS) + 2)
    return replace(written, path=out / written.path.name)


def _move_up(partial: Path, manifest: str) -> None:
    """Moves the finished export from its private directory inside `out` into `out`, the
    manifest last, so a reader never sees a manifest before its files (renames within one
    directory: `out` may be `.`, a symlink or a mount point, which cannot be renamed over)."""
    out = partial.parent
    for entry in sorted(partial.iterdir(), key=lambda p: p.name == manifest):
        entry.rename(out / entry.name)
    partial.rmdir()


def _empty(out: Path) -> None:
    """A failed export takes everything it wrote with it: `out` was empty before it."""
    for entry in out.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _export(
    sources: ExportSources,
    study: str,
    out: Path,
    at_position: int | None,
    k: int,
    pseudonyms: Pseudonymiser,
    report_progress: Progress,
) -> tuple[Manifest, int, list[str]]:
    """The export, written into `out` (a private directory the caller renames into place), its
    position and the young people whose rows it holds."""
    with staging() as work:
        sink = partial(stage_sources, staging=work, vault=sources.vault)
        fixed = _snapshot(sources, at_position, report_progress, sink)
        point = ledger_point(sources.chain, sources.source, fixed.position)
        as_at = None if point.recorded_at is None else point.recorded_at.astimezone(UTC).date()
        steps = len(DATASETS) + 2
        for done, (table, query) in enumerate(DATASETS):
            report_progress(f"preparing {table.name}", done, steps)
            build_dataset(work, table, query, pseudonyms, as_at)
        aggregates = tally_aggregates(work, k, as_at)
        with ThreadPoolExecutor(max_workers=1) as drawing:
            html = drawing.submit(
                report.render, study, fixed.position, point.chain_hash, k, aggregates, AGGREGATES
            )
            written = _write_datasets(work, out, report_progress, steps)
            report_progress("aggregates and report", len(DATASETS), steps)
            for table in AGGREGATES:
                written += write_table(out, table, aggregates[table.name])
            documents = _documents(html.result())
        people = [
            str(row[0]) for row in work.db.execute(f"SELECT young_person_id FROM {KEPT}").fetchall()
        ]
    for name, text in documents.items():
        (out / name).write_text(text, encoding="utf-8")
        written.append(fingerprint(out, out / name))
    report_progress("manifest", steps - 1, steps)
    return write_manifest(out, study, k, fixed, point, written), fixed.position, people


def _write_datasets(work: Staging, out: Path, progress: Progress, steps: int) -> list[Written]:
    written: list[Written] = []
    for done, (table, _) in enumerate(DATASETS):
        progress(f"writing {table.name}", done, steps)
        written += write_dataset(out, table, work, staged(table))
    return written


def _documents(report_html: str) -> dict[str, str]:
    tables = [t for t, _ in DATASETS]
    return {
        "codebook.md": codebook.as_markdown(tables, AGGREGATES),
        "codebook.json": codebook.as_json(tables, AGGREGATES),
        "report.html": report_html,
    }


def _snapshot(
    sources: ExportSources, at_position: int | None, progress: Progress, sink: snapshot.Sink
) -> snapshot.Snapshot:
    if at_position is not None:
        return _replay(sources, at_position, progress, sink)
    fixed = snapshot.live(sources.read_store, sink)
    if fixed is not None:
        return fixed
    head = sources.source.head()
    return _replay(sources, snapshot.live_position(sources.read_store) or head, progress, sink)


def _check_position(head: int, at_position: int | None) -> None:
    if at_position is not None and not 1 <= at_position <= head:
        msg = f"the position must be between 1 and the ledger's head, {head}"
        raise ExportError("INVALID_POSITION", msg, "at_position")


def _replay(
    sources: ExportSources, position: int, progress: Progress, sink: snapshot.Sink
) -> snapshot.Snapshot:
    done = 0

    def replayed(read: int) -> None:
        nonlocal done
        done += read * len(snapshot.EXPORTED)
        progress("replaying the log", min(done, position), position)

    progress("replaying the log", 0, position)
    return snapshot.replayed(sources.source, sources.scratch, position, sink, replayed)


def _check_empty(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        msg = f"{out} must be a new or empty directory"
        if out.is_dir() and all(p.name.startswith(".partial-") for p in out.iterdir()):
            # An export killed before it could clean up: said so, not removed (another export
            # may be writing there right now).
            msg += " (it holds what an interrupted export left, .partial-*: remove it)"
        raise ExportError("OUT_NOT_EMPTY", msg, "out")
    out.mkdir(parents=True, exist_ok=True)
