"""Subject keys: wrapped at rest, gone for good when destroyed."""

import threading
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from api.bootstrap import KEYS_FILE, Parcours, keyring
from domain.privacy import cipher
from domain.privacy.keystore import KeyStore
from domain.privacy.sealed import Sealed
from domain.privacy.vault import KeyConflict, Vault
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


def test_keys_are_stored_wrapped_under_the_key_encryption_key(instances: Instances) -> None:
    """What the store holds is the key wrapped under the KEK, never the key itself."""
    parcours = instances.start()
    subject = uuid4()
    parcours.vault.create_key(subject)
    stored = parcours.key_store.get(subject)
    assert stored is not None
    kek_id, wrapped = stored

    key = cipher.unwrap(keyring(instances.settings).named(kek_id).key, subject, wrapped)

    assert cipher.open_sealed(key, parcours.vault.sealer(subject)("Camille")) == "Camille"
    assert key not in wrapped


def test_a_destroyed_key_is_overwritten_in_the_sqlite_file(instances: Instances) -> None:
    if instances.settings.database_url is not None:
        pytest.skip("PostgreSQL relies on KEK rotation, not on overwriting (README, erasure)")
    parcours = instances.start()
    subject = uuid4()
    parcours.vault.create_key(subject)
    stored = parcours.key_store.get(subject)
    assert stored is not None
    wrapped = stored[1]
    key_file = Path(instances.settings.data_dir) / KEYS_FILE
    assert wrapped in key_file.read_bytes()

    parcours.vault.destroy_key(subject)

    assert wrapped not in key_file.read_bytes()


def test_many_keys_are_fetched_at_once_and_an_erased_one_is_absent(instances: Instances) -> None:
    """`get_many` (one query; SQLite in chunks under its parameter limit) gives what `get` gives
    one by one, and the vault's openers open as its single opener does, erased people absent."""
    parcours = instances.start()
    subjects = [uuid4() for _ in range(1200)]
    for subject in subjects:
        parcours.vault.create_key(subject)
    erased, kept = subjects[7], subjects[:7] + subjects[8:]
    sealed = {s: parcours.vault.sealer(s)(f"born {n}") for n, s in enumerate(subjects[:10])}
    parcours.vault.destroy_key(erased)
    store = parcours.key_store

    found = store.get_many([*subjects, uuid4()])

    assert set(found) == set(kept)
    assert all(found[s] == store.get(s) for s in kept[:50])
    openers = instances.start().vault.openers(subjects[:10])
    assert erased not in openers
    assert {s: openers[s](sealed[s].token) for s in openers} == {
        s: f"born {n}" for n, s in enumerate(subjects[:10]) if s != erased
    }
    assert openers[subjects[0]](None) is None


class CountingReads:
    """The instance's key store, with its single-key reads counted."""

    def __init__(self, store: KeyStore) -> None:
        self.store = store
        self.gets = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def get(self, subject: UUID) -> tuple[str, bytes] | None:
        self.gets += 1
        return self.store.get(subject)


def test_a_created_key_seals_at_once_without_being_read_back(instances: Instances) -> None:
    """An enrolment creates the key and seals with it in the same command: one round trip to
    the key store, not two."""
    parcours = instances.start()
    counting = CountingReads(parcours.key_store)
    vault = Vault(counting, keyring(instances.settings))  # type: ignore[arg-type]
    subject = uuid4()

    vault.create_key(subject)
    sealed = vault.sealer(subject)("Camille")

    assert counting.gets == 0
    assert instances.start().vault.open(sealed) == "Camille"


def test_a_subject_keeps_its_first_key_and_seals_with_it(instances: Instances) -> None:
    """The store keeps a subject's first key (`put` says whether it stored one): a second key
    created for the same subject is neither stored nor used, so what is sealed stays readable
    by every process."""
    parcours = instances.start()
    subject = uuid4()
    parcours.vault.create_key(subject)
    first = parcours.key_store.get(subject)
    later = Vault(parcours.key_store, keyring(instances.settings))

    later.create_key(subject)
    sealed = later.sealer(subject)("Camille")

    assert parcours.key_store.get(subject) == first
    assert not parcours.key_store.put(subject, "another", b"wrapped")
    assert instances.start().vault.open(sealed) == "Camille"


