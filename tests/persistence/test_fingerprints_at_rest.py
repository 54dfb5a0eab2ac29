"""An erasure leaves no fingerprint of the erased young person's commands in the receipts.

A receipt keeps a fingerprint of its command's arguments (`fingerprints.py`); for an
enrolment that is a digest of a name, a date of birth, a contact. After the erasure the data is
unreadable, but such a digest would still let a guess be confirmed: the erasure drops the
fingerprints of every receipt on or creating the young person, on both backends.
"""

import dataclasses
import hashlib
import hmac
from collections.abc import Mapping
from pathlib import Path
from uuid import UUID

import pytest

from api.bootstrap import keyring
from api.keyring_files import DIRECTORY, add_key
from domain.errors import IdempotencyConflict
from domain.ledger import fingerprints
from domain.ledger.chain.tables import StoredTables
from domain.ledger.fingerprints import SEPARATOR, parts
from domain.ledger.receipt import receipt_id
from domain.privacy import cipher
from domain.privacy.keyring import KeyEncryptionKey
from domain.privacy.keystore import InMemoryKeyStore
from domain.privacy.vault import Vault
from tests.conftest import Instances
from tests.domain.givens import intervention
from tests.support import build_network


def test_an_erasure_drops_the_fingerprints_of_the_young_person_s_receipts(
    instances: Instances,
) -> None:
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    erased = network.enrol(idempotency_key="enrol-camille")
    intervention(network, network.worker_a, erased, idempotency_key="visit-camille")
    kept = network.enrol(first_name="Sami", idempotency_key="enrol-sami")
    tables = StoredTables.of(parcours.ledger.recorder)

    def fingerprinted() -> dict[str, bool]:
        """Whether each receipt still holds a fingerprint, by command and young person."""
        rows = tables.run(f"SELECT command, target, outcome FROM {tables.receipts}")
        found = {}
        for command, target, outcome in rows:
            ids = {_hex(target), _hex(outcome)}
            whose = "erased" if erased.hex in ids else "kept"
            found[f"{command.split(SEPARATOR)[0]}:{whose}"] = SEPARATOR in command
        return found

    before = fingerprinted()
    network.ledger.erase_young_person(network.admin, erased, reason="art. 17")
    after = fingerprinted()

    assert before == {
        "enrol_young_person:erased": True,
        "record_intervention:erased": True,
        "enrol_young_person:kept": True,
    }
    assert after == {
        "enrol_young_person:erased": False,
        "record_intervention:erased": False,
        "enrol_young_person:kept": True,
    }
    assert kept


def _hex(value: object) -> str:
    """A stored id as 32 hex digits (a UUID on PostgreSQL, hex text on SQLite)."""
    return str(value).replace("-", "")


def test_a_fingerprint_is_keyed_so_a_guess_of_the_arguments_cannot_be_confirmed(
    instances: Instances, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoever reads the receipts and knows what an enrolment carries (a name, a birth date)
    computes the plain digest of a guess; the receipt holds an HMAC under the instance's
    secret instead, and the secret sits wrapped in the key store, not in clear."""
    carried: list[bytes] = []
    canonical = fingerprints.canonical

    def noting(command: str, arguments: Mapping[str, object]) -> bytes:
        carried.append(canonical(command, arguments))
        return carried[-1]

    monkeypatch.setattr(fingerprints, "canonical", noting)
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    network.enrol(idempotency_key="enrol-camille")
    receipt = parcours.ledger.receipts.select_receipt(receipt_id(network.worker_a, "enrol-camille"))
    assert receipt is not None
    guessed = hashlib.sha256(carried[-1]).hexdigest()[:32]

    kept = parts(receipt.command)[1]
    assert kept is not None
    assert guessed not in receipt.command
    stored = parcours.key_store.get(fingerprints.SECRET)
    assert stored is not None, "the secret is kept in the key store"
    kek = keyring(instances.settings).current.key
    secret = cipher.unwrap(kek, fingerprints.SECRET, stored[1])
    assert secret not in stored[1], "and wrapped there"
    keyed = hmac.new(secret, carried[-1], hashlib.sha256).hexdigest()[:32]
    assert kept.startswith(fingerprints.VERSION)
    assert kept.endswith(keyed)


def test_another_process_and_a_rotated_kek_recognise_a_retry_and_its_reuse(
    instances: Instances,
) -> None:
    """The secret is the instance's, not the process's, and not derived from the KEK: a
    retry sent to another process, or after `keys rotate`, is still the same request."""
    first = instances.start()
    network = build_network(first.ledger, instances.clock)
    enrolled = network.enrol(idempotency_key="enrol-camille")
    elsewhere = dataclasses.replace(network, ledger=instances.start().ledger)
    retried_elsewhere = elsewhere.enrol(idempotency_key="enrol-camille")
    with pytest.raises(IdempotencyConflict, match="other arguments"):
        elsewhere.enrol(first_name="Bob", idempotency_key="enrol-camille")

    add_key(Path(instances.settings.data_dir) / DIRECTORY)
    assert Vault(first.key_store, keyring(instances.settings), 0).rotate() >= 1
    after_rotation = dataclasses.replace(network, ledger=instances.start().ledger)

    assert retried_elsewhere == enrolled
    assert after_rotation.enrol(idempotency_key="enrol-camille") == enrolled
    with pytest.raises(IdempotencyConflict, match="other arguments"):
        after_rotation.enrol(first_name="Bob", idempotency_key="enrol-camille")


def test_a_lost_race_to_make_the_secret_uses_the_winner_s() -> None:
    """Two processes' first keyed commands at once: the store keeps the first secret, and the
    loser digests with it (a digest of its own would refuse every retry sent to the other)."""
    store = InMemoryKeyStore()
    kek = KeyEncryptionKey("kek-1", cipher.new_key())
    winner, loser = Vault(store, kek), Vault(store, kek)
    real_put = store.put

    def raced(subject: UUID, kek_id: str, wrapped: bytes) -> bool:
        store.put = real_put  # type: ignore[method-assign]
        winner.keyed_digest(subject, b"first")  # the other process gets there first
        return real_put(subject, kek_id, wrapped)

    store.put = raced  # type: ignore[method-assign]
    lost = loser.keyed_digest(fingerprints.SECRET, b"arguments")

    assert lost == winner.keyed_digest(fingerprints.SECRET, b"arguments")
    assert lost == Vault(store, kek).keyed_digest(fingerprints.SECRET, b"arguments")
    assert lost != Vault(InMemoryKeyStore(), kek).keyed_digest(fingerprints.SECRET, b"arguments")
