"""Forging tokens for the refusal tests: good claims to start from, and tokens PyJWT would never
produce on its own (unsigned, tampered)."""

import base64
import json
import time
from typing import Any
from uuid import UUID

import jwt

SECRET = b"0123456789abcdef" * 4 + b"-test-secret"
OTHER_SECRET = b"fedcba9876543210" * 4 + b"-other-secret"
ASSOCIATION = UUID("7b0f2f0e-3c1e-4a8e-9d3b-2f6a1c5e8d90")
ISSUER = "parcours"
AUDIENCE = "parcours-api"


def claims(**changes: Any) -> dict[str, Any]:
    """A worker's valid instance claims; `name=None` removes a claim."""
    now = int(time.time())
    base: dict[str, Any] = {
        "sub": "worker-1",
        "role": "WORKER",
        "association": str(ASSOCIATION),
        "iat": now,
        "exp": now + 3600,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "jti": "jti-1",
    }
    base.update(changes)
    return {name: value for name, value in base.items() if value is not None}


def forge(
    payload: dict[str, Any] | None = None,
    *,
    key: Any = SECRET,
    algorithm: str = "HS256",
    headers: dict[str, Any] | None = None,
) -> str:
    return jwt.encode(payload or claims(), key, algorithm=algorithm, headers=headers)


def b64url(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def unsigned(payload: dict[str, Any] | None = None, alg: str = "none") -> str:
    """`alg: none`, built by hand: header, payload and an empty signature."""
    return f"{b64url({'alg': alg, 'typ': 'JWT'})}.{b64url(payload or claims())}."


def tampered(token: str, **changes: Any) -> str:
    """The token with its payload rewritten and its original signature kept."""
    header, payload, signature = token.split(".")
    padded = payload + "=" * (-len(payload) % 4)
    decoded = json.loads(base64.urlsafe_b64decode(padded))
    decoded.update(changes)
    return f"{header}.{b64url(decoded)}.{signature}"
