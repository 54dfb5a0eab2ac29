"""Tokens from the identity provider, verified against a JWKS file written here (no network)."""

import base64
import hashlib
import hmac
import http.server
import os
import threading
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from api.auth.errors import AuthConfigurationError, AuthenticationError, KeysUnavailable
from api.auth.oidc import JwksFile, JwksUrl, OidcVerifier
from api.auth.tokens import InstanceTokens, TokenVerifier
from api.auth.viewer import Viewer
from domain.vocabulary import Role
from tests.auth.conftest import OIDC_AUDIENCE, OIDC_ISSUER, write_jwks
from tests.auth.support import ASSOCIATION, SECRET, b64url, claims, forge, unsigned


def provider_claims(**changes: Any) -> dict[str, Any]:
    """What a provider puts in an access token: no `jti` required, its own issuer."""
    return claims(**{"iss": OIDC_ISSUER, "aud": OIDC_AUDIENCE, "jti": None, **changes})


def rs256(key: rsa.RSAPrivateKey, payload: dict[str, Any], kid: str | None = "rsa-1") -> str:
    headers = {"kid": kid} if kid else None
    return jwt.encode(payload, key, algorithm="RS256", headers=headers)


def test_an_rs256_token_of_the_provider_is_accepted(
    oidc: OidcVerifier, rsa_key: rsa.RSAPrivateKey
) -> None:
    viewer = oidc.verify(rs256(rsa_key, provider_claims()))

    assert viewer == Viewer("worker-1", Role.WORKER, ASSOCIATION)


def test_an_es256_token_of_the_provider_is_accepted(
    oidc: OidcVerifier, ec_key: ec.EllipticCurvePrivateKey
) -> None:
    token = jwt.encode(
        provider_claims(role="AUDITOR", association=None),
        ec_key,
        algorithm="ES256",
        headers={"kid": "ec-1"},
    )

    assert oidc.verify(token) == Viewer("worker-1", Role.AUDITOR, None)


def test_an_audience_list_naming_this_api_is_accepted(
    oidc: OidcVerifier, rsa_key: rsa.RSAPrivateKey
) -> None:
    token = rs256(rsa_key, provider_claims(aud=["account", OIDC_AUDIENCE]))

    assert oidc.verify(token).user_id == "worker-1"


def test_an_hs256_token_is_refused_by_the_provider_verifier(oidc: OidcVerifier) -> None:
    token = forge(provider_claims())

    with pytest.raises(AuthenticationError, match="algorithm is not accepted here"):
        oidc.verify(token)
    with pytest.raises(AuthenticationError, match="accepted: ES256, RS256"):
        TokenVerifier(oidc=oidc).verify(token)


def test_the_public_key_used_as_an_hmac_secret_is_refused(
    oidc: OidcVerifier, rsa_key: rsa.RSAPrivateKey
) -> None:
    """The classic algorithm-confusion forgery: HS256 keyed with the provider's public key,
    signed by hand because PyJWT itself refuses to produce it."""
    public_pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = f"{b64url({'alg': 'HS256', 'kid': 'rsa-1'})}.{b64url(provider_claims())}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"

    with pytest.raises(AuthenticationError, match="algorithm is not accepted here"):
        oidc.verify(token)
    with pytest.raises(AuthenticationError, match="algorithm is not accepted here"):
        TokenVerifier(oidc=oidc).verify(token)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"iss": "https://evil.example.org"}, "not issued by"),
        ({"aud": "another-api"}, "audience"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "expired"),
        ({"nbf": int(time.time()) + 3600}, "not valid yet"),
        ({"role": None}, "a role is required"),
        ({"role": "SYSTEM"}, "SYSTEM role"),
        ({"association": None}, "association id is required"),
    ],
)
def test_provider_tokens_meet_the_same_rules(
    oidc: OidcVerifier, rsa_key: rsa.RSAPrivateKey, changes: dict[str, Any], reason: str
) -> None:
    with pytest.raises(AuthenticationError, match=reason):
        oidc.verify(rs256(rsa_key, provider_claims(**changes)))


def test_a_key_the_provider_does_not_publish_is_refused(oidc: OidcVerifier) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    with pytest.raises(AuthenticationError, match="signature does not verify"):
        oidc.verify(rs256(stranger, provider_claims()))
    with pytest.raises(AuthenticationError, match="does not publish"):
        oidc.verify(rs256(stranger, provider_claims(), kid="rsa-unknown"))


def test_without_a_kid_only_a_single_key_set_is_usable(
    tmp_path: Path, oidc: OidcVerifier, rsa_key: rsa.RSAPrivateKey
) -> None:
    token = rs256(rsa_key, provider_claims(), kid=None)
    with pytest.raises(AuthenticationError, match="several keys"):
        oidc.verify(token)

    single = write_jwks(tmp_path / "single.json", rsa_key=rsa_key)
    verifier = OidcVerifier(OIDC_ISSUER, OIDC_AUDIENCE, JwksFile(single))
    assert verifier.verify(token).user_id == "worker-1"


