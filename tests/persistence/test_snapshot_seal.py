"""Snapshots are outside the hash chain, and commands decide on what they load: a snapshot
whose seal does not verify is not trusted, on both backends (`snapshot_seal.py`)."""

import base64
import os
from uuid import uuid4

import pytest
from typer.testing import CliRunner

from api.bootstrap import Parcours, build
from api.cli import app
from domain.errors import NotPermitted
from domain.ledger.chain.snapshots import check_snapshots
from domain.ledger.encoding import SNAPSHOT_INTERVAL
from domain.privacy.keyring import KeyEncryptionKey, Keyring
from domain.privacy.snapshot_seal import MARK, SnapshotRefused, SnapshotSeal
from tests.conftest import Instances, cli_environment
from tests.domain.givens import intervention
from tests.persistence.test_chain import raw
from tests.support import Network, build_network


def long_case(parcours: Parcours, instances: Instances) -> tuple[Network, object]:
    network = build_network(parcours.ledger, instances.clock)
    person = network.enrol()
    for _ in range(SNAPSHOT_INTERVAL + 2):
        intervention(network, network.worker_a, person)
    return network, person


def snapshots_table(parcours: Parcours) -> str:
    assert parcours.ledger.snapshots is not None
    table = str(parcours.ledger.snapshots.recorder.events_table_name)  # type: ignore[attr-defined]
    schema = parcours.settings.database_schema
    return table if parcours.settings.database_url is None else f'"{schema}".{table}'


def test_a_rewritten_snapshot_is_not_trusted_and_commands_decide_on_the_events(
    instances: Instances,
) -> None:
    """Rewritten to make B the case's lead, a snapshot let B's worker propose a handover of
    a case B does not lead — a properly chained event on forged state, which `audit verify`
    could not tell."""
    parcours = instances.start()
    network, person = long_case(parcours, instances)
    table = snapshots_table(parcours)
    with raw(instances.settings) as sql:
        [[state]] = sql(f"SELECT state FROM {table}")
        stored = bytes(state)
        forged = stored.replace(network.a.hex.encode(), network.b.hex.encode())
        sql(f"UPDATE {table} SET state = ?", forged)

    elsewhere = instances.start()  # a process that has not the case in memory
    loaded = elsewhere.ledger.young_person(person)  # type: ignore[arg-type]

    assert stored.startswith(MARK)
    assert forged != stored
    assert loaded.lead_association_id == network.a
    assert loaded.version == SNAPSHOT_INTERVAL + 3
    with pytest.raises(NotPermitted):
        elsewhere.ledger.propose_handover(
            network.worker_b,
            person,  # type: ignore[arg-type]
            to_association_id=network.c,
        )


def test_a_snapshot_sealed_under_a_retired_kek_is_folded_from_the_events(
    instances: Instances,
) -> None:
    """After a KEK rotation and the old KEK's destruction, no snapshot verifies any more:
    loads fold the events (the snapshot is only an optimisation), they do not fail."""
    old, new = base64.b64encode(os.urandom(32)).decode(), base64.b64encode(os.urandom(32)).decode()
    before = instances.settings.model_copy(update={"master_key": old, "master_key_id": "kek-1"})
    parcours = build(before, clock=instances.clock)
    try:
        network, person = long_case(parcours, instances)
        live = parcours.ledger.young_person(person)  # type: ignore[arg-type]
    finally:
        parcours.close()
    after = before.model_copy(update={"master_key": new, "master_key_id": "kek-2"})
    rotated = build(after, clock=instances.clock)
    try:
        loaded = rotated.ledger.young_person(person)  # type: ignore[arg-type]
    finally:
        rotated.close()

    assert (loaded.version, loaded.lead_association_id) == (live.version, network.a)