def test_many_keys_are_stored_at_once_and_a_subject_keeps_its_first(
    instances: Instances,
) -> None:
    store = instances.start().key_store
    had, fresh = uuid4(), [uuid4(), uuid4()]
    assert store.put(had, "kek-a", b"first")

    kept = store.put_many([(had, "kek-b", b"second"), *((s, "kek-b", b"new") for s in fresh)])

    assert kept == {had}
    assert store.get(had) == ("kek-a", b"first")
    assert all(store.get(s) == ("kek-b", b"new") for s in fresh)
    assert store.put_many([]) == set()


class CountingWrites(CountingReads):
    """The key store, with its writes counted and the calls' order noted in `log`."""

    def __init__(self, store: KeyStore, log: list[str]) -> None:
        super().__init__(store)
        self.log = log

    def put(self, subject: UUID, kek_id: str, wrapped: bytes) -> bool:
        self.log.append("put")
        return self.store.put(subject, kek_id, wrapped)

    def put_many(self, keys: list[tuple[UUID, str, bytes]]) -> set[UUID]:
        self.log.append(f"put_many {len(keys)}")
        return self.store.put_many(keys)


def test_deferred_keys_seal_at_once_and_are_stored_together_or_forgotten(
    instances: Instances,
) -> None:
    parcours = instances.start()
    log: list[str] = []
    vault = Vault(CountingWrites(parcours.key_store, log), keyring(instances.settings))  # type: ignore[arg-type]
    stored, refused, unstored = uuid4(), uuid4(), uuid4()

    with vault.keys_deferred():
        vault.create_key(stored)
        vault.create_key(refused)
        sealed = vault.sealer(stored)("Camille")
        assert vault.destroy_key(refused)  # a refused enrolment leaves no key behind
        assert log == []
        vault.store_deferred()
        vault.create_key(unstored)  # its command was not saved: never stored

    assert log == ["put_many 1"]
    assert instances.start().vault.open(sealed) == "Camille"
    assert parcours.key_store.get(refused) is None
    assert not vault.has_key(unstored)
    assert parcours.key_store.get(unstored) is None


def test_deferred_keys_of_subjects_that_had_one_refuse_what_they_sealed(
    instances: Instances,
) -> None:
    parcours = instances.start()
    subject = uuid4()
    parcours.vault.create_key(subject)
    first = parcours.vault.sealer(subject)("Camille")
    vault = Vault(parcours.key_store, keyring(instances.settings))

    with vault.keys_deferred():
        vault.create_key(subject)
        with pytest.raises(KeyConflict):
            vault.store_deferred()

    assert vault.open(first) == "Camille"  # the stored key, not the refused one


def test_keys_created_by_another_thread_meanwhile_are_stored_at_once(
    instances: Instances,
) -> None:
    """Deferral is the staging thread's alone: a command of another thread stores its key."""
    parcours = instances.start()
    other = uuid4()

    with parcours.vault.keys_deferred():
        thread = threading.Thread(target=parcours.vault.create_key, args=(other,))
        thread.start()
        thread.join()
        assert parcours.key_store.get(other) is not None


def test_a_deferred_key_is_nobody_elses_until_stored(instances: Instances) -> None:
    """A key deferred for a subject that already has one is never what other threads open
    with: their reads keep working, and the deferral is refused at the store."""
    parcours = instances.start()
    subject = uuid4()
    parcours.vault.create_key(subject)
    first = parcours.vault.sealer(subject)("Camille")
    opened: list[str | None] = []

    with parcours.vault.keys_deferred():
        parcours.vault.create_key(subject)
        reader = threading.Thread(target=lambda: opened.append(parcours.vault.open(first)))
        reader.start()
        reader.join()
        with pytest.raises(KeyConflict):
            parcours.vault.store_deferred()

    assert opened == ["Camille"]
    assert parcours.vault.open(first) == "Camille"


