"""Keys and verifiers for the authentication tests; nothing here touches the network."""

import json
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from api.auth.oidc import JwksFile, OidcVerifier
from api.auth.tokens import InstanceTokens, TokenVerifier
from tests.auth.support import SECRET

OIDC_ISSUER = "https://id.example.org/realms/network"
OIDC_AUDIENCE = "parcours-api"
PARCOURS_PREFIX = "PARCOURS_"


@pytest.fixture(autouse=True)
def _no_parcours_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings read the environment; a developer's own PARCOURS_* must not change outcomes."""
    for name in list(os.environ):
        if name.startswith(PARCOURS_PREFIX):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def write_jwks(
    path: Path,
    *,
    rsa_key: rsa.RSAPrivateKey | None = None,
    ec_key: ec.EllipticCurvePrivateKey | None = None,
    rsa_kid: str = "rsa-1",
) -> Path:
    """A JWKS file with the public halves only, as a provider publishes them."""
    keys = []
    if rsa_key is not None:
        jwk = RSAAlgorithm.to_jwk(rsa_key.public_key(), as_dict=True)
        keys.append({**jwk, "kid": rsa_kid, "use": "sig", "alg": "RS256"})
    if ec_key is not None:
        jwk = ECAlgorithm.to_jwk(ec_key.public_key(), as_dict=True)
        keys.append({**jwk, "kid": "ec-1", "use": "sig", "alg": "ES256"})
    path.write_text(json.dumps({"keys": keys}))
    return path


@pytest.fixture
def jwks_path(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey, ec_key: ec.EllipticCurvePrivateKey
) -> Path:
    return write_jwks(tmp_path / "jwks.json", rsa_key=rsa_key, ec_key=ec_key)


@pytest.fixture
def instance() -> InstanceTokens:
    return InstanceTokens(SECRET)


@pytest.fixture
def oidc(jwks_path: Path) -> OidcVerifier:
    return OidcVerifier(OIDC_ISSUER, OIDC_AUDIENCE, JwksFile(jwks_path))


@pytest.fixture
def verifier(instance: InstanceTokens) -> TokenVerifier:
    return TokenVerifier(instance=instance)