def test_a_seal_opens_only_what_it_sealed_where_it_sealed_it() -> None:
    kek = KeyEncryptionKey("kek-1", os.urandom(32))
    seal = SnapshotSeal(Keyring(kek))
    stream, topic = uuid4(), "domain.case_file.young_person:YoungPerson.Snapshot"
    sealed = seal.seal(stream, 100, topic, b'{"lead":"a"}')

    assert seal.open(stream, 100, topic, sealed) == b'{"lead":"a"}'
    for where, altered, why in [
        ((stream, 100, topic), sealed.replace(b'"a"', b'"b"'), "altered"),
        ((stream, 400, topic), sealed, "moved"),
        ((uuid4(), 100, topic), sealed, "moved"),
        ((stream, 100, "other:Topic"), sealed, "moved"),
        ((stream, 100, topic), sealed[:-1], "altered"),
        ((stream, 100, topic), MARK, "cut short"),
        ((stream, 100, topic), MARK + b"\x05kek-1", "cut short"),
        ((stream, 100, topic), b'{"lead":"a"}', "no seal"),
    ]:
        with pytest.raises(SnapshotRefused, match=why):
            seal.open(*where, altered)
    other = SnapshotSeal(Keyring(KeyEncryptionKey("kek-2", os.urandom(32))))
    with pytest.raises(SnapshotRefused, match="no longer held"):
        other.open(stream, 100, topic, sealed)


def test_a_genuine_snapshot_moved_to_the_head_or_to_another_case_is_not_trusted(
    instances: Instances,
) -> None:
    """The seal covered the state alone: moved to its case's head version, a genuine old
    snapshot hid every event after it; moved into another case, it replaced that case."""
    parcours = instances.start()
    network, person = long_case(parcours, instances)
    other = network.enrol(first_name="Sami")
    table = snapshots_table(parcours)
    other_key: object = other.hex if instances.settings.database_url is None else other
    with raw(instances.settings) as sql:
        sql(f"UPDATE {table} SET originator_version = ?", SNAPSHOT_INTERVAL + 2)
    moved_up = len(instances.start().ledger.young_person(person).interventions)  # type: ignore[arg-type]
    with raw(instances.settings) as sql:
        sql(f"UPDATE {table} SET originator_id = ?, originator_version = 1", other_key)
    elsewhere = instances.start()
    moved_across = elsewhere.ledger.young_person(other)
    snapshots = elsewhere.ledger.snapshots
    assert snapshots is not None
    check = check_snapshots(snapshots.recorder, elsewhere.ledger.vault.snapshot_seal())

    assert moved_up == SNAPSHOT_INTERVAL + 2, "every intervention is there, none hidden"
    assert moved_across.version == 1
    assert check.altered == [(other, 1)]


def test_audit_verify_names_an_altered_snapshot(instances: Instances) -> None:
    """Loads never use it, but an altered snapshot is evidence of a write behind the ledger's
    back: the auditor hears of it, with the stream and the version."""
    parcours = instances.start()
    network, person = long_case(parcours, instances)
    environment = cli_environment(instances.settings)
    before = CliRunner().invoke(app, ["audit", "verify"], env=environment)
    table = snapshots_table(parcours)
    with raw(instances.settings) as sql:
        [[state]] = sql(f"SELECT state FROM {table}")
        forged = bytes(state).replace(network.a.hex.encode(), network.b.hex.encode())
        sql(f"UPDATE {table} SET state = ?", forged)

    after = CliRunner().invoke(app, ["audit", "verify"], env=environment)

    assert before.exit_code == 0, before.output
    assert "1 snapshot(s) sealed, 0 not verifiable" in before.output
    assert after.exit_code == 1
    assert f"the snapshot of {person} at version {SNAPSHOT_INTERVAL} was altered" in after.output


def test_a_key_rotation_seals_the_snapshots_again_under_the_new_kek(
    instances: Instances,
) -> None:
    """Left under the destroyed KEK, every snapshot verified no more after a rotation, and each
    case was folded from all its events at its next load until its next snapshot."""
    parcours = instances.start()
    long_case(parcours, instances)
    parcours.close()

    rotated = CliRunner().invoke(app, ["keys", "rotate"], env=cli_environment(instances.settings))
    after = instances.start()
    snapshots = after.ledger.snapshots
    assert snapshots is not None
    check = check_snapshots(snapshots.recorder, after.ledger.vault.snapshot_seal())

    assert rotated.exit_code == 0, rotated.output
    assert "sealed 1 snapshot(s) again" in rotated.output
    assert (check.sealed, check.unverifiable, check.altered) == (1, 0, [])
