"""Key-encryption keys: the current one wraps new subject keys; older ones only unwrap, for
the time of a rotation. Rotating re-wraps every subject key under the current KEK, after
which the old KEK can be destroyed — and with it any residue of destroyed subject keys that
dead tuples, WAL segments or backups may still hold, wrapped under it."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.privacy import cipher


@dataclass(frozen=True)
class KeyEncryptionKey:
    """A KEK and its name; the name is stored beside every key it wraps."""

    kek_id: str
    key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.key) != cipher.KEY_BYTES:
            msg = f"key-encryption key must be {cipher.KEY_BYTES} bytes, got {len(self.key)}"
            raise ValueError(msg)


@dataclass(frozen=True)
class Keyring:
    current: KeyEncryptionKey
    previous: Mapping[str, KeyEncryptionKey] = field(default_factory=dict)

    def named(self, kek_id: str) -> KeyEncryptionKey:
        if kek_id == self.current.kek_id:
            return self.current
        try:
            return self.previous[kek_id]
        except KeyError:
            msg = f"key-encryption key {kek_id!r} is not configured (rotated away?)"
            raise LookupError(msg) from None
