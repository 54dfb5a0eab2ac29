"""Backup and restore round-trip the history, from either backend into a new SQLite instance:
the restored copy verifies, replays to the same read models, and keeps erased people erased."""

import base64
import gc
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.backup import BackupError, _Store, backup, restore
from api.bootstrap import Parcours, build
from api.settings import Environment, Settings
from api.simulation import simulate
from api.simulation.clock import SimulatedClock
from domain.ledger.chain.store import ChainedEvent, ChainStore
from domain.ledger.chain.tables import Reader, StoredTables
from domain.ledger.chain.verify import verify
from domain.ledger.receipt import Receipt
from projections.catalogue import PROJECTIONS
from projections.contents import served_contents
from tests.conftest import Instances, backend_settings
from tests.persistence.test_receipt_rows import older_store, retry_enrolment
from tests.support import Network, build_network


def test_a_restored_history_verifies_and_rebuilds_the_same_read_models(
    instances: Instances, tmp_path: Path
) -> None:
    clock = SimulatedClock()
    source = build(instances.settings, clock=clock)
    summary = simulate(source.ledger, clock, young_people=10, months=3, seed=5)
    source.projections.prepare()
    source.projections.catch_up()
    live = {p.name: served_contents(source.read_store, p) for p in PROJECTIONS}
    copy = tmp_path / "ledger.backup"
    made = backup(source, copy)
    source.close()

    target_settings = Settings(env=Environment.TEST, data_dir=tmp_path / "restored")
    target = build(target_settings)
    try:
        restored = restore(target, copy)
        target.projections.prepare()
        target.projections.catch_up()

        assert (restored.events, restored.links) == (made.events, made.links)
        assert restored.erasures_reapplied == len(summary.erased)
        assert verify(ChainStore(target.ledger.recorder)).intact
        rebuilt = {p.name: served_contents(target.read_store, p) for p in PROJECTIONS}
        assert rebuilt == live
        assert restore_refuses_a_second_time(target, copy)
    finally:
        target.close()


def restore_refuses_a_second_time(target: Parcours, copy: Path) -> bool:
    try:
        restore(target, copy)
    except BackupError:
        return True
    return False


@pytest.fixture
def other_backend(backend: str, tmp_path: Path) -> Iterator[Settings]:
    """An empty instance on the other backend: a backup made on one restores into either."""
    other = "sqlite" if backend == "postgres" else "postgres"
    with backend_settings(other, tmp_path / "restored") as made:
        yield made


def restored_copy(
    instances: Instances, tmp_path: Path, target_settings: Settings, older: bool
) -> tuple[Network, Parcours, UUID]:
    """A network with one enrolment by idempotency key, backed up and restored into an instance
    on the other backend; `older`: a store and a backup from before receipts were rows (the
    receipt an event, the backup without a receipts table)."""
    if older:
        network, enrolled = older_store(instances, "enrol-1")
        source = instances.start()
    else:
        source = instances.start()
        network = build_network(source.ledger, instances.clock)
        enrolled = network.enrol(idempotency_key="enrol-1")
    copy = tmp_path / "ledger.backup"
    assert backup(source, copy).receipts == 1
    if older:
        with sqlite3.connect(copy) as db:
            db.execute("DROP TABLE receipts")
    target = build(target_settings)
    assert restore(target, copy).receipts == 1
    return network, target, enrolled


@pytest.mark.parametrize("older", [False, True], ids=["receipts", "receipt-events"])
def test_a_retry_against_a_restored_copy_returns_the_first_outcome(
    instances: Instances, tmp_path: Path, other_backend: Settings, older: bool
) -> None:
    network, target, enrolled = restored_copy(instances, tmp_path, other_backend, older)
    try:
        events = target.ledger.recorder.max_notification_id()

        assert retry_enrolment(target, network, "enrol-1") == enrolled
        assert target.ledger.recorder.max_notification_id() == events
    finally:
        target.close()


def test_a_backup_reads_the_store_at_one_moment(instances: Instances) -> None:
    """What a backup copies — events, links, receipts — is read from one snapshot: a command
    recorded meanwhile is in it whole or not at all."""
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    tables = StoredTables.of(parcours.ledger.recorder)
    counts = [f"SELECT COUNT(*) FROM {table}" for table in (tables.events, tables.receipts)]

    with tables.snapshot() as read:
        before = [read(count, ())[0][0] for count in counts]
        network.enrol(idempotency_key="during-the-backup")
        during = [read(count, ())[0][0] for count in counts]

    assert during == before
    assert [tables.run(count)[0][0] for count in counts] == [before[0] + 1, before[1] + 1]


