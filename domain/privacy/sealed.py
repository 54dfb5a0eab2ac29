"""The sealed value: what the ledger stores instead of a personal value."""

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class Sealed:
    """Ciphertext of one personal value, readable only with its subject's key.

    `subject` names the key (the young person, or a practice note), never the content; the token
    is `nonce || ciphertext || tag`, base64-encoded, bound to the subject as associated data so a
    token copied onto another person's record does not open.
    """

    subject: UUID
    token: str


Seal = Callable[[str], Sealed]
"""Seals a plaintext with one subject's key: handed to aggregates so they decide and seal once."""
