"""What every mutation does around its command: authorise, run off the event loop, translate
refusals into `UserError` members, and wait (bounded) until the read models show the result."""

from collections.abc import Callable
from uuid import UUID

from api import policy
from api.graphql.context import Info, off_loop
from api.graphql.errors import NotFound, NotPermitted, RuleViolation, UserErrorType, user_error
from api.graphql.ids import uuid_of
from api.graphql.input_paths import NO_PATHS, Paths
from api.policy import Capability
from domain import errors

Failure = UserErrorType


def refused(info: Info, capability: Capability) -> NotPermitted | None:
    """The refusal of a viewer whose role lacks the capability, before anything is looked up."""
    viewer = info.context.viewer
    if policy.allows(viewer, capability):
        return None
    return NotPermitted(
        code=errors.NotPermitted.code, message=policy.refusal(viewer, capability), field=None
    )


async def sees_case(info: Info, young_person_id: str) -> bool:
    facts = await info.context.loaders.facts.load(young_person_id)
    return facts is not None and policy.may_see_case(info.context.viewer, facts)


async def perform(
    info: Info,
    capability: Capability,
    command: Callable[[], UUID],
    *,
    case: str | None = None,
    paths: Paths = NO_PATHS,
) -> UUID | Failure:
    """Runs `command` for the viewer. `case` is the global id of the young person the command
    acts on: a case the viewer may not see is answered exactly as an unknown id, so commands
    cannot be used to find out whether someone is followed by the network. `paths` says where
    the fields of nested inputs are, for the refusal's `field`."""
    denied = refused(info, capability)
    if denied is not None:
        return denied
    key = None if case is None else uuid_of(case, "YoungPerson")
    if key is not None and not await sees_case(info, str(key)):
        return NotFound(
            code=errors.NotFound.code, message="no such young person", field="youngPersonId"
        )
    try:
        outcome = await off_loop(command)
    except errors.DomainError as refusal:
        return user_error(refusal, paths)
    await off_loop(info.context.parcours.settle)
    info.context.loaders.clear()
    return outcome


def malformed(field: str, kind: str) -> Failure:
    """The `InvalidInput` of a global id that does not parse (named as `need_id` names it)."""
    return user_error(errors.InvalidInput(f"{field} is not the id of a {kind}", field=field))


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
