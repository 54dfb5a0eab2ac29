"""Tamper evidence on both backends: an untouched ledger verifies; every kind of tampering is
caught and the first bad position is named."""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import IntegrityError, StoredEvent

from api.bootstrap import Parcours
from api.settings import Settings
from domain.ledger.chain import checkpoints
from domain.ledger.chain.links import link_hash
from domain.ledger.chain.store import ChainStore
from domain.ledger.chain.verify import Verdict, verify
from domain.vocabulary import Domain
from tests.conftest import Instances
from tests.support import build_network


@contextmanager
def raw(settings: Settings) -> Iterator[Callable[..., list[Any]]]:
    """Direct SQL on the event store, as an intruder with database access would have."""
    if settings.database_url is None:
        db = sqlite3.connect(Path(settings.data_dir) / "ledger.sqlite", isolation_level=None)
        try:
            yield lambda q, *p: db.execute(
                q.replace("{events}", "stored_events")
                .replace("{pos}", "rowid")
                .replace("{chain}", "event_chain"),
                p,
            ).fetchall()
        finally:
            db.close()
        return
    schema = settings.database_schema
    with psycopg.connect(settings.database_url, autocommit=True) as pg:

        def run(q: str, *p: object) -> list[Any]:
            cursor = pg.execute(
                q.replace("{events}", f'"{schema}".ledger_events')
                .replace("{pos}", "notification_id")
                .replace("{chain}", f'"{schema}".event_chain')
                .replace("?", "%s"),
                p,
            )
            return cursor.fetchall() if cursor.description else []

        yield run


@pytest.fixture
def ledger(instances: Instances) -> Parcours:
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    people = [network.enrol() for _ in range(3)]
    for day, person in enumerate(people * 3):
        parcours.ledger.record_intervention(
            network.worker_a,
            person,
            domain=Domain.EDUCATION,
            kind="tutoring",
            occurred_at=instances.clock.now - timedelta(days=day),
            summary=f"visit {day}",
        )
    return parcours


def check(parcours: Parcours, points: list[checkpoints.Checkpoint] | None = None) -> Verdict:
    return verify(ChainStore(parcours.ledger.recorder), points or [])


def checkpoint_now(parcours: Parcours) -> checkpoints.Checkpoint:
    head = ChainStore(parcours.ledger.recorder).head()
    assert head is not None
    return checkpoints.Checkpoint(head[0], head[1], head[2], checkpoints.now_text())


def test_an_untouched_ledger_verifies(ledger: Parcours) -> None:
    verdict = check(ledger, [checkpoint_now(ledger)])

    assert verdict.intact
    assert verdict.checked == 3 + 3 + 9
    assert verdict.head_seq == 15


def test_an_edited_event_is_named(ledger: Parcours, instances: Instances) -> None:
    with raw(instances.settings) as sql:
        sql("UPDATE {events} SET state = ? WHERE {pos} = 7", b'{"forged":true}')

    verdict = check(ledger)

    assert verdict.first is not None
    assert (verdict.first.position, "edited" in verdict.first.problem) == (7, True)


def test_a_deleted_event_is_named(ledger: Parcours, instances: Instances) -> None:
    with raw(instances.settings) as sql:
        sql("DELETE FROM {events} WHERE {pos} = 9")

    verdict = check(ledger)

    assert verdict.first is not None
    assert verdict.first.position == 9
    assert "deleted" in verdict.first.problem


def test_a_deleted_event_and_its_link_are_named(ledger: Parcours, instances: Instances) -> None:
    with raw(instances.settings) as sql:
        sql("DELETE FROM {events} WHERE {pos} = 9")
        sql("DELETE FROM {chain} WHERE position = 9")

    verdict = check(ledger)

    assert verdict.first is not None
    assert verdict.first.position == 10
    assert "missing" in verdict.first.problem


def test_an_inserted_event_is_named(ledger: Parcours, instances: Instances) -> None:
    with raw(instances.settings) as sql:
        stream = uuid4()
        key: object = stream.hex if instances.settings.database_url is None else stream
        sql(
            "INSERT INTO {events} (originator_id, originator_version, topic, state)"
            " VALUES (?, 1, 'domain.network.association:Association.Registered', ?)",
            key,
            b"{}",
        )
        [[position]] = sql("SELECT MAX({pos}) FROM {events}")

    verdict = check(ledger)

    assert verdict.first is not None
    assert verdict.first.position == position
    assert "inserted" in verdict.first.problem


