"""Erasure leaves nothing readable: the key's stored bytes are gone from the store, every
sealed copy (events, snapshots, read models) stops opening, and the history still verifies."""

from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from cryptography.exceptions import InvalidTag

from api.bootstrap import keyring
from api.keyring_files import DIRECTORY, add_key, destroy_previous
from domain.ledger.chain.store import ChainStore
from domain.ledger.chain.verify import verify
from domain.privacy import cipher
from domain.privacy.vault import Vault
from domain.vocabulary import Domain
from projections.queries.cases import case_overview
from projections.queries.timeline import timeline_page
from tests.conftest import Instances
from tests.persistence.test_personal_data_at_rest import raw_store
from tests.support import build_network


def holds(blob: bytes, value: bytes) -> bool:
    """Raw bytes, or their hex (the form pg_dump gives `bytea` columns)."""
    return value in blob or value.hex().encode("ascii") in blob.lower()


def test_an_erased_key_leaves_no_bytes_and_no_copy_opens(instances: Instances) -> None:
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    young_person = network.enrol(first_name="Sentinelle", last_name="Effacee")
    for day in range(105):  # past a snapshot: sealed values live there too
        parcours.ledger.record_intervention(
            network.worker_a,
            young_person,
            domain=Domain.EDUCATION,
            kind="tutoring",
            occurred_at=instances.clock.now - timedelta(hours=day),
            summary=f"séance {day}",
        )
    parcours.projections.prepare()
    parcours.projections.catch_up()
    stored = parcours.key_store.get(young_person)
    assert stored is not None
    wrapped = stored[1]
    assert holds(raw_store(instances.settings), wrapped), "control: the scan sees the stored key"

    parcours.ledger.erase_young_person(network.admin, young_person, reason="art. 17")
    parcours.projections.catch_up()
    restarted = instances.start()

    assert not holds(raw_store(instances.settings), wrapped)
    case = restarted.ledger.young_person(young_person)
    assert restarted.vault.open(case.personal.first_name) is None
    snapshot = list(restarted.ledger.snapshots.get(young_person, desc=True, limit=1))  # type: ignore[union-attr]
    assert snapshot, "the case file was snapshotted"
    overview = case_overview(restarted.read_store, young_person)
    assert overview is not None
    assert overview.erased_at is not None
    assert restarted.vault.open_token(young_person, overview.first_name) is None
    page = timeline_page(restarted.read_store, young_person, first=500)
    sealed = [e.summary_token for _, e in page.items if e.summary_token]
    assert sealed
    assert all(restarted.vault.open_token(young_person, t) is None for t in sealed)
    assert page.items[-1][1].kind == "ERASURE"
    assert verify(ChainStore(restarted.ledger.recorder)).intact


def test_on_postgresql_a_deleted_key_s_residue_is_useless_once_the_kek_rotated(
    instances: Instances,
) -> None:
    """PostgreSQL keeps a deleted row in its data files until vacuum (and in WAL and backups):
    the erased key's wrapped bytes are still on disk after a CHECKPOINT — but wrapped under a
    KEK that the rotation destroys, so they open nothing."""

    settings = instances.settings
    if settings.database_url is None:
        pytest.skip("SQLite overwrites the key in place (secure_delete): see the test above")
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    young_person = network.enrol()
    stored = parcours.key_store.get(young_person)
    assert stored is not None
    parcours.ledger.erase_young_person(network.admin, young_person, reason="art. 17")
    with psycopg.connect(settings.database_url, autocommit=True) as db:
        db.execute("CHECKPOINT")
        path = db.execute(
            "SELECT current_setting('data_directory') || '/' || pg_relation_filepath(%s)",
            (f"{settings.database_schema}.parcours_subject_keys",),
        ).fetchone()
    assert path is not None
    relation = Path(str(path[0]))
    if not relation.exists():
        pytest.skip("the PostgreSQL data directory is not reachable from here")
    residue_on_disk = stored[1] in relation.read_bytes()

    add_key(Path(settings.data_dir) / DIRECTORY)
    Vault(parcours.key_store, keyring(settings), 0).rotate()
    destroy_previous(Path(settings.data_dir), keyring(settings))
    survivors = keyring(settings)

    assert residue_on_disk, "the dead tuple is still in the data file (why rotation exists)"
    with pytest.raises(LookupError):
        survivors.named(stored[0])
    with pytest.raises(InvalidTag):
        cipher.unwrap(survivors.current.key, young_person, stored[1])
