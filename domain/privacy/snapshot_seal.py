"""Snapshots carry a tag only the instance can make, and a load trusts none without it.

The hash chain covers the log, and snapshots are not in it: they are derived, taken as case
files grow. But a command decides on the state it loads, and a cold load starts from the latest
snapshot: someone with write access to the database who rewrote a snapshot — the lead
association of a case, say — had every later command decide on forged state, and what those
commands recorded was chained like any honest event, so `audit verify` passed before and after.

So every snapshot's stored state carries an HMAC-SHA-256 under a key derived (HKDF) from the
key-encryption key, which never sits in the database, and the name of that KEK; the HMAC
covers the snapshot's stream, version and topic too, which are stored in columns of their own
(moved to its case's head version, a genuine old snapshot would hide every event after it).
A load whose snapshot does not verify — altered or moved, written before this seal, or sealed
under a KEK since retired — ignores it and folds the case's events from the start, which the
chain does cover; the next snapshot due is sealed again. A snapshot is only an optimisation,
so refusing it costs time, never correctness.
"""

import hmac
from functools import lru_cache
from uuid import UUID

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from domain.privacy.keyring import Keyring

MARK = b"PS1"
_TAG = 32
_INFO = b"parcours snapshot integrity v1"


class SnapshotRefused(Exception):
    """A snapshot whose tag does not verify: it is not used."""


class SnapshotUnverifiable(SnapshotRefused):
    """Taken before snapshots were sealed, or sealed under a KEK no longer held: not evidence
    of tampering, only a snapshot that cannot be trusted."""


class SnapshotAltered(SnapshotRefused):
    """Sealed under a KEK held, and its tag does not match: it was changed after it was
    written."""


class SnapshotSeal:
    """Seals a stored snapshot's state together with its stream, version and topic (the
    columns beside it: a genuine snapshot moved to the head version of its case, or into
    another case, would otherwise still verify), and opens only what it sealed. The state
    stays readable: it holds only what the events hold, sealed fields sealed."""

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring

    def seal(self, stream: UUID, version: int, topic: str, state: bytes) -> bytes:
        current = self._keyring.current
        name = current.kek_id.encode()
        tag = _tag(current.key, name, stream, version, topic, state)
        return MARK + bytes([len(name)]) + name + tag + state

    def open(self, stream: UUID, version: int, topic: str, sealed: bytes) -> bytes:
        """The state, or `SnapshotRefused`: `SnapshotAltered` when it was changed or moved,
        `SnapshotUnverifiable` when it carries no seal or one under a KEK no longer held."""
        if not sealed.startswith(MARK):
            raise SnapshotUnverifiable("the snapshot carries no seal (taken before snapshots were)")
        found = _parts(sealed)
        if found is None:
            raise SnapshotAltered("the snapshot was altered: its seal is cut short")
        name, tag, state = found
        try:
            kek = self._keyring.named(name.decode())
        except (LookupError, UnicodeDecodeError):
            msg = "the snapshot was sealed under a key no longer held"
            raise SnapshotUnverifiable(msg) from None
        if not hmac.compare_digest(tag, _tag(kek.key, name, stream, version, topic, state)):
            raise SnapshotAltered("the snapshot was altered or moved: its seal does not match")
        return state

    def sealed_under(self, sealed: bytes) -> str | None:
        """The name of the KEK a snapshot was sealed under (None without a whole seal)."""
        found = _parts(sealed) if sealed.startswith(MARK) else None
        return None if found is None else found[0].decode(errors="replace")

    def resealed(self, stream: UUID, version: int, topic: str, sealed: bytes) -> bytes:
        """The snapshot sealed again under the current KEK (a rotation: once the previous KEK
        is destroyed, a snapshot sealed under it verifies no more); refused like `open`."""
        return self.seal(stream, version, topic, self.open(stream, version, topic, sealed))

    @property
    def current(self) -> str:
        return self._keyring.current.kek_id


def _parts(sealed: bytes) -> tuple[bytes, bytes, bytes] | None:
    """A sealed snapshot's KEK name, tag and state (None when cut short): `MARK`, the name's
    length in one byte, the name, the tag, the state."""
    at = len(MARK)
    length = sealed[at] if len(sealed) > at else 0
    tag_at = at + 1 + length
    if len(sealed) < tag_at + _TAG:
        return None
    return sealed[at + 1 : tag_at], sealed[tag_at : tag_at + _TAG], sealed[tag_at + _TAG :]


def _tag(kek: bytes, name: bytes, stream: UUID, version: int, topic: str, state: bytes) -> bytes:
    topic_bytes = topic.encode()
    message = b"".join(
        (
            len(name).to_bytes(2, "big"),
            name,
            stream.bytes,
            version.to_bytes(8, "big", signed=True),
            len(topic_bytes).to_bytes(4, "big"),
            topic_bytes,
            state,
        )
    )
    return hmac.digest(_derived(kek), message, "sha256")


@lru_cache(maxsize=8)  # the current KEK and those kept during a rotation
def _derived(kek: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=_INFO).derive(kek)
