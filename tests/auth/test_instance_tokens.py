"""The instance's own HS256 tokens: what is issued verifies back, and every forgery is refused
with its own reason, never echoing the token or the secret."""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from api.auth.errors import AuthConfigurationError, AuthenticationError, InvalidTokenRequest
from api.auth.tokens import InstanceTokens, TokenVerifier
from api.auth.viewer import Viewer
from domain.actor import Actor
from domain.vocabulary import Role
from tests.auth.support import (
    ASSOCIATION,
    OTHER_SECRET,
    SECRET,
    claims,
    forge,
    tampered,
    unsigned,
)


def test_an_issued_token_verifies_back_to_its_viewer(instance: InstanceTokens) -> None:
    token = instance.issue("worker-1", Role.WORKER, ASSOCIATION, ttl=timedelta(minutes=30))

    viewer = instance.verify(token)

    assert viewer == Viewer("worker-1", Role.WORKER, ASSOCIATION)
    assert viewer.actor == Actor("worker-1", Role.WORKER, ASSOCIATION)
    assert viewer.token_id
    assert viewer.expires_at is not None
    remaining = viewer.expires_at - datetime.now(UTC)
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


@pytest.mark.parametrize("role", [Role.NETWORK_ADMIN, Role.AUDITOR, Role.EVALUATOR])
def test_roles_outside_associations_need_no_association(
    instance: InstanceTokens, role: Role
) -> None:
    viewer = instance.verify(instance.issue("someone", role))

    assert viewer == Viewer("someone", role, None)


def test_each_token_has_its_own_id(instance: InstanceTokens) -> None:
    first = instance.verify(instance.issue("u", Role.AUDITOR))
    second = instance.verify(instance.issue("u", Role.AUDITOR))

    assert first.token_id != second.token_id


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(AuthConfigurationError, match="at least 32 bytes"):
        InstanceTokens(b"too short")


@pytest.mark.parametrize(
    ("user", "role", "association", "ttl", "field"),
    [
        ("", Role.AUDITOR, None, timedelta(hours=1), "user"),
        ("bad\nuser", Role.AUDITOR, None, timedelta(hours=1), "user"),
        ("x" * 256, Role.AUDITOR, None, timedelta(hours=1), "user"),
        ("bad\x85user", Role.AUDITOR, None, timedelta(hours=1), "user"),  # a C1 control
        ("bad\ud800user", Role.AUDITOR, None, timedelta(hours=1), "user"),  # a lone surrogate
        (" padded", Role.AUDITOR, None, timedelta(hours=1), "user"),
        ("u", Role.SYSTEM, None, timedelta(hours=1), "role"),
        ("u", Role.WORKER, None, timedelta(hours=1), "association"),
        ("u", Role.COORDINATOR, None, timedelta(hours=1), "association"),
        ("u", Role.AUDITOR, ASSOCIATION, timedelta(hours=1), "association"),
        ("u", Role.AUDITOR, None, timedelta(0), "ttl"),
        ("u", Role.AUDITOR, None, timedelta(days=30, seconds=1), "ttl"),
    ],
)
def test_no_token_is_issued_that_the_api_would_refuse(
    instance: InstanceTokens,
    user: str,
    role: Role,
    association: UUID | None,
    ttl: timedelta,
    field: str,
) -> None:
    with pytest.raises(InvalidTokenRequest) as refused:
        instance.issue(user, role, association, ttl=ttl)

    assert refused.value.field == field


def _expired() -> str:
    past = int(time.time()) - 7200
    return forge(claims(iat=past, exp=past + 3600))


