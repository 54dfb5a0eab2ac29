"""Start-up refusals: production needs a way to verify tokens, and errors name the variables
without repeating the secrets they were given."""

import base64
import os
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from api.auth.errors import AuthenticationError
from api.auth.secret import JWT_SECRET_FILE
from api.auth.tokens import verifier_from_settings
from api.settings import Environment, Settings
from domain.vocabulary import Role
from tests.auth.conftest import OIDC_AUDIENCE, OIDC_ISSUER
from tests.auth.support import claims, forge

MASTER_KEY = base64.b64encode(bytes(range(32))).decode()
GOOD_SECRET = "a-production-secret-of-enough-length-0123456789"


def production(tmp_path: Path, **values: object) -> Settings:
    return Settings(
        env=Environment.PRODUCTION,
        data_dir=tmp_path / "var",
        master_key=MASTER_KEY,
        **values,  # type: ignore[arg-type]
    )


def test_production_refuses_to_start_without_a_way_to_verify_tokens(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as refused:
        production(tmp_path)

    message = str(refused.value)
    for variable in (
        "PARCOURS_JWT_SECRET",
        "PARCOURS_OIDC_ISSUER",
        "PARCOURS_OIDC_AUDIENCE",
        "PARCOURS_OIDC_JWKS",
    ):
        assert variable in message


def test_production_refuses_from_the_environment_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARCOURS_ENV", "production")
    monkeypatch.setenv("PARCOURS_MASTER_KEY", MASTER_KEY)
    monkeypatch.setenv("PARCOURS_DATA_DIR", str(tmp_path))

    with pytest.raises(ValidationError, match="PARCOURS_JWT_SECRET"):
        Settings()

    monkeypatch.setenv("PARCOURS_JWT_SECRET", GOOD_SECRET)
    assert Settings().jwt_secret == SecretStr(GOOD_SECRET)


def test_production_accepts_a_secret_and_generates_nothing(tmp_path: Path) -> None:
    settings = production(tmp_path, jwt_secret=GOOD_SECRET)

    verifier = verifier_from_settings(settings)

    assert verifier.instance is not None
    assert verifier.oidc is None
    assert not (settings.data_dir / JWT_SECRET_FILE).exists()
    token = verifier.instance.issue("admin", Role.NETWORK_ADMIN)
    assert verifier.verify(token).role is Role.NETWORK_ADMIN


def test_production_accepts_oidc_alone_and_then_trusts_only_the_provider(
    tmp_path: Path, jwks_path: Path
) -> None:
    settings = production(
        tmp_path, oidc_issuer=OIDC_ISSUER, oidc_audience=OIDC_AUDIENCE, oidc_jwks=str(jwks_path)
    )

    verifier = verifier_from_settings(settings)

    assert verifier.instance is None
    assert verifier.oidc is not None
    assert not (settings.data_dir / JWT_SECRET_FILE).exists()
    with pytest.raises(AuthenticationError, match="accepted: ES256, RS256"):
        verifier.verify(forge(claims()))


def test_a_short_secret_is_refused_without_being_echoed(tmp_path: Path) -> None:
    short = "sixteen-chars-xx"

    with pytest.raises(ValidationError) as refused:
        production(tmp_path, jwt_secret=short)

    assert "PARCOURS_JWT_SECRET must be at least 32 bytes" in str(refused.value)
    assert short not in str(refused.value)


@pytest.mark.parametrize(
    "given",
    [
        {"oidc_issuer": OIDC_ISSUER},
        {"oidc_issuer": OIDC_ISSUER, "oidc_audience": OIDC_AUDIENCE},
        {"oidc_jwks": "/etc/parcours/jwks.json"},
    ],
)
def test_oidc_settings_come_together(tmp_path: Path, given: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="must be set too") as refused:
        Settings(env=Environment.TEST, data_dir=tmp_path, **given)  # type: ignore[arg-type]

    assert "PARCOURS_OIDC_" in str(refused.value)


@pytest.mark.parametrize("jwks", ["http://id.example.org/jwks", "file:///etc/jwks.json"])
def test_the_jwks_is_an_https_url_or_a_file(tmp_path: Path, jwks: str) -> None:
    with pytest.raises(ValidationError, match="PARCOURS_OIDC_JWKS must be an https"):
        Settings(
            env=Environment.TEST,
            data_dir=tmp_path,
            oidc_issuer=OIDC_ISSUER,
            oidc_audience=OIDC_AUDIENCE,
            oidc_jwks=jwks,
        )


def test_outside_production_a_secret_is_generated_into_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(env=Environment.DEVELOPMENT, data_dir=tmp_path / "var")

    first = verifier_from_settings(settings)
    second = verifier_from_settings(settings)

    path = settings.data_dir / JWT_SECRET_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert first.instance is not None
    token = first.instance.issue("dev", Role.AUDITOR)
    assert second.verify(token).user_id == "dev"


@pytest.mark.parametrize("origin", ["https://app.example/path", "app.example", "null"])
def test_a_cors_origin_is_an_origin_as_browsers_send_it(tmp_path: Path, origin: str) -> None:
    """The origins also decide which pages may open a websocket: a malformed one is named at
    start, not met when the app is built."""
    with pytest.raises(ValidationError, match="PARCOURS_CORS_ORIGINS") as refused:
        Settings(data_dir=tmp_path, cors_origins=(origin,))

    assert origin in str(refused.value)
