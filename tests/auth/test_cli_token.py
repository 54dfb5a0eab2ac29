"""`parcours token issue`: the token alone on the last line, verifying back to the same viewer;
every bad option refused with exit 2, naming the option."""

import base64
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner, Result

from api.auth.tokens import verifier_from_settings
from api.auth.viewer import Viewer
from api.cli import app
from api.settings import Environment, Settings
from domain.vocabulary import Role
from tests.auth.conftest import OIDC_AUDIENCE, OIDC_ISSUER
from tests.auth.support import ASSOCIATION

MASTER_KEY = base64.b64encode(bytes(range(32))).decode()


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    return {"PARCOURS_DATA_DIR": str(tmp_path / "var"), "PARCOURS_ENV": "test"}


def issue(environment: dict[str, str], *options: str) -> Result:
    return CliRunner().invoke(app, ["token", "issue", *options], env=environment)


def test_the_last_line_is_a_token_for_the_same_viewer(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    result = issue(
        environment,
        "--user",
        "educ-42",
        "--role",
        "worker",
        "--association",
        str(ASSOCIATION),
        "--ttl",
        "30m",
    )

    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert result.stdout.strip() == token
    assert "valid until" in result.stderr
    settings = Settings(env=Environment.TEST, data_dir=tmp_path / "var")
    viewer = verifier_from_settings(settings).verify(token)
    assert viewer == Viewer("educ-42", Role.WORKER, ASSOCIATION)
    assert viewer.expires_at is not None


def test_the_generated_secret_is_shared_with_the_api(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    settings = Settings(env=Environment.TEST, data_dir=tmp_path / "var")
    api_verifier = verifier_from_settings(settings)  # the API started first: it made the secret

    result = issue(environment, "--user", "auditor-1", "--role", "AUDITOR")

    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert api_verifier.verify(token) == Viewer("auditor-1", Role.AUDITOR, None)


def test_a_configured_secret_and_issuer_are_used(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    secret = "a-configured-secret-of-sufficient-length-42"
    environment |= {"PARCOURS_JWT_SECRET": secret, "PARCOURS_JWT_ISSUER": "parcours-93"}

    result = issue(environment, "--user", "admin", "--role", "NETWORK_ADMIN")

    assert result.exit_code == 0, result.output
    settings = Settings(
        env=Environment.TEST,
        data_dir=tmp_path / "var",
        jwt_secret=SecretStr(secret),
        jwt_issuer="parcours-93",
    )
    assert verifier_from_settings(settings).verify(result.stdout.strip()).user_id == "admin"
    assert not (tmp_path / "var" / "jwt.secret").exists()


@pytest.mark.parametrize(
    ("options", "named", "reason"),
    [
        (["--user", "u", "--role", "AUDITOR", "--ttl", "10x"], "--ttl", "as in 90s"),
        (["--user", "u", "--role", "AUDITOR", "--ttl", "31d"], "--ttl", "at most 30d"),
        (["--user", "u", "--role", "AUDITOR", "--ttl", "0m"], "--ttl", "positive"),
        (["--user", "u", "--role", "SYSTEM"], "--role", "never granted"),
        (["--user", "u", "--role", "ROOT"], "--role", "one of WORKER"),
        (["--user", "u", "--role", "WORKER"], "--association", "required"),
        (["--user", "u", "--role", "COORDINATOR", "--association", "x"], "--association", "UUID"),
        (
            ["--user", "u", "--role", "AUDITOR", "--association", str(ASSOCIATION)],
            "--association",
            "does not act for an association",
        ),
        (["--user", " ", "--role", "AUDITOR"], "--user", "non-empty"),
    ],
)
def test_bad_options_exit_2_naming_the_option(
    environment: dict[str, str], options: list[str], named: str, reason: str
) -> None:
    result = issue(environment, *options)

    assert result.exit_code == 2
    assert named in result.stderr
    assert reason in result.stderr
    assert result.stdout == ""


def test_production_without_a_secret_issues_nothing(
    tmp_path: Path, environment: dict[str, str], jwks_path: Path
) -> None:
    environment |= {
        "PARCOURS_ENV": "production",
        "PARCOURS_MASTER_KEY": MASTER_KEY,
        "PARCOURS_OIDC_ISSUER": OIDC_ISSUER,
        "PARCOURS_OIDC_AUDIENCE": OIDC_AUDIENCE,
        "PARCOURS_OIDC_JWKS": str(jwks_path),
    }

    result = issue(environment, "--user", "u", "--role", "AUDITOR")

    assert result.exit_code == 2
    assert "PARCOURS_JWT_SECRET" in result.stderr
    assert not (tmp_path / "var" / "jwt.secret").exists()


def test_bad_settings_exit_2_naming_the_variable(environment: dict[str, str]) -> None:
    environment |= {"PARCOURS_JWT_SECRET": "short-secret"}

    result = issue(environment, "--user", "u", "--role", "AUDITOR")

    assert result.exit_code == 2
    assert "PARCOURS_JWT_SECRET must be at least 32 bytes" in result.stderr
    assert "short-secret" not in result.output
