"""Checking one compact JWS: the bearer header, the algorithm allow-list, then PyJWT's checks,
each failure turned into its own plain-language `AuthenticationError`.

The algorithm is checked against an explicit list before any key is touched, so `alg: none` and
algorithm-confusion tricks (an HMAC token signed with a public key) never reach a verifier.
"""

from collections.abc import Collection, Sequence
from datetime import timedelta
from typing import Any

import jwt
from jwt import PyJWK
from jwt.exceptions import InvalidJTIError, InvalidSubjectError

from api.auth.errors import AuthenticationError

MAX_TOKEN_LENGTH = 8192
"""Far above any real token; bounds the work an unauthenticated caller can make us do."""
LEEWAY = timedelta(seconds=30)
"""Clock skew tolerated between the token's issuer and this process."""


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header (scheme case-insensitive)."""
    if authorization is None or not authorization.strip():
        msg = "missing Authorization header; send 'Authorization: Bearer <token>'"
        raise AuthenticationError(msg)
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise AuthenticationError("the Authorization header must use the Bearer scheme")
    token = token.strip()
    if not token:
        raise AuthenticationError("the Bearer token is empty")
    return token


def unverified_header(token: str) -> dict[str, Any]:
    """The token's header, read only to choose a key and refuse unsigned tokens early."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise AuthenticationError(f"token is longer than {MAX_TOKEN_LENGTH} characters")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise AuthenticationError("token is malformed: not a signed JWT") from None
    algorithm = header.get("alg")
    if not isinstance(algorithm, str) or not algorithm:
        raise AuthenticationError("token header names no signing algorithm")
    if algorithm.lower() == "none":
        raise AuthenticationError("unsigned tokens (alg none) are refused")
    return header


def refuse_algorithm(accepted: Collection[str]) -> AuthenticationError:
    """The refusal of an algorithm outside `accepted`, listing what is accepted instead."""
    listed = ", ".join(sorted(accepted)) or "none configured"
    return AuthenticationError(f"token algorithm is not accepted here; accepted: {listed}")


def _mismatched_algorithm(accepted: Collection[str]) -> str:
    listed = ", ".join(sorted(accepted))
    return f"token algorithm is not accepted here or does not fit its key; accepted: {listed}"


def decode_claims(
    token: str,
    key: PyJWK | bytes,
    *,
    algorithms: Sequence[str],
    issuer: str,
    audience: str,
    required: Sequence[str],
) -> dict[str, Any]:
    """The verified claims, or an `AuthenticationError` saying which check failed."""
    try:
        return jwt.decode(
            token,
            key,
            algorithms=list(algorithms),
            issuer=issuer,
            audience=audience,
            leeway=LEEWAY,
            options={"require": list(required), "enforce_minimum_key_length": True},
        )
    except jwt.PyJWTError as error:
        raise AuthenticationError(_explain(error, issuer, audience, algorithms)) from None


def _explain(error: jwt.PyJWTError, issuer: str, audience: str, algorithms: Sequence[str]) -> str:
    """One sentence per failure; subclasses are tested before the classes they extend."""
    if isinstance(error, jwt.ExpiredSignatureError):
        return "token has expired; ask for a new one"
    if isinstance(error, jwt.ImmatureSignatureError):
        return "token is not valid yet (its nbf or iat is in the future)"
    if isinstance(error, jwt.InvalidAudienceError):
        return f"token is not meant for this API (audience must be {audience!r})"
    if isinstance(error, jwt.InvalidIssuerError):
        return f"token was not issued by {issuer!r}"
    if isinstance(error, jwt.MissingRequiredClaimError):
        return f"token lacks the required claim {error.claim!r}"
    if isinstance(error, jwt.InvalidAlgorithmError):
        return _mismatched_algorithm(algorithms)
    if isinstance(error, jwt.InvalidSignatureError):
        return "token signature does not verify (wrong key or altered token)"
    if isinstance(error, jwt.InvalidKeyError):
        return "token is signed with a key too weak or unfit for its algorithm"
    if isinstance(error, jwt.InvalidIssuedAtError | InvalidSubjectError | InvalidJTIError):
        return "token has a malformed iat, sub or jti claim"
    if isinstance(error, jwt.DecodeError):
        return "token is malformed: its header, payload or signature cannot be decoded"
    return "token is invalid"
