"""One settings object, read from `PARCOURS_*` environment variables and validated at start.

A production instance refuses to start on development conveniences (a generated key-encryption
key in the data directory); every error names the variable at fault.
"""

import base64
import binascii
from enum import Enum
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from strawberry.http.websocket_origin import normalize_allowed_origins


class Environment(Enum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PARCOURS_",
        frozen=True,
        extra="ignore",
        # Validation errors would otherwise print every input, secrets and DB passwords included.
        hide_input_in_errors=True,
    )

    env: Environment = Environment.DEVELOPMENT
    data_dir: Path = Path("./var")
    database_url: str | None = None
    """`postgresql://user@host:port/db` for PostgreSQL; unset for embedded SQLite files."""
    database_schema: str = Field(default="public", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    master_key: str | None = None
    """Base64 of the 32-byte key-encryption key; generated into the data dir in development."""
    master_key_id: str = Field(default="kek-1", min_length=1, max_length=64)
    previous_master_keys: dict[str, str] = Field(default_factory=dict)
    """During a KEK rotation: the previous KEKs by id (JSON), so keys they wrap still open until
    `parcours keys rotate` re-wrapped them; remove them afterwards."""
    key_cache_seconds: float = Field(default=30.0, ge=0, le=3600)
    aggregate_cache_size: int = Field(default=1000, ge=0, le=1_000_000)
    """Aggregates commands keep in memory between commands (the working set: trusted for a
    second, then fast-forwarded from the store; a stale one only costs a retry); 0 disables it."""
    referral_expiry_days: int = Field(default=30, ge=1, le=365)
    projection_batch_size: int = Field(default=1000, ge=1, le=100_000)
    policy_interval_seconds: float = Field(default=60.0, gt=0, le=86_400)
    store_lock_timeout_seconds: int = Field(default=10, ge=1, le=600)
    """Seconds an append waits for the ledger's write lock (another process's append, or a
    lock taken by hand) before it gives up with "busy, retry": unbounded, one stuck holder left
    every writer, then every request thread, waiting for ever."""
    read_your_writes_timeout: float = Field(default=5.0, ge=0, le=60)
    """Seconds a mutation waits for the read models to reach its events before answering."""
    max_body_bytes: int = Field(default=1_000_000, ge=1_000, le=100_000_000)
    """Requests with a larger body get 413."""
    cors_origins: tuple[str, ...] = ()
    """Origins allowed to call the API from a browser (JSON list, e.g. ["https://app.example"])."""
    audit_key_file: Path | None = None
    """The Ed25519 key signing audit checkpoints (default: `audit-signing.key` in the data dir);
    keep it, and the checkpoints, away from the database."""
    ready_lag_bound: int = Field(default=1000, ge=0)
    """/readyz answers 503 when a served projection is more events than this behind the log."""
    jwt_secret: SecretStr | None = None
    """HS256 secret of the instance's own bearer tokens, at least 32 bytes; generated into the data
    dir (`jwt.secret`) outside production."""
    jwt_issuer: str = Field(default="parcours", min_length=1, max_length=200)
    """The `iss` of the instance's own tokens."""
    oidc_issuer: str | None = Field(default=None, min_length=1)
    """The identity provider's issuer (`iss` of its tokens); set with the audience and JWKS."""
    oidc_audience: str | None = Field(default=None, min_length=1)
    """The `aud` the provider puts in tokens meant for this API."""
    oidc_jwks: str | None = Field(default=None, min_length=1)
    """The provider's public keys (JWKS): an https:// URL or a file path."""

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("postgresql://", "postgres://")):
            msg = "PARCOURS_DATABASE_URL must be a postgresql:// URL (unset it for SQLite)"
            raise ValueError(msg)
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        """Origins as browsers send them (`https://app.example`, no path): they also decide
        which pages may open a websocket, where a malformed one stopped the server at start."""
        try:
            normalize_allowed_origins(value)
        except ValueError as error:
            msg = f"PARCOURS_CORS_ORIGINS: {error}"
            raise ValueError(msg) from None
        return value

    @field_validator("master_key")
    @classmethod
    def _key_of_32_bytes(cls, value: str | None) -> str | None:
        if value is not None and not _is_key(value):
            msg = "PARCOURS_MASTER_KEY must be the base64 of exactly 32 random bytes"
            raise ValueError(msg)
        return value

    @field_validator("previous_master_keys")
    @classmethod
    def _previous_keys_of_32_bytes(cls, value: dict[str, str]) -> dict[str, str]:
        for kek_id, key in value.items():
            if not _is_key(key):
                msg = f"PARCOURS_PREVIOUS_MASTER_KEYS[{kek_id!r}] must be base64 of 32 bytes"
                raise ValueError(msg)
        return value

    @field_validator("jwt_secret")
    @classmethod
    def _secret_of_32_bytes(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().encode("utf-8")) < 32:
            msg = "PARCOURS_JWT_SECRET must be at least 32 bytes (e.g. secrets.token_urlsafe(48))"
            raise ValueError(msg)
        return value

    @field_validator("oidc_jwks")
    @classmethod
    def _jwks_https_or_file(cls, value: str | None) -> str | None:
        if value is not None and "://" in value and not value.startswith("https://"):
            msg = "PARCOURS_OIDC_JWKS must be an https:// URL or a file path"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _tokens_can_be_verified(self) -> "Settings":
        oidc = {
            "PARCOURS_OIDC_ISSUER": self.oidc_issuer,
            "PARCOURS_OIDC_AUDIENCE": self.oidc_audience,
            "PARCOURS_OIDC_JWKS": self.oidc_jwks,
        }
        missing = [name for name, value in oidc.items() if value is None]
        if 0 < len(missing) < len(oidc):
            msg = f"{' and '.join(missing)} must be set too: OIDC needs issuer, audience and JWKS"
            raise ValueError(msg)
        if self.env is Environment.PRODUCTION and self.jwt_secret is None and missing:
            msg = (
                "PARCOURS_JWT_SECRET, or PARCOURS_OIDC_ISSUER, PARCOURS_OIDC_AUDIENCE and "
                "PARCOURS_OIDC_JWKS, are required when PARCOURS_ENV=production"
            )
            raise ValueError(msg)
        return self

    @model_validator(mode="after")
    def _production_needs_keys(self) -> "Settings":
        if self.env is Environment.PRODUCTION and self.master_key is None:
            msg = "PARCOURS_MASTER_KEY is required when PARCOURS_ENV=production"
            raise ValueError(msg)
        return self

    @property
    def uses_postgres(self) -> bool:
        return self.database_url is not None


def _is_key(text: str) -> bool:
    try:
        return len(base64.b64decode(text, validate=True)) == 32
    except binascii.Error:
        return False
