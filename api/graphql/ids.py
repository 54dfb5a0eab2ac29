"""Global ids: opaque to clients, `base64url("Type:uuid")` underneath.

A malformed or foreign id is reported as not found — the same answer as an id of something the
viewer may not see, so ids leak nothing.
"""

import base64
import binascii
from uuid import UUID

import strawberry


def to_global(kind: str, key: object) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode("ascii"))


def parse_global(value: str) -> tuple[str, str] | None:
    try:
        kind, _, key = base64.urlsafe_b64decode(value.encode("ascii")).decode().partition(":")
    except (binascii.Error, UnicodeError, ValueError):
        return None
    return (kind, key) if kind and key else None


def uuid_of(value: str, kind: str) -> UUID | None:
    """The UUID inside a global id of the expected kind, or None."""
    parsed = parse_global(value)
    if parsed is None or parsed[0] != kind:
        return None
    try:
        return UUID(parsed[1])
    except ValueError:
        return None
