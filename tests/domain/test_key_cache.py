"""Unwrapped subject keys stay in the process's memory for about `cache_seconds`: a key whose
subject is never asked for again leaves at a later lookup, not when the cache fills up."""

from uuid import uuid4

from domain.privacy import cipher
from domain.privacy.keyring import KeyEncryptionKey
from domain.privacy.keystore import InMemoryKeyStore
from domain.privacy.vault import Vault


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def vault_on(clock: Clock) -> Vault:
    """A vault keeping keys 30 seconds by `clock`."""
    return Vault(InMemoryKeyStore(), KeyEncryptionKey("kek", cipher.new_key()), 30, monotonic=clock)


def cached(vault: Vault) -> set[object]:
    """The subjects whose key this process holds (white-box: memory residency is the point)."""
    return set(vault._cache)


def test_a_key_never_asked_for_again_leaves_memory_once_expired() -> None:
    clock = Clock()
    vault = vault_on(clock)
    forgotten, asked = uuid4(), uuid4()
    vault.create_key(forgotten)
    vault.create_key(asked)

    clock.now = 31
    assert vault.has_key(asked)  # read again from the store, cached anew

    assert cached(vault) == {asked}


def test_keys_are_kept_until_their_time() -> None:
    clock = Clock()
    vault = vault_on(clock)
    subject, other = uuid4(), uuid4()
    vault.create_key(subject)
    clock.now = 29
    vault.create_key(other)

    assert cached(vault) == {subject, other}
