"""Who is calling, as proved by a token, and the rules any token's principal must satisfy.

The same rules guard issuing (so the CLI never mints a token the API would refuse) and verifying
(so a token from an identity provider gets no more than one we issued ourselves).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from api.auth.errors import AuthenticationError, InvalidTokenRequest
from domain.actor import Actor
from domain.errors import InvalidInput
from domain.rules import require_user_id
from domain.vocabulary import Role

TOKEN_ROLES = tuple(role for role in Role if role is not Role.SYSTEM)
"""SYSTEM is the ledger acting by itself; no person or program may ever hold it."""
ASSOCIATION_ROLES = frozenset({Role.WORKER, Role.COORDINATOR})
"""Roles that act for one association, and so must name it."""


@dataclass(frozen=True)
class Viewer:
    """The authenticated caller. Equality is the principal's (user, role, association); the
    token's id and expiry ride along for the access log and for closing long-lived connections
    (subscriptions) when the token runs out."""

    user_id: str
    role: Role
    association_id: UUID | None = None
    token_id: str | None = field(default=None, compare=False)
    expires_at: datetime | None = field(default=None, compare=False)

    @property
    def actor(self) -> Actor:
        """The domain's view of the caller, carried by every command and recorded in events."""
        return Actor(user_id=self.user_id, role=self.role, association_id=self.association_id)


def user_named(value: object) -> str:
    """A user id: the `sub` that audits show as "who", held to the domain's rules for a user id
    (`require_user_id`). Looser here, a subject with a C1 control or a lone surrogate was
    authenticated and then failed every read as an unexpected error, and one the domain
    refused as a referent failed enrolments on a field the caller never sent."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidTokenRequest("the user id must be a non-empty string", field="user")
    if value != value.strip():
        msg = "the user id must not begin or end with spaces"
        raise InvalidTokenRequest(msg, field="user")
    try:
        return require_user_id(value, "user")
    except InvalidInput as refused:  # "user must …": the rule it broke, said of the user id
        msg = "the user id" + refused.message.removeprefix("user")
        raise InvalidTokenRequest(msg, field="user") from None


def role_named(value: object) -> Role:
    """One of `TOKEN_ROLES` by its exact name; SYSTEM is refused with its own reason."""
    if value == Role.SYSTEM.value:
        msg = "the SYSTEM role is internal to the ledger and is never granted by a token"
        raise InvalidTokenRequest(msg, field="role")
    for role in TOKEN_ROLES:
        if value == role.value:
            return role
    known = ", ".join(role.value for role in TOKEN_ROLES)
    problem = "a role is required" if value is None else "the role is unknown"
    raise InvalidTokenRequest(f"{problem}; one of {known}", field="role")


def association_named(role: Role, value: object) -> UUID | None:
    """The association a WORKER or COORDINATOR acts for; refused for the other roles.

    Refused rather than ignored: the domain grants "acts for this association" from the actor's
    association alone (recording interventions, reading case content), so an auditor or network
    admin carrying one would gain an association's rights that DESIGN.md denies them.
    """
    if value is None:
        if role in ASSOCIATION_ROLES:
            msg = f"an association id is required for the {role.value} role"
            raise InvalidTokenRequest(msg, field="association")
        return None
    if role not in ASSOCIATION_ROLES:
        msg = f"the {role.value} role does not act for an association; give none"
        raise InvalidTokenRequest(msg, field="association")
    if isinstance(value, UUID):
        return value
    if isinstance(value, str):
        try:
            return UUID(value)
        except ValueError:
            pass
    raise InvalidTokenRequest("the association id must be a UUID", field="association")


_CLAIM_OF_FIELD = {"user": "sub", "role": "role", "association": "association"}


def viewer_from_claims(claims: Mapping[str, object]) -> Viewer:
    """The viewer a verified token's claims describe, or `AuthenticationError` naming the claim."""
    try:
        user_id = user_named(claims.get("sub"))
        role = role_named(claims.get("role"))
        association_id = association_named(role, claims.get("association"))
    except InvalidTokenRequest as error:
        claim = _CLAIM_OF_FIELD[error.field]
        raise AuthenticationError(f"token claim {claim!r} is invalid: {error.message}") from None
    token_id = claims.get("jti")
    expires = claims.get("exp")
    return Viewer(
        user_id=user_id,
        role=role,
        association_id=association_id,
        token_id=token_id if isinstance(token_id, str) else None,
        expires_at=(
            datetime.fromtimestamp(expires, UTC) if isinstance(expires, int | float) else None
        ),
    )