def test_destroying_a_deferred_key_destroys_a_stored_one_too(instances: Instances) -> None:
    """Erasure inside a deferral must not stop at the pending key."""
    parcours = instances.start()
    subject = uuid4()
    parcours.vault.create_key(subject)
    sealed = parcours.vault.sealer(subject)("Camille")

    with parcours.vault.keys_deferred():
        parcours.vault.create_key(subject)
        assert parcours.vault.destroy_key(subject)
        parcours.vault.store_deferred()

    assert parcours.key_store.get(subject) is None
    assert instances.start().vault.open(sealed) is None


def test_deferrals_do_not_nest(instances: Instances) -> None:
    vault = instances.start().vault
    with vault.keys_deferred(), pytest.raises(RuntimeError), vault.keys_deferred():
        pass


class ErasedMidway:
    """The instance's key store, where the subject's key is destroyed through `vault` at the
    worst moment of the next read: after the store answered it, before the key is cached."""

    def __init__(self, store: KeyStore, subject: UUID) -> None:
        self.store = store
        self.subject = subject
        self.vault: Vault | None = None
        self.erase_on_next_read = False

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def get(self, subject: UUID) -> tuple[str, bytes] | None:
        found = self.store.get(subject)
        self._erase_once()
        return found

    def get_many(self, subjects: list[UUID]) -> dict[UUID, tuple[str, bytes]]:
        found = self.store.get_many(subjects)
        self._erase_once()
        return found

    def _erase_once(self) -> None:
        if self.vault is not None and self.erase_on_next_read:
            self.erase_on_next_read = False
            self.vault.destroy_key(self.subject)


def _sealed(instances: Instances) -> tuple[Parcours, Sealed]:
    """An instance and a value sealed for a subject of its own."""
    parcours = instances.start()
    subject = uuid4()
    parcours.vault.create_key(subject)
    return parcours, parcours.vault.sealer(subject)("Camille")


def _sealed_for(instances: Instances) -> tuple[Vault, ErasedMidway, Sealed]:
    """A fresh vault (nothing cached) over a store holding one subject's key."""
    parcours, sealed = _sealed(instances)
    store = ErasedMidway(parcours.key_store, sealed.subject)
    vault = Vault(store, keyring(instances.settings))  # type: ignore[arg-type]
    store.vault = vault
    return vault, store, sealed


def test_a_key_read_while_it_is_destroyed_is_not_cached_after(instances: Instances) -> None:
    vault, store, sealed = _sealed_for(instances)
    store.erase_on_next_read = True

    assert vault.open(sealed) == "Camille"  # read before the erasure: as if it came first

    assert vault.open(sealed) is None
    assert store.store.get(sealed.subject) is None


def test_keys_read_together_while_one_is_destroyed_do_not_cache_it(instances: Instances) -> None:
    vault, store, sealed = _sealed_for(instances)
    store.erase_on_next_read = True

    assert sealed.subject in vault.openers([sealed.subject])

    assert sealed.subject not in vault.openers([sealed.subject])
    assert vault.open(sealed) is None


class ReadJustBeforeDelete:
    """The instance's key store, where another reader opens the subject's value through
    `vault` just before the store deletes the subject's key."""

    def __init__(self, store: KeyStore, sealed: Sealed) -> None:
        self.store = store
        self.sealed = sealed
        self.vault: Vault | None = None
        self.read: list[str | None] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def delete(self, subject: UUID) -> bool:
        assert self.vault is not None
        self.read.append(self.vault.open(self.sealed))
        return self.store.delete(subject)


def test_a_key_cached_just_before_its_delete_is_dropped_after_it(instances: Instances) -> None:
    parcours, sealed = _sealed(instances)
    subject = sealed.subject
    store = ReadJustBeforeDelete(parcours.key_store, sealed)
    vault = Vault(store, keyring(instances.settings))  # type: ignore[arg-type]
    store.vault = vault

    assert vault.destroy_key(subject)

    assert store.read == ["Camille"]
    assert vault.open(sealed) is None
