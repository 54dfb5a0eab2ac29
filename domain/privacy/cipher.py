"""AES-256-GCM sealing of personal values and wrapping of subject keys.

The `cryptography` package's AEAD is used as is: a random 96-bit nonce per value, the subject id
as associated data. Nothing here is home-made cryptography.
"""

import base64
import os
from collections.abc import Callable
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.privacy.sealed import Sealed

KEY_BYTES = 32
_NONCE_BYTES = 12


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def seal(key: bytes, subject: UUID, plaintext: str) -> Sealed:
    nonce = os.urandom(_NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), subject.bytes)
    return Sealed(subject=subject, token=base64.b64encode(nonce + ciphertext).decode("ascii"))


def open_sealed(key: bytes, sealed: Sealed) -> str:
    return opener(key, sealed.subject)(sealed.token)


def opener(key: bytes, subject: UUID) -> Callable[[str], str]:
    """Opens tokens of one subject with the cipher set up once (a timeline page opens a
    hundred)."""
    aead = AESGCM(key)
    bound = subject.bytes

    def open_token(token: str) -> str:
        raw = base64.b64decode(token)
        return aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], bound).decode("utf-8")

    return open_token


def wrap(kek: bytes, subject: UUID, key: bytes) -> bytes:
    """Encrypts a subject key under the key-encryption key, bound to the subject id."""
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(kek).encrypt(nonce, key, b"parcours-subject-key:" + subject.bytes)


def unwrap(kek: bytes, subject: UUID, wrapped: bytes) -> bytes:
    nonce, ciphertext = wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:]
    return AESGCM(kek).decrypt(nonce, ciphertext, b"parcours-subject-key:" + subject.bytes)


__all__ = ["KEY_BYTES", "InvalidTag", "new_key", "open_sealed", "opener", "seal", "unwrap", "wrap"]
