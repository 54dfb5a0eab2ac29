"""`parcours audit …`: prove the history unaltered, replay it, read who did what.

These commands read the stored bytes; none of them needs or prints personal data.
"""

import base64
import json
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated
from uuid import UUID

import psycopg
import typer
from psycopg import sql
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.audit_trail import audit_page
from api.bootstrap import Parcours, audit_key_path, ensure_schema
from api.cli.app import app, err, opened, out
from api.settings import Settings
from domain.ledger.chain import checkpoints
from domain.ledger.chain.snapshots import SnapshotCheck, check_snapshots
from domain.ledger.chain.store import ChainStore
from domain.ledger.chain.verify import Verdict, verify
from projections.catalogue import PROJECTIONS
from projections.replay import replay
from projections.store import PostgresReadStore, ReadStore, SQLiteReadStore

audit_app = typer.Typer(help="Tamper evidence, replay and the audit trail.")
app.add_typer(audit_app, name="audit")


def _bar(what: str) -> Progress:
    return Progress(
        TextColumn(what),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


@audit_app.command("checkpoint")
def checkpoint(
    out_dir: Annotated[Path, typer.Option("--out", help="Directory outside the database.")],
) -> None:
    """Sign the chain's current head (Ed25519) into a file kept outside the database, once
    the chain verifies against the checkpoints already there: signing a head blindly would
    vouch for whatever was tampered with and recomputed since the last one."""
    if out_dir.exists() and not out_dir.is_dir():
        err.print(f"[red]error[/red]: --out: {escape(str(out_dir))} is not a directory")
        raise typer.Exit(2)
    with opened() as parcours:
        store = ChainStore(parcours.ledger.recorder)
        head = store.head()
        if head is None:
            err.print("[red]error[/red]: the ledger is empty: nothing to checkpoint")
            raise typer.Exit(2)
        key = checkpoints.signing_key(audit_key_path(parcours.settings))
        earlier = (
            _read_checkpoints("--out", lambda: checkpoints.read_all(out_dir, key.public_key()))
            if out_dir.is_dir()
            else []
        )
        verdict = _verified(store, earlier)
        if not verdict.intact:
            err.print(f"[red]TAMPERED[/red]: first bad {escape(str(verdict.first))}")
            err.print("no checkpoint signed: the chain does not verify")
            raise typer.Exit(1)
        seq, position, digest = verdict.head_seq, verdict.head_position, verdict.head_hash
        made = checkpoints.Checkpoint(seq, position, digest, checkpoints.now_text())
        path = checkpoints.write(made, key, out_dir)
    out.print(f"checkpoint at link {seq} (position {position}): {escape(str(path))}")


@audit_app.command("verify")
def verify_command(
    checkpoint_dir: Annotated[
        Path | None, typer.Option("--checkpoints", help="Directory of signed checkpoints.")
    ] = None,
) -> None:
    """Recompute the hash chain; exit 1 naming the first bad position."""
    with opened() as parcours:
        store = ChainStore(parcours.ledger.recorder)
        known = _checkpoints(parcours, checkpoint_dir)
        verdict = _verified(store, known)
        snapshots = _snapshots_checked(parcours)
    if verdict.intact and not snapshots.altered:
        out.print(
            f"intact: {verdict.checked} events, head link {verdict.head_seq} "
            f"{verdict.head_hash.hex()}, {len(known)} checkpoint(s) matched; "
            f"{snapshots.sealed} snapshot(s) sealed, {snapshots.unverifiable} not verifiable"
            " (folded from the events when loaded)"
        )
        return
    if not verdict.intact:
        err.print(f"[red]TAMPERED[/red]: first bad {escape(str(verdict.first))}")
        for finding in verdict.findings[1:10]:
            err.print(f"  also: {escape(str(finding))}")
    for stream, version in snapshots.altered[:10]:
        err.print(
            f"[red]TAMPERED[/red]: the snapshot of {stream} at version {version} was altered"
            " (not used: loads fold the events)"
        )
    raise typer.Exit(1)


def _snapshots_checked(parcours: Parcours) -> SnapshotCheck:
    snapshots = parcours.ledger.snapshots
    if snapshots is None:
        return SnapshotCheck()
    return check_snapshots(snapshots.recorder, parcours.ledger.vault.snapshot_seal())


def _verified(store: ChainStore, known: list[checkpoints.Checkpoint]) -> Verdict:
    with _bar("verifying") as bar:
        task = bar.add_task("chain", total=store.count())
        return verify(store, known, progress=lambda n: bar.advance(task, n))


def _checkpoints(parcours: Parcours, directory: Path | None) -> list[checkpoints.Checkpoint]:
    if directory is None:
        return []
    return _read_checkpoints(
        "--checkpoints",
        lambda: checkpoints.read_given(
            directory, checkpoints.verifying_key(audit_key_path(parcours.settings))
        ),
    )


def _read_checkpoints(
    option: str, read: Callable[[], list[checkpoints.Checkpoint]]
) -> list[checkpoints.Checkpoint]:
    """The checkpoints `read` finds; one that cannot be trusted stops the command (exit 2)."""
    try:
        return read()
    except checkpoints.CheckpointError as error:
        err.print(f"[red]error[/red]: {option}: {escape(str(error))}")
        raise typer.Exit(2) from None


@audit_app.command("replay")
def replay_command() -> None:
    """Rebuild every projection from the log into a scratch store; compare row by row."""
    with opened() as parcours, _scratch(parcours.settings) as factory:
        total = parcours.projections.source.head() * len(PROJECTIONS)
        with _bar("replaying") as bar:
            task = bar.add_task("replay", total=total)
            report = replay(
                parcours.read_store,
                parcours.projections.source,
                PROJECTIONS,
                factory,
                progress=lambda n: bar.advance(task, n),
            )
    if report.equal:
        out.print(f"replay equals live at position {report.position} ({report.events} events)")
        return
    for difference in report.differences:
        err.print(f"[red]differs[/red]: {escape(str(difference))}")
    raise typer.Exit(1)


@contextmanager
def _scratch(settings: Settings) -> Iterator[Callable[[], ReadStore]]:
    """A store of the live one's kind, private to the replay, removed afterwards."""
    if settings.database_url is None:
        directory = Path(tempfile.mkdtemp(prefix="parcours-replay-"))
        try:
            yield lambda: SQLiteReadStore(directory / "replay.sqlite")
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return
    url = settings.database_url
    schema = f"replay_{uuid.uuid4().hex[:12]}"
    ensure_schema(url, schema)
    try:
        yield lambda: PostgresReadStore(url, schema, pool_size=2)
    finally:
        with psycopg.connect(url, autocommit=True) as db:
            db.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@audit_app.command("trail")
def trail(
    stream: Annotated[str | None, typer.Option(help="Only this stream (a UUID).")] = None,
    first: Annotated[int, typer.Option(help="How many events.", min=1, max=500)] = 100,
) -> None:
    """Who did what and when: position, stream, version, type, time, actor, hash."""
    with opened() as parcours:
        page = audit_page(parcours.ledger, _stream(stream), first, None)
    for _, record in page.items:
        out.print(
            f"{record.position}\t{record.stream_id}\tv{record.version}\t{record.type}\t"
            f"{record.recorded_at.isoformat()}\t{record.actor_user_id or '-'}\t"
            f"{record.actor_association_id or '-'}\t{record.hash}",
            markup=False,  # the data as it is: a user id may hold brackets
        )


@audit_app.command("dump")
def dump(
    stream: Annotated[str, typer.Option(help="The stream (a UUID) to dump.")],
) -> None:
    """The stream's stored events as JSON lines, each with its chain link, to check by hand:
    `link_hash(seq, stream, version, topic, state, previous_hash)` must give `chain_hash`."""
    stream_id = _stream(stream)
    assert stream_id is not None
    with opened() as parcours:
        chain = ChainStore(parcours.ledger.recorder)
        page = audit_page(parcours.ledger, stream_id, 500, None)
        for _, record in page.items:
            [stored] = parcours.ledger.recorder.select_events(
                stream_id, gt=record.version - 1, lte=record.version
            )
            link = chain.link_for_position(record.position)
            previous = None if link is None else chain.link_at(link.seq - 1)
            typer.echo(
                json.dumps(
                    {
                        "position": record.position,
                        "stream_id": record.stream_id,
                        "version": record.version,
                        "topic": stored.topic,
                        "state_base64": base64.b64encode(bytes(stored.state)).decode("ascii"),
                        "chain_seq": None if link is None else link.seq,
                        "chain_hash": None if link is None else link.hash.hex(),
                        "previous_hash": None if previous is None else previous.hex(),
                    }
                )
            )


def _stream(value: str | None) -> UUID | None:
    if value is None:
        return None
    try:
        return UUID(value)
    except ValueError:
        err.print("[red]error[/red]: --stream: not a stream id (a UUID)")
        raise typer.Exit(2) from None
