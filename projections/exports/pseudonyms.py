"""Keyed pseudonyms: HMAC-SHA256 of an identifier under a study's secret.

The same study secret gives the same pseudonym to the same young person in every export of that
study, so an evaluator can follow a cohort from one year to the next. Another study has another
secret, so its pseudonyms are unrelated: without either secret, two exports cannot be joined.
Every identifier a young person's rows carry (their case, needs, goals, referrals…) is
pseudonymised, not only the person's: a raw referral id common to two exports would link them.
The kind of identifier is part of the message, so a need and a goal never share a pseudonym.
"""

import hashlib
import hmac

LENGTH = 32
"""Hex characters kept: 128 bits, far beyond any collision in a network's lifetime."""
PREFIX = "parcours-pseudonym:v1:"
BLOCK = 64
"""SHA-256's block size: HMAC pads (or first hashes) its key to it."""


class Pseudonymiser:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def __repr__(self) -> str:
        return "Pseudonymiser(<secret>)"

    def of(self, kind: str, identifier: str) -> str:
        message = f"{PREFIX}{kind}:{identifier}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:LENGTH]

    def maybe(self, kind: str, identifier: object) -> str | None:
        return None if identifier is None else self.of(kind, str(identifier))

    def pads(self) -> dict[str, bytes]:
        """HMAC's inner and outer padded keys, so a query engine can compute the same pseudonyms
        column-wise as SHA-256(outer ‖ SHA-256(inner ‖ message)) (RFC 2104). They are the secret
        in another form: bind them as query parameters only, never into a statement's text, a
        table, a file or a log."""
        key = self._secret
        if len(key) > BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(BLOCK, b"\0")
        return {"inner": bytes(b ^ 0x36 for b in key), "outer": bytes(b ^ 0x5C for b in key)}
