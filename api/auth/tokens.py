"""The instance's own bearer tokens (HS256) and the one verifier the API consults.

An instance can trust its own tokens (issued by `parcours token issue`), the network's identity
provider (OIDC), or both. The verifier picks the path by the header's algorithm: HMAC tokens only
ever meet the instance secret and RS256/ES256 tokens only the provider's public keys, so neither
key can be used to forge the other kind.
"""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import jwt

from api.auth.decoding import bearer_token, decode_claims, refuse_algorithm, unverified_header
from api.auth.durations import DEFAULT_TTL, check_ttl
from api.auth.errors import AuthConfigurationError
from api.auth.oidc import OidcVerifier, key_source
from api.auth.secret import MIN_SECRET_BYTES, development_secret
from api.auth.viewer import Viewer, association_named, role_named, user_named, viewer_from_claims
from api.settings import Environment, Settings
from domain.vocabulary import Role

AUDIENCE = "parcours-api"
"""Every token this API accepts names it, so a token minted for another service is refused."""
INSTANCE_ALGORITHM = "HS256"
INSTANCE_REQUIRED_CLAIMS = ("sub", "role", "iat", "exp", "iss", "aud", "jti")


class InstanceTokens:
    """Issues and verifies HS256 tokens signed with this instance's secret."""

    algorithms = (INSTANCE_ALGORITHM,)

    def __init__(self, secret: bytes, issuer: str = "parcours") -> None:
        if len(secret) < MIN_SECRET_BYTES:
            msg = f"the token signing secret must be at least {MIN_SECRET_BYTES} bytes"
            raise AuthConfigurationError(msg)
        self._secret = secret
        self.issuer = issuer

    def issue(
        self,
        user_id: str,
        role: Role,
        association_id: UUID | None = None,
        *,
        ttl: timedelta = DEFAULT_TTL,
        now: datetime | None = None,
    ) -> str:
        """A signed token for the principal, or `InvalidTokenRequest` naming the bad input; the
        same rules as verification, so no token is issued that the API would then refuse."""
        user_named(user_id)
        role_named(role.value)
        association = association_named(role, association_id)
        issued_at = int((now or datetime.now(UTC)).timestamp())
        claims: dict[str, Any] = {
            "sub": user_id,
            "role": role.value,
            "iat": issued_at,
            "exp": issued_at + int(check_ttl(ttl).total_seconds()),
            "iss": self.issuer,
            "aud": AUDIENCE,
            "jti": str(uuid4()),
        }
        if association is not None:
            claims["association"] = str(association)
        return jwt.encode(claims, self._secret, algorithm=INSTANCE_ALGORITHM)

    def verify(self, token: str) -> Viewer:
        return self.verify_signed(token, unverified_header(token))

    def verify_signed(self, token: str, header: Mapping[str, Any]) -> Viewer:
        """`verify` for a caller that already read (and refused `none` in) the header."""
        if header.get("alg") != INSTANCE_ALGORITHM:
            raise refuse_algorithm(self.algorithms)
        claims = decode_claims(
            token,
            self._secret,
            algorithms=self.algorithms,
            issuer=self.issuer,
            audience=AUDIENCE,
            required=INSTANCE_REQUIRED_CLAIMS,
        )
        return viewer_from_claims(claims)


class TokenVerifier:
    """The API's single entry point: a token or an Authorization header in, a `Viewer` out, or
    an `AuthenticationError` whose message can be shown to the caller as it is."""

    def __init__(
        self, *, instance: InstanceTokens | None = None, oidc: OidcVerifier | None = None
    ) -> None:
        if instance is None and oidc is None:
            msg = "a token verifier needs instance tokens, an OIDC provider, or both"
            raise AuthConfigurationError(msg)
        self.instance = instance
        self.oidc = oidc

    @property
    def algorithms(self) -> tuple[str, ...]:
        instance = self.instance.algorithms if self.instance else ()
        oidc = self.oidc.algorithms if self.oidc else ()
        return instance + oidc

    def verify(self, token: str) -> Viewer:
        header = unverified_header(token)
        algorithm = header.get("alg")
        if self.instance is not None and algorithm in self.instance.algorithms:
            return self.instance.verify_signed(token, header)
        if self.oidc is not None and algorithm in self.oidc.algorithms:
            return self.oidc.verify_signed(token, header)
        raise refuse_algorithm(self.algorithms)

    def verify_authorization(self, authorization: str | None) -> Viewer:
        """The viewer of an `Authorization: Bearer <token>` header value (None if absent)."""
        return self.verify(bearer_token(authorization))


def instance_tokens_from_settings(settings: Settings) -> InstanceTokens | None:
    """Signed with PARCOURS_JWT_SECRET, else (outside production) with a secret generated into
    the data dir; None in production without a secret, where only the provider's tokens count."""
    if settings.jwt_secret is not None:
        secret = settings.jwt_secret.get_secret_value().encode("utf-8")
    elif settings.env is Environment.PRODUCTION:
        return None
    else:
        secret = development_secret(settings.data_dir)
    return InstanceTokens(secret, settings.jwt_issuer)


def oidc_verifier_from_settings(settings: Settings) -> OidcVerifier | None:
    """The provider's verifier when PARCOURS_OIDC_* are set (Settings checks they come together).

    A JWKS file is read now, so an unreadable one stops start-up instead of every request."""
    if settings.oidc_issuer is None or settings.oidc_audience is None or settings.oidc_jwks is None:
        return None
    return OidcVerifier(
        settings.oidc_issuer, settings.oidc_audience, key_source(settings.oidc_jwks)
    )


def verifier_from_settings(settings: Settings) -> TokenVerifier:
    """Built once per app at start-up (and stored on `app.state.token_verifier`); raises
    `AuthConfigurationError` when the settings cannot yield one."""
    return TokenVerifier(
        instance=instance_tokens_from_settings(settings), oidc=oidc_verifier_from_settings(settings)
    )