def test_unsigned_tokens_are_refused(oidc: OidcVerifier) -> None:
    with pytest.raises(AuthenticationError, match="alg none"):
        oidc.verify(unsigned(provider_claims()))


def test_a_rotated_key_file_is_picked_up_without_a_restart(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey
) -> None:
    path = write_jwks(tmp_path / "jwks.json", rsa_key=rsa_key)
    verifier = OidcVerifier(OIDC_ISSUER, OIDC_AUDIENCE, JwksFile(path))
    assert verifier.verify(rs256(rsa_key, provider_claims())).user_id == "worker-1"

    successor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    write_jwks(path, rsa_key=successor, rsa_kid="rsa-2")
    later = time.time_ns() + 1_000_000_000
    os.utime(path, ns=(later, later))

    assert verifier.verify(rs256(successor, provider_claims(), kid="rsa-2")).user_id == "worker-1"
    with pytest.raises(AuthenticationError, match="does not publish"):
        verifier.verify(rs256(rsa_key, provider_claims()))


def test_a_broken_replacement_file_keeps_the_last_good_keys(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey
) -> None:
    path = write_jwks(tmp_path / "jwks.json", rsa_key=rsa_key)
    verifier = OidcVerifier(OIDC_ISSUER, OIDC_AUDIENCE, JwksFile(path))

    path.write_text('{"keys": [')
    later = time.time_ns() + 1_000_000_000
    os.utime(path, ns=(later, later))

    assert verifier.verify(rs256(rsa_key, provider_claims())).user_id == "worker-1"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("not json", "not a JSON Web Key Set"),
        ("[1, 2]", "not a JSON Web Key Set"),
        ('{"keys": []}', "not a JSON Web Key Set"),
        ('{"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "x"}]}', "no RS256 or ES256"),
    ],
)
def test_an_unusable_jwks_file_stops_start_up(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(content)

    with pytest.raises(AuthConfigurationError, match=reason) as refused:
        JwksFile(path)
    assert "PARCOURS_OIDC_JWKS" in str(refused.value)


def test_a_missing_jwks_file_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(AuthConfigurationError, match="cannot be read"):
        JwksFile(tmp_path / "absent.json")


def test_both_kinds_of_token_are_accepted_when_both_are_configured(
    oidc: OidcVerifier, rsa_key: rsa.RSAPrivateKey
) -> None:
    instance = InstanceTokens(SECRET)
    verifier = TokenVerifier(instance=instance, oidc=oidc)

    mine = verifier.verify(instance.issue("cli-user", Role.NETWORK_ADMIN))
    theirs = verifier.verify(rs256(rsa_key, provider_claims()))

    assert (mine.user_id, theirs.user_id) == ("cli-user", "worker-1")
    with pytest.raises(AuthenticationError, match="not issued by"):
        verifier.verify(forge(provider_claims(jti="j")))  # HS256 with the provider's issuer


def test_an_unreachable_provider_is_reported_as_unavailable(rsa_key: rsa.RSAPrivateKey) -> None:
    """Port 1 on the loopback refuses at once: the fetch fails without leaving the machine."""
    verifier = OidcVerifier(OIDC_ISSUER, OIDC_AUDIENCE, JwksUrl("https://127.0.0.1:1/jwks"))

    with pytest.raises(KeysUnavailable, match="retry later"):
        verifier.verify(rs256(rsa_key, provider_claims()))


class _Provider(http.server.BaseHTTPRequestHandler):
    """A provider's JWKS endpoint that can go down (503); counts the fetches it was asked."""

    document = b""
    down = False
    fetches = 0

    def do_GET(self) -> None:
        type(self).fetches += 1
        status, body = (503, b"") if type(self).down else (200, type(self).document)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


def test_during_a_provider_outage_lately_used_keys_verify_and_fetches_back_off(
    jwks_path: Path, rsa_key: rsa.RSAPrivateKey
) -> None:
    """Fetches run under one lock with a 5-second timeout: once the cache expired during an
    outage, every OIDC request queued behind the previous one's and was refused anyway."""
    _Provider.document, _Provider.down, _Provider.fetches = jwks_path.read_bytes(), False, 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    now = [0.0]
    keys = JwksUrl(
        f"http://127.0.0.1:{server.server_address[1]}/jwks",
        lifespan=0.001,
        grace=3600,
        backoff=30,
        clock=lambda: now[0],
    )
    verifier = OidcVerifier(OIDC_ISSUER, OIDC_AUDIENCE, keys)
    token = rs256(rsa_key, provider_claims())
    try:
        answered = verifier.verify(token).user_id
        _Provider.down = True
        time.sleep(0.01)  # past PyJWKClient's own cache
        now[0] = 60.0
        in_outage = verifier.verify(token).user_id
        fetched = _Provider.fetches
        now[0] = 70.0
        in_backoff = verifier.verify(token).user_id
        fetches_in_backoff = _Provider.fetches - fetched
        now[0] = 3700.0
        with pytest.raises(KeysUnavailable, match="retry later"):
            verifier.verify(token)
    finally:
        server.shutdown()
        server.server_close()

    assert answered == in_outage == in_backoff == "worker-1"
    assert fetched == 2
    assert fetches_in_backoff == 0
