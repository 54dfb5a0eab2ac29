"""The vault: seals and opens personal values with per-subject keys, and destroys keys.

It is the only object that sees subject keys in clear. Keys are unwrapped on demand and kept in a
small in-process cache for a bounded time (`cache_seconds`), which is the erasure latency of
another process: the README states it. In this process an erased key is gone from the cache
at once, and a key read from the store while it was being destroyed is not cached after;
expired keys leave memory at the next key lookup (checked at most every `cache_seconds`),
whether their subject is asked for again or not.
"""

import hmac
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from uuid import UUID

from domain.privacy import cipher
from domain.privacy.keyring import KeyEncryptionKey, Keyring
from domain.privacy.keystore import KeyStore
from domain.privacy.sealed import Seal, Sealed
from domain.privacy.snapshot_seal import SnapshotSeal

ERASED = "[erased]"
_CACHE_ENTRIES = 10_000

Opener = Callable[[str | None], str | None]
"""Opens the tokens of one subject: `None` for `None`."""


class KeyConflict(Exception):
    """Deferred keys met a subject that already had one (`Vault.store_deferred`)."""


class Vault:
    def __init__(
        self,
        store: KeyStore,
        keyring: Keyring | KeyEncryptionKey,
        cache_seconds: float = 30.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self._store = store
        self._monotonic = monotonic
        self._keyring = keyring if isinstance(keyring, Keyring) else Keyring(keyring)
        self._cache_seconds = cache_seconds
        self._cache: dict[UUID, tuple[float, bytes]] = {}
        self._swept = monotonic()
        self._lock = threading.Lock()
        self._erasures = 0  # destroy_key calls so far: a read that overlapped one caches nothing
        self._deferred = threading.local()
        self._noting = threading.local()

    def create_key(self, subject: UUID) -> None:
        """A new key for the subject, kept in the cache as well: the command that creates a
        key seals with it at once, and reading it back cost an enrolment a second round trip.
        A subject that already has a key keeps it (the store's first key wins), uncached.
        Within `keys_deferred`, the key waits for `store_deferred` instead."""
        key = cipher.new_key()
        current = self._keyring.current
        wrapped = cipher.wrap(current.key, subject, key)
        pending = self._pending()
        if pending is not None:
            pending[subject] = (current.kek_id, wrapped, key)  # cached once stored
            self._note(subject)
            return
        erasures = self._erasures
        if self._store.put(subject, current.kek_id, wrapped):
            self._remember(subject, key, erasures)
            self._note(subject)

    @contextmanager
    def noting_new_keys(self) -> Iterator[list[UUID]]:
        """Lists the subjects this thread creates a key for in the block (and does not destroy
        again): a decision the ledger may replace by another leaves behind keys that only the
        ledger knows to be garbage (`LedgerCore._decide`)."""
        noted: list[UUID] = []
        outer = getattr(self._noting, "keys", None)
        self._noting.keys = noted
        try:
            yield noted
        finally:
            self._noting.keys = outer

    def _note(self, subject: UUID) -> None:
        noted: list[UUID] | None = getattr(self._noting, "keys", None)
        if noted is not None:
            noted.append(subject)

    @contextmanager
    def new_key(self, subject: UUID) -> Iterator[Seal]:
        """A new key for the subject and its sealer, for a command that seals with it at once;
        the key is destroyed again if the block raises: a refused command leaves no key."""
        self.create_key(subject)
        try:
            yield self.sealer(subject)
        except BaseException:
            self.destroy_key(subject)
            raise

    @contextmanager
    def keys_deferred(self) -> Iterator[None]:
        """Keys this thread creates in the block are stored together by `store_deferred`, in
        one transaction: a bulk import's chunk stored each enrolment's key in a transaction of
        its own (a commit each, a tenth of an import's time). The caller stores them before
        appending the events sealed with them. Until then a key is this thread's alone (other
        threads never see a key that may not be stored); keys not stored by the end of the
        block are forgotten: what they sealed was not saved."""
        if self._pending() is not None:
            msg = "keys are already deferred on this thread"
            raise RuntimeError(msg)
        self._deferred.keys = {}
        try:
            yield
        finally:
            self._deferred.keys = None

    def store_deferred(self) -> None:
        """Stores the keys created so far in `keys_deferred`, in one transaction; raises
        `KeyConflict` (none of what they sealed may be saved) if a subject already had one."""
        pending = self._pending()
        if not pending:
            return
        given = [(subject, kek_id, wrapped) for subject, (kek_id, wrapped, _) in pending.items()]
        erasures = self._erasures
        kept = self._store.put_many(given)
        stored = {subject: key for subject, (_, _, key) in pending.items() if subject not in kept}
        pending.clear()
        for subject, key in stored.items():
            self._remember(subject, key, erasures)
        if kept:
            msg = f"{len(kept)} subjects already had a key: what was sealed for them is refused"
            raise KeyConflict(msg)

    def _pending(self) -> dict[UUID, tuple[str, bytes, bytes]] | None:
        pending: dict[UUID, tuple[str, bytes, bytes]] | None = getattr(self._deferred, "keys", None)
        return pending

    def sealer(self, subject: UUID) -> Seal:
        key = self._key(subject)
        if key is None:
            msg = f"no key for subject {subject}: it was never created or has been erased"
            raise KeyError(msg)
        return lambda plaintext: cipher.seal(key, subject, plaintext)

    def open(self, sealed: Sealed | None) -> str | None:
        """The plaintext, or `None` when the subject's key has been destroyed."""
        if sealed is None:
            return None
        key = self._key(sealed.subject)
        return None if key is None else cipher.open_sealed(key, sealed)

    def open_token(self, subject: UUID | str, token: str | None) -> str | None:
        """Opens a token kept by a read model (read models keep the token, not the `Sealed`)."""
        if token is None:
            return None
        return self.open(Sealed(subject=UUID(str(subject)), token=token))

    def opener(self, subject: UUID | str) -> Opener:
        """Opens many tokens of one subject (a timeline page's) with one key lookup; each gives
        `None` when the key was destroyed, as `open_token` does."""
        subject_id = UUID(str(subject))
        key = self._key(subject_id)
        return (lambda _: None) if key is None else _opener(key, subject_id)

    def openers(self, subjects: Sequence[UUID], *, cached: bool = True) -> dict[UUID, Opener]:
        """Openers for many subjects with one key-store query (an export opens thousands);
        a subject whose key is gone — erased — is absent. `cached=False` reads every key from
        the store: for an export, where "erased anywhere means absent" cannot wait out another
        process's cache time."""
        keys: dict[UUID, bytes] = {}
        missing: list[UUID] = []
        for subject in subjects:
            known = self._cached(subject) if cached else None
            if known is None:
                missing.append(subject)
            else:
                keys[subject] = known
        erasures = self._erasures
        for subject, (kek_id, wrapped) in self._store.get_many(missing).items():
            keys[subject] = self._unwrapped(subject, kek_id, wrapped, erasures)
        return {subject: _opener(key, subject) for subject, key in keys.items()}

    def rotate(self) -> int:
        """Re-wraps every subject key not wrapped by the current KEK; returns how many. A key
        under a KEK this keyring does not hold is left as it is (no one here can open it): it
        stopped the rotation halfway, every later one at the same key."""
        current = self._keyring.current
        held = {current.kek_id, *self._keyring.previous}
        moved = 0
        for subject, kek_id, wrapped in self._store.wrapped_by_others(current.kek_id):
            if kek_id not in held:
                continue
            key = cipher.unwrap(self._keyring.named(kek_id).key, subject, wrapped)
            self._store.replace(subject, current.kek_id, cipher.wrap(current.key, subject, key))
            moved += 1
        return moved

    def keyed_digest(self, service: UUID, data: bytes) -> bytes:
        """HMAC-SHA-256 of `data` under the key of a service subject (not a person's), made on
        first use: a digest of personal values that a reader of the database cannot recompute
        from a guess, while every process of the instance computes the same one. The key lives
        in the key store like any other — wrapped, re-wrapped by `keys rotate`, its first
        writer winning a race — and never leaves the vault."""
        key = self._key(service)
        if key is None:
            key = self._service_key(service)
        return hmac.digest(key, data, "sha256")

    def _service_key(self, service: UUID) -> bytes:
        """Stores a new key for the service, outside any deferred or noted set (it is no
        command's garbage); the store's first key wins, so a lost race reads the winner's."""
        current = self._keyring.current
        key = cipher.new_key()
        erasures = self._erasures
        if self._store.put(service, current.kek_id, cipher.wrap(current.key, service, key)):
            self._remember(service, key, erasures)
            return key
        stored = self._store.get(service)
        if stored is None:
            msg = f"the key of {service} was destroyed while it was being made"
            raise RuntimeError(msg)
        return self._unwrapped(service, *stored, erasures)

    def snapshot_seal(self) -> SnapshotSeal:
        """Tags stored snapshots under the KEKs (`snapshot_seal.py`), which stay in here."""
        return SnapshotSeal(self._keyring)

    def has_key(self, subject: UUID) -> bool:
        return self._key(subject) is not None

    def destroy_key(self, subject: UUID) -> bool:
        """Destroys the subject's key, stored or pending. The store first, the cache after:
        dropped first, the key could be read back from the store and cached again by another
        thread before the delete, and opened for `cache_seconds` after its erasure."""
        pending = self._pending()
        unstored = pending is not None and pending.pop(subject, None) is not None
        noted: list[UUID] | None = getattr(self._noting, "keys", None)
        if noted is not None and subject in noted:
            noted.remove(subject)
        deleted = self._store.delete(subject)
        with self._lock:
            self._erasures += 1
            self._cache.pop(subject, None)
        return deleted or unstored

    def _key(self, subject: UUID) -> bytes | None:
        pending = self._pending()
        if pending and subject in pending:
            return pending[subject][2]
        cached = self._cached(subject)
        if cached is not None:
            return cached
        erasures = self._erasures
        stored = self._store.get(subject)
        return None if stored is None else self._unwrapped(subject, *stored, erasures)

    def _cached(self, subject: UUID) -> bytes | None:
        now = self._monotonic()
        with self._lock:
            self._sweep_if_due(now)
            cached = self._cache.get(subject)
        if cached is not None and now - cached[0] < self._cache_seconds:
            return cached[1]
        return None

    def _sweep_if_due(self, now: float) -> None:
        """Drops the expired keys, once per `cache_seconds` (under the lock): a key is not kept
        in memory much past its time because nobody asked for its subject again."""
        if now - self._swept < self._cache_seconds:
            return
        self._swept = now
        expired = [s for s, (at, _) in self._cache.items() if now - at >= self._cache_seconds]
        for subject in expired:
            del self._cache[subject]

    def _unwrapped(self, subject: UUID, kek_id: str, wrapped: bytes, erasures: int) -> bytes:
        key = cipher.unwrap(self._keyring.named(kek_id).key, subject, wrapped)
        self._remember(subject, key, erasures)
        return key

    def _remember(self, subject: UUID, key: bytes, erasures: int) -> None:
        """Caches a key read or stored when `_erasures` was `erasures` — unless a key was
        destroyed since: that one may be this one, read before its delete (any erasure will
        do, as they are rare; the next read fetches the key again)."""
        now = self._monotonic()
        with self._lock:
            if self._erasures != erasures:
                return
            self._sweep_if_due(now)
            if len(self._cache) >= _CACHE_ENTRIES:
                self._cache.clear()
            self._cache[subject] = (now, key)


def _opener(key: bytes, subject: UUID) -> Opener:
    open_one = cipher.opener(key, subject)
    return lambda token: None if token is None else open_one(token)


class PlaintextVault(Vault):
    """Stores values in clear. Exists only as the negative control of the no-clear-text scan."""

    def sealer(self, subject: UUID) -> Seal:
        return lambda plaintext: Sealed(subject=subject, token=plaintext)

    def open(self, sealed: Sealed | None) -> str | None:
        return None if sealed is None else sealed.token
