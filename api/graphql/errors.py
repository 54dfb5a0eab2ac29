"""Expected failures are part of the schema: result-union members implementing `UserError`.

Domain refusals map one to one: the domain's `code` is kept (stable, documented) and its field
name is given as the input field's GraphQL name (`occurred_at` → `occurredAt`), as a path when the
input nests (`personalData.firstName`: `input_paths`).
"""

import strawberry

from api.graphql.input_paths import NO_PATHS, Paths, path_of
from domain import errors


@strawberry.interface
class UserError:
    code: str
    message: str
    field: str | None


@strawberry.type
class InvalidInput(UserError):
    pass


@strawberry.type
class NotPermitted(UserError):
    pass


@strawberry.type
class NotFound(UserError):
    pass


@strawberry.type
class RuleViolation(UserError):
    pass


def camel(name: str | None) -> str | None:
    """The GraphQL name of a field or of a path into a nested input, step by step:
    `competences[1].monthly_capacity` → `competences[1].monthlyCapacity`."""
    if name is None:
        return None
    return ".".join(_camel_step(step) for step in name.split("."))


def _camel_step(step: str) -> str:
    head, *rest = step.split("_")
    return head + "".join(part.capitalize() for part in rest)


UserErrorType = InvalidInput | NotPermitted | NotFound | RuleViolation


def user_error(error: errors.DomainError, paths: Paths = NO_PATHS) -> UserErrorType:
    """The refusal as the contract's member; its field as the path in the input (`paths`)."""
    kind: type[UserErrorType] = RuleViolation
    if isinstance(error, errors.InvalidInput):
        kind = InvalidInput
    elif isinstance(error, errors.NotPermitted):
        kind = NotPermitted
    elif isinstance(error, errors.NotFound):
        kind = NotFound
    return kind(code=error.code, message=error.message, field=camel(path_of(error.field, paths)))