def test_a_store_holding_only_command_receipts_is_not_restored_into(
    instances: Instances, tmp_path: Path
) -> None:
    """A keyed command that decided nothing leaves a receipt and no event: the store is not
    empty, and a restore would collide with it halfway."""
    source = instances.start()
    build_network(source.ledger, instances.clock)
    copy = tmp_path / "ledger.backup"
    backup(source, copy)
    target = build(Settings(env=Environment.TEST, data_dir=tmp_path / "receipt-only"))
    try:
        target.ledger.recorder.insert_events(
            [], receipts=[Receipt(uuid4(), "enrol_young_person", None, uuid4())]
        )

        assert restore_refuses_a_second_time(target, copy)
        assert target.ledger.recorder.max_notification_id() is None
    finally:
        target.close()


def test_a_backup_and_a_verification_read_page_by_page_with_the_collector_paused(
    instances: Instances, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bulk reads of the whole log run with the cyclic collector paused, one page at a time
    (`domain/collector.py`), and leave it on."""
    gc.enable()
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    network.enrol()
    seen: list[bool] = []
    batches = _Store.batches

    def watched(store: _Store, read: Reader, statement: str) -> Iterator[list[tuple[Any, ...]]]:
        for rows in batches(store, read, statement):
            seen.append(gc.isenabled())
            yield rows

    monkeypatch.setattr(_Store, "batches", watched)
    chain = ChainStore(parcours.ledger.recorder)
    links = chain.links

    def watched_links(after_seq: int, limit: int) -> list[ChainedEvent]:
        seen.append(gc.isenabled())
        return links(after_seq, limit)

    monkeypatch.setattr(chain, "links", watched_links)

    backup(parcours, tmp_path / "ledger.backup")
    verdict = verify(chain)

    assert verdict.intact
    assert len(seen) >= 3  # events, links, and the verification's first page
    assert not any(seen)
    assert gc.isenabled()


def test_a_backup_that_does_not_verify_is_refused_before_anything_is_written(
    instances: Instances, tmp_path: Path
) -> None:
    """Restored first and verified after, an edited event came in with exit 0; the auditor
    had to think of running `audit verify` to learn of it."""
    source = instances.start()
    network = build_network(source.ledger, instances.clock)
    network.enrol()
    copy, edited = tmp_path / "ledger.backup", tmp_path / "edited.backup"
    backup(source, copy)
    edited.write_bytes(copy.read_bytes())
    with sqlite3.connect(edited) as db:
        db.execute("UPDATE events SET state = ? WHERE position = 3", (b'{"forged":1}',))
    target = build(Settings(env=Environment.TEST, data_dir=tmp_path / "restored"))
    try:
        with pytest.raises(BackupError, match="does not verify") as refused:
            restore(target, edited)
        written = _Store(target).count()
        again = restore(target, copy)
    finally:
        target.close()

    assert "position 3" in str(refused.value)
    assert written == 0
    assert again.events == 4


def test_a_restore_that_fails_halfway_leaves_an_empty_store_and_the_erased_unreadable(
    instances: Instances,
    tmp_path: Path,
    other_backend: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each batch was committed on its own and the erasures re-applied last: a failure left
    events without links (a second attempt refused: "not empty") beside an older key backup
    that opened an erased person's name again."""
    kek = base64.b64encode(os.urandom(32)).decode()
    source = build(instances.settings.model_copy(update={"master_key": kek}), clock=instances.clock)
    network = build_network(source.ledger, instances.clock)
    person = network.enrol()
    older_key = source.key_store.get(person)
    assert older_key is not None
    source.ledger.erase_young_person(network.admin, person, reason="art. 17")
    copy = tmp_path / "ledger.backup"
    backup(source, copy)
    source.close()
    target = build(other_backend.model_copy(update={"master_key": kek}))  # either backend
    target.key_store.put(person, *older_key)  # the key store restored from an older backup

    def full_disk(*_: object) -> None:
        raise OSError("no space left on device")

    try:
        with monkeypatch.context() as failing:
            failing.setattr(_Store, "load_receipts", full_disk)
            with pytest.raises(OSError, match="no space"):
                restore(target, copy)
        left = _Store(target).count(), ChainStore(target.ledger.recorder).count()
        key_after_failure = target.key_store.get(person)
        restored = restore(target, copy)
        name = target.ledger.vault.open(target.ledger.young_person(person).personal.first_name)
    finally:
        target.close()

    assert left == (0, 0)
    assert key_after_failure is None
    assert restored.erasures_reapplied == 1
    assert name is None, "the key is gone: the name cannot be opened"


@pytest.mark.parametrize(
    "content", [b"", b"not a backup at all\n", None], ids=["empty", "text", "other-sqlite"]
)
def test_a_file_that_is_no_backup_is_refused_naming_it(
    instances: Instances, tmp_path: Path, content: bytes | None
) -> None:
    """A text file, an empty one or another SQLite database ended the restore in a
    traceback (`no such table`, `file is not a database`)."""
    source = tmp_path / "not.backup"
    if content is None:
        with sqlite3.connect(source) as db:
            db.execute("CREATE TABLE notes (body TEXT)")
    else:
        source.write_bytes(content)
    target = instances.start()

    with pytest.raises(BackupError, match="is not a file made by `parcours backup`"):
        restore(target, source)

    assert _Store(target).count() == 0


def test_a_backup_into_a_missing_directory_is_refused_naming_it(
    instances: Instances, tmp_path: Path
) -> None:
    """It was answered "the ledger's database is unavailable": the failure was the file's."""
    source = instances.start()

    with pytest.raises(BackupError, match="is not a directory"):
        backup(source, tmp_path / "missing" / "ledger.backup")


def test_a_backup_that_fails_leaves_no_file_and_can_be_run_again(
    instances: Instances, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backup half written was left at `out`: a second attempt was refused ("exists"), and
    the half file could be taken for a whole backup."""
    source = instances.start()
    build_network(source.ledger, instances.clock).enrol()
    directory = tmp_path / "backups"
    directory.mkdir()
    out = directory / "ledger.backup"

    class DiskFullError(Exception):
        pass

    def disk_full(*args: object, **kwargs: object) -> None:
        raise DiskFullError

    with monkeypatch.context() as patched:
        patched.setattr("api.backup._copy_out", disk_full)
        with pytest.raises(DiskFullError):
            backup(source, out)
    left = sorted(p.name for p in directory.iterdir())
    report = backup(source, out)

    assert left == []
    assert report.events == 4
    assert out.is_file()


def test_a_restore_erases_an_erased_practice_note_again(
    instances: Instances, tmp_path: Path, other_backend: Settings
) -> None:
    """Only young people's erasures were re-applied: beside an older key backup, a note erased
    because it named a young person opened again from the restored events."""
    from domain.network.practice_note import PracticeNote  # noqa: PLC0415
    from domain.vocabulary import Domain  # noqa: PLC0415

    kek = base64.b64encode(os.urandom(32)).decode()
    source = build(instances.settings.model_copy(update={"master_key": kek}), clock=instances.clock)
    network = build_network(source.ledger, instances.clock)
    note = source.ledger.publish_practice_note(
        network.worker_a, title="Named a young person", body="by mistake", domains=(Domain.HOUSING,)
    )
    older_key = source.key_store.get(note)
    assert older_key is not None
    source.ledger.erase_practice_note(network.admin, note)
    copy = tmp_path / "ledger.backup"
    backup(source, copy)
    source.close()
    target = build(other_backend.model_copy(update={"master_key": kek}))
    target.key_store.put(note, *older_key)  # the key store restored from an older backup
    try:
        restored = restore(target, copy)
        found = target.ledger.load(PracticeNote, note, "note_id")
        title = target.ledger.vault.open(found.title)
    finally:
        target.close()

    assert restored.erasures_reapplied == 1
    assert title is None, "the note's key is gone again"


def test_a_backup_never_replaces_a_file_written_at_its_place_meanwhile(
    instances: Instances, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked absent at the start, `out` may be written by another backup before this one
    ends: renamed into place, this one replaced it."""
    source = instances.start()
    out = tmp_path / "ledger.backup"
    original = _Store.batches

    def meanwhile(*args: Any, **kwargs: Any) -> Any:
        if not out.exists():
            out.write_bytes(b"another backup")
        return original(*args, **kwargs)

    monkeypatch.setattr(_Store, "batches", meanwhile)

    with pytest.raises(BackupError, match="exists"):
        backup(source, out)

    assert out.read_bytes() == b"another backup"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_restore_loads_an_erased_subject_s_receipts_without_their_fingerprints(
    instances: Instances, tmp_path: Path, other_backend: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forgotten after the load was committed, a failure there left the fingerprints (a name
    and a date of birth, hashed) in the restored store, and a second restore was refused."""

    def store_down(subject: UUID) -> bool:
        raise OSError("the store is down")

    source = instances.start()
    network = build_network(source.ledger, instances.clock)
    person = network.enrol(idempotency_key="enrol-1")  # its receipt keeps a fingerprint
    with monkeypatch.context() as failing:  # the source's erasure cut short: fingerprints kept
        failing.setattr(source.ledger.receipts, "forget_fingerprints", store_down)
        with pytest.raises(OSError, match="store is down"):
            source.ledger.erase_young_person(network.admin, person, reason="art. 17")
    copy, again = tmp_path / "ledger.backup", tmp_path / "restored.backup"
    backup(source, copy)
    target = build(other_backend)
    try:
        with monkeypatch.context() as failing:
            failing.setattr(target.ledger, "forget", store_down)
            with pytest.raises(OSError, match="store is down"):
                restore(target, copy)
        backup(target, again)
    finally:
        target.close()

    def fingerprinted(path: Path) -> int:
        with sqlite3.connect(path) as held:
            found = held.execute("SELECT COUNT(*) FROM receipts WHERE command LIKE '%#%'")
            return int(found.fetchone()[0])

    assert fingerprinted(copy) > 0
    assert fingerprinted(again) == 0
