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


def test_a_rotation_keeps_the_old_kek_while_a_running_server_still_wraps_under_it(
    instances: Instances, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server left running holds the old keyring: a key it created during the rotation was
    wrapped under the old KEK, which the rotation then destroyed — that subject was lost."""
    from typer.testing import CliRunner  # noqa: PLC0415

    from api.cli import app  # noqa: PLC0415
    from api.cli import keys as keys_command  # noqa: PLC0415
    from tests.conftest import cli_environment  # noqa: PLC0415

    server = instances.start()  # its vault keeps the keyring it loaded
    old = keyring(instances.settings).current.kek_id
    written_meanwhile = uuid4()
    rewrap = keys_command._rewrap

    def rewrap_while_the_server_writes(parcours: object) -> None:
        rewrap(parcours)  # type: ignore[arg-type]
        server.vault.create_key(written_meanwhile)

    monkeypatch.setattr(keys_command, "_rewrap", rewrap_while_the_server_writes)
    result = CliRunner().invoke(app, ["keys", "rotate"], env=cli_environment(instances.settings))
    sealed = server.vault.sealer(written_meanwhile)("Camille")

    assert result.exit_code == 1, result.output
    assert "nothing was destroyed" in result.output
    assert (Path(instances.settings.data_dir) / DIRECTORY / f"{old}.key").exists()
    assert instances.start().vault.open(sealed) == "Camille"


def test_a_key_under_a_kek_no_one_here_holds_does_not_stop_the_rotation(
    instances: Instances,
) -> None:
    """It raised in the middle of the loop: the keys before it re-wrapped, the ones after it
    not, at every later rotation again."""
    parcours = instances.start()
    kept = [uuid4() for _ in range(3)]
    for subject in kept:
        parcours.vault.create_key(subject)
    stranded = uuid4()
    assert parcours.key_store.put(stranded, "kek-unknown", cipher.new_key())
    add_key(Path(instances.settings.data_dir) / DIRECTORY)

    moved = Vault(parcours.key_store, keyring(instances.settings), 0).rotate()

    current = keyring(instances.settings).current.kek_id
    assert moved == len(kept)
    assert {parcours.key_store.get(s)[0] for s in kept} == {current}  # type: ignore[index]
    left = parcours.key_store.get(stranded)
    assert left is not None
    assert left[0] == "kek-unknown"


def test_a_damaged_kek_file_is_named_and_a_leftover_partial_one_ignored(tmp_path: Path) -> None:
    from api.keyring_files import development_keyring  # noqa: PLC0415

    directory = tmp_path / DIRECTORY
    ring = development_keyring(tmp_path)
    (directory / f".{ring.current.kek_id}.key.4242.tmp").write_text("")  # a write cut short
    assert development_keyring(tmp_path).current.kek_id == ring.current.kek_id

    (directory / f"{ring.current.kek_id}.key").write_text("")
    with pytest.raises(ValueError, match=f"{ring.current.kek_id}.key is not a key-encryption key"):
        development_keyring(tmp_path)
