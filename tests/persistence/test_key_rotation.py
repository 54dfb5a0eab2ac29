"""Key-encryption key rotation: every subject key re-wrapped under the new KEK, the old KEK
destroyed, so residue of an erased key (dead tuples, WAL, backups) opens nothing any more."""

import base64
from pathlib import Path
from uuid import uuid4

import pytest
from cryptography.exceptions import InvalidTag

from api.bootstrap import build, keyring
from api.keyring_files import DIRECTORY, add_key, destroy_previous
from api.settings import Settings
from domain.privacy import cipher
from domain.privacy.vault import Vault
from tests.conftest import Instances


def test_rotating_the_development_keyring_keeps_data_readable_and_destroys_the_old_kek(
    instances: Instances,
) -> None:
    parcours = instances.start()
    subject = uuid4()
    parcours.vault.create_key(subject)
    sealed = parcours.vault.sealer(subject)("Camille")
    old = keyring(instances.settings).current.kek_id

    add_key(Path(instances.settings.data_dir) / DIRECTORY)
    moved = Vault(parcours.key_store, keyring(instances.settings), 0).rotate()
    destroyed = destroy_previous(Path(instances.settings.data_dir), keyring(instances.settings))

    assert moved == 1
    assert destroyed == [old]
    stored = parcours.key_store.get(subject)
    assert stored is not None
    assert stored[0] == keyring(instances.settings).current.kek_id
    assert instances.start().vault.open(sealed) == "Camille"
    assert not (Path(instances.settings.data_dir) / DIRECTORY / f"{old}.key").exists()


def test_a_configured_rotation_moves_every_key_to_the_new_kek(instances: Instances) -> None:
    old_key, new_key = cipher.new_key(), cipher.new_key()
    first = instances.settings.model_copy(
        update={"master_key": base64.b64encode(old_key).decode(), "master_key_id": "kek-1"}
    )
    parcours = build(first, clock=instances.clock)
    subject = uuid4()
    parcours.vault.create_key(subject)
    sealed = parcours.vault.sealer(subject)("Camille")
    parcours.close()
    during = first.model_copy(
        update={
            "master_key": base64.b64encode(new_key).decode(),
            "master_key_id": "kek-2",
            "previous_master_keys": {"kek-1": base64.b64encode(old_key).decode()},
        }
    )
    rotating = build(during, clock=instances.clock)
    readable_during = rotating.vault.open(sealed)
    moved = rotating.vault.rotate()
    rotating.close()
    after = during.model_copy(update={"previous_master_keys": {}})
    rotated = build(after, clock=instances.clock)
    try:
        assert (readable_during, moved) == ("Camille", 1)
        assert rotated.vault.open(sealed) == "Camille"
    finally:
        rotated.close()


def test_after_erasure_and_rotation_the_erased_key_residue_opens_nothing(
    instances: Instances,
) -> None:
    parcours = instances.start()
    subject = uuid4()
    parcours.vault.create_key(subject)
    sealed = parcours.vault.sealer(subject)("Camille")
    residue = parcours.key_store.get(subject)
    assert residue is not None
    parcours.vault.destroy_key(subject)

    add_key(Path(instances.settings.data_dir) / DIRECTORY)
    Vault(parcours.key_store, keyring(instances.settings), 0).rotate()
    destroy_previous(Path(instances.settings.data_dir), keyring(instances.settings))
    survivors = keyring(instances.settings)

    assert instances.start().vault.open(sealed) is None
    with pytest.raises(LookupError):
        survivors.named(residue[0])
    with pytest.raises(InvalidTag):
        cipher.unwrap(survivors.current.key, subject, residue[1])


def test_previous_keys_must_be_keys() -> None:
    with pytest.raises(ValueError, match="PARCOURS_PREVIOUS_MASTER_KEYS"):
        Settings(previous_master_keys={"kek-0": "bm90LWEta2V5"})


def test_processes_starting_together_share_one_development_keyring(tmp_path: Path) -> None:
    import threading  # noqa: PLC0415

    from api.keyring_files import development_keyring  # noqa: PLC0415

    found: list[str] = []
    threads = [
        threading.Thread(target=lambda: found.append(development_keyring(tmp_path).current.kek_id))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(found) == 8
    assert len(set(found)) == 1
    assert len(list((tmp_path / DIRECTORY).glob("*.key"))) == 1