def test_an_event_slipped_in_with_a_link_numbered_outside_the_sequence_is_named(
    ledger: Parcours, instances: Instances
) -> None:
    """A forged intervention as the next version of a case, linked as link 0: the walk from
    link 1 never meets it, and it does not count as unchained since a link points at it."""
    with raw(instances.settings) as sql:
        [[stream, version, topic, state]] = sql(
            "SELECT originator_id, originator_version, topic, state FROM {events}"
            " WHERE {pos} = (SELECT MAX({pos}) FROM {events})"
        )
        sql(
            "INSERT INTO {events} (originator_id, originator_version, topic, state)"
            " VALUES (?, ?, ?, ?)",
            stream,
            version + 1,
            topic,
            bytes(state),
        )
        [[position]] = sql("SELECT MAX({pos}) FROM {events}")
        sql("INSERT INTO {chain} VALUES (0, ?, ?, ?, ?)", position, stream, version + 1, bytes(32))

    verdict = check(ledger)

    assert verdict.first is not None
    assert (verdict.first.position, verdict.first.seq) == (position, 0)
    assert "outside the sequence" in verdict.first.problem


def test_a_head_moved_to_another_position_is_caught_by_a_checkpoint(
    ledger: Parcours, instances: Instances
) -> None:
    """A link's hash does not cover its position: the last event and its link moved from
    position 15 to 1000 still chain, and only the signed position tells (consumers that
    read by position would process the event again)."""
    point = checkpoint_now(ledger)
    with raw(instances.settings) as sql:
        sql("UPDATE {events} SET {pos} = 1000 WHERE {pos} = 15")
        sql("UPDATE {chain} SET position = 1000 WHERE seq = 15")

    without = check(ledger)
    verdict = check(ledger, [point])

    assert without.intact
    assert verdict.first is not None
    assert verdict.first.seq == 15
    assert "differs from the signed checkpoint" in verdict.first.problem


def test_reordered_events_are_named(ledger: Parcours, instances: Instances) -> None:
    with raw(instances.settings) as sql:
        rows = sql("SELECT {pos}, topic, state FROM {events} WHERE {pos} IN (5, 6) ORDER BY 1")
        (_, topic5, state5), (_, topic6, state6) = rows
        sql("UPDATE {events} SET topic = ?, state = ? WHERE {pos} = 5", topic6, bytes(state6))
        sql("UPDATE {events} SET topic = ?, state = ? WHERE {pos} = 6", topic5, bytes(state5))

    verdict = check(ledger)

    assert verdict.first is not None
    assert verdict.first.position == 5


def test_a_truncated_tail_is_caught_by_a_checkpoint(ledger: Parcours, instances: Instances) -> None:
    point = checkpoint_now(ledger)
    with raw(instances.settings) as sql:
        sql("DELETE FROM {events} WHERE {pos} > 12")
        sql("DELETE FROM {chain} WHERE seq > 12")

    without = check(ledger)
    verdict = check(ledger, [point])

    assert without.intact, "without a checkpoint a clean truncation cannot be seen"
    assert verdict.first is not None
    assert verdict.first.seq == 15
    assert "truncated" in verdict.first.problem


def test_a_recomputed_chain_is_caught_by_a_checkpoint(
    ledger: Parcours, instances: Instances
) -> None:
    point = checkpoint_now(ledger)
    with raw(instances.settings) as sql:
        sql("UPDATE {events} SET state = ? WHERE {pos} = 4", b'{"forged":true}')
        rows = sql(
            "SELECT c.seq, e.originator_id, e.originator_version, e.topic, e.state"
            " FROM {chain} c JOIN {events} e ON e.{pos} = c.position ORDER BY c.seq"
        )
        previous = bytes(32)
        for seq, stream, version, topic, state in rows:
            from uuid import UUID  # noqa: PLC0415

            previous = link_hash(seq, UUID(str(stream)), version, topic, bytes(state), previous)
            sql("UPDATE {chain} SET hash = ? WHERE seq = ?", previous, seq)

    without = check(ledger)
    verdict = check(ledger, [point])

    assert without.intact, "a recomputed chain is consistent with itself"
    assert verdict.first is not None
    assert "recomputed" in verdict.first.problem