REFUSALS = [
    pytest.param(lambda: "not-a-jwt", "malformed", id="malformed"),
    pytest.param(lambda: "a.b.c", "malformed", id="garbage-segments"),
    pytest.param(lambda: forge(key=OTHER_SECRET), "signature does not verify", id="wrong-key"),
    pytest.param(
        lambda: tampered(forge(), role="COORDINATOR"),
        "signature does not verify",
        id="tampered-payload",
    ),
    pytest.param(unsigned, "alg none", id="alg-none"),
    pytest.param(lambda: unsigned(alg="None"), "alg none", id="alg-None"),
    pytest.param(lambda: forge(algorithm="HS512"), "not accepted here", id="alg-HS512"),
    pytest.param(_expired, "expired", id="expired"),
    pytest.param(
        lambda: forge(claims(nbf=int(time.time()) + 3600)), "not valid yet", id="future-nbf"
    ),
    pytest.param(
        lambda: forge(claims(iat=int(time.time()) + 3600)), "not valid yet", id="future-iat"
    ),
    pytest.param(lambda: forge(claims(iss="someone-else")), "not issued by", id="wrong-issuer"),
    pytest.param(lambda: forge(claims(aud="another-api")), "audience", id="wrong-audience"),
    pytest.param(lambda: forge(claims(exp=None)), "'exp'", id="no-exp"),
    pytest.param(lambda: forge(claims(jti=None)), "'jti'", id="no-jti"),
    pytest.param(lambda: forge(claims(role=None)), "'role'", id="no-role"),
    pytest.param(lambda: forge(claims(role="SUPERUSER")), "role is unknown", id="unknown-role"),
    pytest.param(lambda: forge(claims(role="worker")), "role is unknown", id="lowercase-role"),
    pytest.param(lambda: forge(claims(role="SYSTEM")), "SYSTEM role", id="system-role"),
    pytest.param(
        lambda: forge(claims(association=None)), "association id is required", id="no-association"
    ),
    pytest.param(
        lambda: forge(claims(association="not-a-uuid")), "must be a UUID", id="bad-association"
    ),
    pytest.param(
        lambda: forge(claims(role="AUDITOR")), "does not act for an association", id="auditor-assoc"
    ),
    pytest.param(lambda: forge(claims(sub="")), "'sub'", id="empty-sub"),
    pytest.param(lambda: forge(claims(sub="x\x85y")), "'sub'", id="c1-control-sub"),
    pytest.param(lambda: forge(claims(sub="x\udcffy")), "'sub'", id="lone-surrogate-sub"),
    pytest.param(lambda: forge(claims(sub="x" * 256)), "'sub'", id="long-sub"),
]


@pytest.mark.parametrize(("make", "reason"), REFUSALS)
def test_forged_tokens_are_refused_with_their_reason(
    verifier: TokenVerifier, make: Callable[[], str], reason: str
) -> None:
    token = make()

    with pytest.raises(AuthenticationError) as refused:
        verifier.verify(token)

    assert reason in refused.value.message
    assert token not in refused.value.message
    assert SECRET.decode() not in refused.value.message


def test_a_subject_the_domain_takes_as_a_referent_is_accepted(instance: InstanceTokens) -> None:
    """The longest subject OpenID Connect allows is a user id the domain takes too: such a
    worker's enrolment names them as its referent."""
    longest = "u" * 255

    token = instance.issue(longest, Role.AUDITOR, None)

    assert instance.verify(token).user_id == longest


def test_a_token_far_too_long_is_refused_before_parsing(verifier: TokenVerifier) -> None:
    with pytest.raises(AuthenticationError, match="longer than"):
        verifier.verify("a" * 10_000)


def test_a_token_just_expired_is_accepted_within_the_clock_skew(verifier: TokenVerifier) -> None:
    now = int(time.time())
    token = forge(claims(iat=now - 3600, exp=now - 5))

    assert verifier.verify(token).user_id == "worker-1"


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing Authorization header"),
        ("", "missing Authorization header"),
        ("Basic dXNlcjpwYXNz", "Bearer scheme"),
        ("Token abc", "Bearer scheme"),
        ("Bearer", "empty"),
        ("Bearer    ", "empty"),
        ("Bearer not.a.jwt", "malformed"),
    ],
)
def test_authorization_headers_are_read_strictly(
    verifier: TokenVerifier, header: str | None, reason: str
) -> None:
    with pytest.raises(AuthenticationError, match=reason):
        verifier.verify_authorization(header)


def test_the_bearer_scheme_is_case_insensitive(
    verifier: TokenVerifier, instance: InstanceTokens
) -> None:
    token = instance.issue("u", Role.EVALUATOR)

    assert verifier.verify_authorization(f"bearer {token}").role is Role.EVALUATOR


def test_a_verifier_needs_something_to_trust() -> None:
    with pytest.raises(AuthConfigurationError):
        TokenVerifier()
