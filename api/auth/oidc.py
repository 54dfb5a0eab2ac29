"""Tokens from the network's identity provider (OpenID Connect), verified against its JWKS.

Only asymmetric algorithms are accepted: the provider signs, this API only holds public keys,
so a compromised API process cannot mint tokens the provider's other clients would trust.
"""

import contextlib
import json
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import jwt
from jwt import PyJWK, PyJWKClient, PyJWKSet

from api.auth.decoding import decode_claims, refuse_algorithm, unverified_header
from api.auth.errors import AuthConfigurationError, AuthenticationError, KeysUnavailable
from api.auth.viewer import Viewer, viewer_from_claims

OIDC_ALGORITHMS = ("RS256", "ES256")
OIDC_REQUIRED_CLAIMS = ("sub", "exp", "iss", "aud")
"""`role` is checked by `viewer_from_claims`; `iat` and `jti` are optional for providers."""
JWKS_TIMEOUT_SECONDS = 5.0
JWKS_CACHE_SECONDS = 300.0
JWKS_GRACE_SECONDS = 3600.0
"""How long keys that verified tokens keep doing so while the provider does not answer."""
JWKS_BACKOFF_SECONDS = 30.0
"""How long a failed fetch of the provider's keys is not tried again."""


class KeySource(Protocol):
    """Finds the public key a token's header points at (by `kid`)."""

    def key_for(self, header: Mapping[str, Any]) -> PyJWK: ...


class JwksFile:
    """Keys from a JWKS file, re-read when the file changes: keys rotate without a restart (a
    mounted secret or config map is replaced in place)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._stamp, self._keys = self._load()

    def key_for(self, header: Mapping[str, Any]) -> PyJWK:
        with self._lock:
            if self._stamp != self._current_stamp():
                # A half-written or broken replacement keeps the last good keys in service; the
                # changed stamp is not remembered, so the next request tries the file again.
                with contextlib.suppress(AuthConfigurationError):
                    self._stamp, self._keys = self._load()
            keys = self._keys
        return choose_key(keys, header.get("kid"))

    def _current_stamp(self) -> tuple[int, int]:
        try:
            status = self._path.stat()
        except OSError:
            return self._stamp  # keep serving the last good keys while the file is replaced
        return (status.st_mtime_ns, status.st_size)

    def _load(self) -> tuple[tuple[int, int], list[PyJWK]]:
        where = f"PARCOURS_OIDC_JWKS ({self._path})"
        try:
            status = self._path.stat()
            document = json.loads(self._path.read_text(encoding="utf-8"))
            key_set = PyJWKSet.from_dict(document if isinstance(document, dict) else {})
        except OSError as error:
            raise AuthConfigurationError(f"{where} cannot be read: {error.strerror}") from None
        except (ValueError, jwt.PyJWTError):
            raise AuthConfigurationError(f"{where} is not a JSON Web Key Set") from None
        keys = [
            key
            for key in key_set.keys
            if key.public_key_use in ("sig", None) and key.algorithm_name in OIDC_ALGORITHMS
        ]
        if not keys:
            accepted = " or ".join(OIDC_ALGORITHMS)
            raise AuthConfigurationError(f"{where} holds no {accepted} signing key")
        return (status.st_mtime_ns, status.st_size), keys


class JwksUrl:
    """Keys fetched over https from the provider and cached; an unknown `kid` triggers one
    refetch (rate-limited by PyJWKClient), which is how providers announce a new key.

    During a provider outage the keys that verified tokens lately still do, for
    `grace` seconds after the provider last answered, and a failed fetch is not tried again
    for `backoff` seconds: PyJWKClient fetches under a global lock with a 5-second timeout, so
    once its cache expired every OIDC request queued behind the previous one's timeout, holding
    a store thread each, and every user was refused although their keys had not changed."""

    def __init__(
        self,
        url: str,
        *,
        lifespan: float = JWKS_CACHE_SECONDS,
        grace: float = JWKS_GRACE_SECONDS,
        backoff: float = JWKS_BACKOFF_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = PyJWKClient(url, lifespan=lifespan, timeout=JWKS_TIMEOUT_SECONDS)
        self._grace, self._backoff, self._clock = grace, backoff, clock
        self._known: dict[str, PyJWK] = {}
        self._answered_at: float | None = None
        self._failed_at: float | None = None

    def key_for(self, header: Mapping[str, Any]) -> PyJWK:
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise AuthenticationError("token header names no key id (kid)")
        now = self._clock()
        if self._failed_at is not None and now - self._failed_at < self._backoff:
            return self._kept(kid, now)
        try:
            key = self._client.get_signing_key(kid)
        except jwt.PyJWKClientConnectionError:
            self._failed_at = now
            return self._kept(kid, now)
        except jwt.PyJWKSetError:
            msg = "the identity provider publishes no usable key right now; retry later"
            raise KeysUnavailable(msg) from None
        except jwt.PyJWKClientError:
            raise AuthenticationError(_UNKNOWN_KEY) from None
        self._failed_at, self._answered_at = None, now
        self._known[kid] = key
        return key

    def _kept(self, kid: str, now: float) -> PyJWK:
        """A key that verified tokens before the provider stopped answering, while in grace."""
        key = self._known.get(kid)
        fresh = self._answered_at is not None and now - self._answered_at < self._grace
        if key is None or not fresh:
            msg = "the identity provider's keys cannot be fetched right now; retry later"
            raise KeysUnavailable(msg)
        return key


_UNKNOWN_KEY = "token is signed with a key the identity provider does not publish"


def choose_key(keys: list[PyJWK], kid: object) -> PyJWK:
    """The key named by `kid`; without a `kid`, the only key there is, if there is only one."""
    if kid is None:
        if len(keys) == 1:
            return keys[0]
        raise AuthenticationError("token header names no key id (kid) and several keys exist")
    for key in keys:
        if key.key_id == kid:
            return key
    raise AuthenticationError(_UNKNOWN_KEY)


class OidcVerifier:
    """Verifies RS256/ES256 tokens of one provider: its keys, its issuer, this API's audience."""

    algorithms = OIDC_ALGORITHMS

    def __init__(self, issuer: str, audience: str, keys: KeySource) -> None:
        self.issuer = issuer
        self.audience = audience
        self._keys = keys

    def verify(self, token: str) -> Viewer:
        return self.verify_signed(token, unverified_header(token))

    def verify_signed(self, token: str, header: Mapping[str, Any]) -> Viewer:
        """`verify` for a caller that already read (and refused `none` in) the header."""
        algorithm = header.get("alg")
        if algorithm not in OIDC_ALGORITHMS:
            raise refuse_algorithm(OIDC_ALGORITHMS)
        claims = decode_claims(
            token,
            self._keys.key_for(header),
            algorithms=OIDC_ALGORITHMS,
            issuer=self.issuer,
            audience=self.audience,
            required=OIDC_REQUIRED_CLAIMS,
        )
        return viewer_from_claims(claims)


def key_source(jwks: str) -> KeySource:
    """An https URL is fetched; anything else is a file path (Settings refuses other URLs)."""
    if jwks.startswith("https://"):
        return JwksUrl(jwks)
    return JwksFile(Path(jwks))