def test_a_checkpoint_signed_by_another_key_is_refused(tmp_path: Path, ledger: Parcours) -> None:
    ours, theirs = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    checkpoints.write(checkpoint_now(ledger), theirs, tmp_path)

    with pytest.raises(checkpoints.CheckpointError, match="not signed"):
        checkpoints.read_all(tmp_path, ours.public_key())

    checkpoints.write(checkpoint_now(ledger), ours, tmp_path / "good")
    assert [c.seq for c in checkpoints.read_all(tmp_path / "good", ours.public_key())] == [15]


@pytest.mark.parametrize("events", [1, 2, 3, 17])
def test_appends_of_any_size_chain_every_event_in_position_order(
    instances: Instances, events: int
) -> None:
    """PostgreSQL's append links one or two events (plain parameters) row by row and more
    (arrays) in one statement each; the links must be the verifier's (Python's `link_hash`) in
    both, in position order."""
    parcours = instances.start()
    build_network(parcours.ledger, instances.clock)
    before = ChainStore(parcours.ledger.recorder).head()
    assert before is not None
    stored = [
        StoredEvent(uuid4(), 1, f"tests.Appended{n}", f'{{"n": {n}}}'.encode())
        for n in range(events)
    ]

    positions = parcours.ledger.recorder.insert_events(stored)

    assert positions is not None
    assert list(positions) == sorted(positions)
    verdict = check(parcours)
    assert verdict.intact
    assert verdict.head_seq == before[0] + events
    links = ChainStore(parcours.ledger.recorder).links(before[0], events)
    assert [(link.position, link.stream_id) for link in links] == [
        (p, e.originator_id) for p, e in zip(positions, stored, strict=True)
    ]


@pytest.mark.parametrize("events", [2, 3])
def test_an_append_that_collides_writes_none_of_its_events(
    instances: Instances, events: int
) -> None:
    """Both append paths are one transaction: the last event colliding with a stored one
    leaves neither the events before it nor any link behind."""
    parcours = instances.start()
    build_network(parcours.ledger, instances.clock)
    recorder = parcours.ledger.recorder
    taken = StoredEvent(uuid4(), 1, "tests.Taken", b'{"taken": true}')
    recorder.insert_events([taken])
    head = ChainStore(recorder).head()
    fresh = [StoredEvent(uuid4(), 1, f"tests.Fresh{n}", b"{}") for n in range(events - 1)]

    with pytest.raises(IntegrityError):
        recorder.insert_events([*fresh, taken])

    assert ChainStore(recorder).head() == head
    assert all(recorder.select_events(e.originator_id) == [] for e in fresh)
    assert check(parcours).intact


def test_a_checkpoint_or_a_signing_key_cut_short_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written in place, a full disk left an empty key or half a checkpoint, which stopped
    every later checkpoint and verification; no rerun replaced them."""
    key_path, witness = tmp_path / "audit-signing.key", tmp_path / "witness"
    witness.mkdir()
    first = checkpoints.Checkpoint(1, 1, b"\x01" * 32, checkpoints.now_text())
    second = checkpoints.Checkpoint(2, 2, b"\x02" * 32, checkpoints.now_text())

    def disk_full(descriptor: int) -> None:
        raise OSError("No space left on device")

    with monkeypatch.context() as failing:
        failing.setattr("domain.durable_files.os.fsync", disk_full)
        with pytest.raises(OSError, match="No space"):
            checkpoints.signing_key(key_path)
    assert list(tmp_path.iterdir()) == [witness]

    key = checkpoints.signing_key(key_path)
    checkpoints.write(first, key, witness)
    with monkeypatch.context() as failing:
        failing.setattr("domain.durable_files.os.fsync", disk_full)
        with pytest.raises(OSError, match="No space"):
            checkpoints.write(second, key, witness)

    assert [c.seq for c in checkpoints.read_all(witness, key.public_key())] == [1]
    assert sorted(p.name for p in witness.iterdir()) == [f"{1:012d}{checkpoints.SUFFIX}"]
    checkpoints.write(second, key, witness)
    assert [c.seq for c in checkpoints.read_all(witness, key.public_key())] == [1, 2]
