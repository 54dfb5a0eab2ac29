"""The FastAPI dependency on a tiny app: 401 with a Bearer challenge for every failure, 200 with
a good token; and the websocket `connection_init` helper."""

import time
from collections.abc import Callable

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.auth.dependencies import CurrentViewer, viewer_from_connection_params
from api.auth.errors import AuthenticationError
from api.auth.oidc import JwksUrl, OidcVerifier
from api.auth.tokens import InstanceTokens, TokenVerifier
from api.auth.viewer import Viewer
from domain.vocabulary import Role
from tests.auth.conftest import OIDC_AUDIENCE, OIDC_ISSUER
from tests.auth.support import (
    ASSOCIATION,
    OTHER_SECRET,
    SECRET,
    claims,
    forge,
    tampered,
    unsigned,
)


def api(verifier: TokenVerifier | None) -> FastAPI:
    app = FastAPI()
    if verifier is not None:
        app.state.token_verifier = verifier

    @app.get("/me")
    def me(viewer: CurrentViewer) -> dict[str, str | None]:
        association = str(viewer.association_id) if viewer.association_id else None
        return {"user": viewer.user_id, "role": viewer.role.value, "association": association}

    return app


@pytest.fixture
def client(verifier: TokenVerifier) -> TestClient:
    return TestClient(api(verifier))


def test_a_good_token_reaches_the_route(client: TestClient, instance: InstanceTokens) -> None:
    token = instance.issue("worker-1", Role.WORKER, ASSOCIATION)

    response = client.get("/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert response.json() == {
        "user": "worker-1",
        "role": "WORKER",
        "association": str(ASSOCIATION),
    }


def _past() -> str:
    then = int(time.time()) - 7200
    return forge(claims(iat=then, exp=then + 60))


FAILURES: list[tuple[str, Callable[[], str], str]] = [
    ("not-bearer", lambda: "Basic dXNlcjpwYXNz", "Bearer scheme"),
    ("empty", lambda: "Bearer ", "empty"),
    ("malformed", lambda: "Bearer abc.def", "malformed"),
    ("wrong-key", lambda: f"Bearer {forge(key=OTHER_SECRET)}", "signature does not verify"),
    ("tampered", lambda: f"Bearer {tampered(forge(), sub='admin')}", "signature does not verify"),
    ("alg-none", lambda: f"Bearer {unsigned()}", "alg none"),
    ("expired", lambda: f"Bearer {_past()}", "expired"),
    (
        "future-nbf",
        lambda: f"Bearer {forge(claims(nbf=int(time.time()) + 600))}",
        "not valid yet",
    ),
    ("wrong-issuer", lambda: f"Bearer {forge(claims(iss='other'))}", "not issued by"),
    ("wrong-audience", lambda: f"Bearer {forge(claims(aud='other'))}", "audience"),
    ("unknown-role", lambda: f"Bearer {forge(claims(role='ROOT'))}", "role is unknown"),
    ("system-role", lambda: f"Bearer {forge(claims(role='SYSTEM'))}", "SYSTEM role"),
    (
        "worker-without-association",
        lambda: f"Bearer {forge(claims(association=None))}",
        "association id is required",
    ),
]


@pytest.mark.parametrize(
    ("make", "reason"),
    [(make, reason) for _, make, reason in FAILURES],
    ids=[f[0] for f in FAILURES],
)
def test_every_failure_is_a_401_with_a_bearer_challenge(
    client: TestClient, make: Callable[[], str], reason: str
) -> None:
    header = make()

    response = client.get("/me", headers={"Authorization": header})

    assert response.status_code == 401
    assert reason in response.json()["detail"]
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    presented = header.removeprefix("Bearer ")
    assert not presented or presented not in response.text
    assert SECRET.decode() not in response.text


def test_no_header_is_a_401_with_a_plain_challenge(client: TestClient) -> None:
    response = client.get("/me")

    assert response.status_code == 401
    assert "missing Authorization header" in response.json()["detail"]
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_an_unreachable_provider_is_a_503_to_retry(rsa_key: rsa.RSAPrivateKey) -> None:
    oidc = OidcVerifier(OIDC_ISSUER, OIDC_AUDIENCE, JwksUrl("https://127.0.0.1:1/jwks"))
    token = jwt.encode(
        claims(iss=OIDC_ISSUER), rsa_key, algorithm="RS256", headers={"kid": "rsa-1"}
    )

    response = TestClient(api(TokenVerifier(oidc=oidc))).get(
        "/me", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"


def test_an_app_without_a_verifier_is_a_wiring_error() -> None:
    with pytest.raises(RuntimeError, match=r"app\.state\.token_verifier"):
        TestClient(api(None)).get("/me", headers={"Authorization": "Bearer x.y.z"})


def test_connection_params_carry_an_authorization_header(
    verifier: TokenVerifier, instance: InstanceTokens
) -> None:
    token = instance.issue("c", Role.COORDINATOR, ASSOCIATION)
    expected = Viewer("c", Role.COORDINATOR, ASSOCIATION)

    assert viewer_from_connection_params({"Authorization": f"Bearer {token}"}, verifier) == expected
    assert viewer_from_connection_params({"authorization": f"Bearer {token}"}, verifier) == expected
    assert viewer_from_connection_params({"authToken": token}, verifier) == expected


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        (None, "missing credentials"),
        ({}, "missing credentials"),
        ({"token": "abc"}, "missing credentials"),
        ({"Authorization": 42}, "must be a string"),
        ({"Authorization": "Basic abc"}, "Bearer scheme"),
        ({"authToken": ""}, "non-empty string"),
        ({"authToken": "a.b.c"}, "malformed"),
    ],
)
def test_connection_params_without_good_credentials_are_refused(
    verifier: TokenVerifier, params: dict[str, object] | None, reason: str
) -> None:
    with pytest.raises(AuthenticationError, match=reason):
        viewer_from_connection_params(params, verifier)


def test_an_expired_token_in_connection_params_is_refused(verifier: TokenVerifier) -> None:
    with pytest.raises(AuthenticationError, match="expired"):
        viewer_from_connection_params({"authToken": _past()}, verifier)
