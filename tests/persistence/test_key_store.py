"""Subject keys: wrapped at rest, gone for good when destroyed."""

from pathlib import Path
from uuid import uuid4

from api.bootstrap import KEYS_FILE
from tests.conftest import Instances


def test_a_destroyed_key_opens_nothing_any_more(instances: Instances) -> None:
    parcours = instances.start()
    subject = uuid4()
    parcours.vault.create_key(subject)
    sealed = parcours.vault.sealer(subject)("Camille")
    assert parcours.vault.open(sealed) == "Camille"

    assert parcours.vault.destroy_key(subject)

    assert instances.start().vault.open(sealed) is None
    assert parcours.vault.open(sealed) is None


def test_keys_are_stored_wrapped_and_overwritten_on_deletion_in_sqlite(
    instances: Instances,
) -> None:
    parcours = instances.start()
    subject = uuid4()
    parcours.vault.create_key(subject)
    stored = parcours.key_store.get(subject)
    assert stored is not None
    wrapped = stored[1]
    if instances.settings.database_url is not None:
        return  # PostgreSQL relies on KEK rotation, not on overwriting (README, erasure)
    key_file = Path(instances.settings.data_dir) / KEYS_FILE
    assert wrapped in key_file.read_bytes()

    parcours.vault.destroy_key(subject)

    assert wrapped not in key_file.read_bytes()
