"""What every mutation does around its command: authorise, run off the event loop, translate
refusals into `UserError` members, and wait (bounded) until the read models show the result."""

from collections.abc import Callable
from uuid import UUID

from api import policy
from api.graphql.context import Info, off_loop
from api.graphql.errors import NotFound, NotPermitted, RuleViolation, UserErrorType, user_error
from api.graphql.ids import uuid_of
from api.policy import Capability
from domain import errors

Failure = UserErrorType


async def perform(
    info: Info, capability: Capability, command: Callable[[], UUID]
) -> UUID | Failure:
    viewer = info.context.viewer
    if not policy.allows(viewer, capability):
        return NotPermitted(
            code=errors.NotPermitted.code,
            message=f"a {viewer.role.value.lower()} may not {capability.value}",
            field=None,
        )
    try:
        outcome = await off_loop(command)
    except errors.DomainError as refusal:
        return user_error(refusal)
    await off_loop(info.context.parcours.settle)
    info.context.loaders.clear()
    return outcome


def need_id(value: str, kind: str, field: str) -> UUID:
    """The UUID inside a global id, or an `InvalidInput` naming the input field."""
    found = uuid_of(value, kind)
    if found is None:
        raise errors.InvalidInput(f"{field} is not the id of a {kind}", field=field)
    return found


def optional_id(value: str | None, kind: str, field: str) -> UUID | None:
    return None if value is None else need_id(value, kind, field)


def not_visible(what: str) -> NotFound:
    return NotFound(code=errors.NotFound.code, message=f"no such {what}", field=None)


def not_yet_visible() -> RuleViolation:
    return RuleViolation(
        code="NOT_YET_VISIBLE",
        message="recorded; the read models are catching up, read it again in a moment",
        field=None,
    )
