"""Expected failures are part of the schema: result-union members implementing `UserError`.

Domain refusals map one to one: the domain's `code` is kept (stable, documented) and its field
name is given as the input field's GraphQL name (`occurred_at` → `occurredAt`).
"""

import strawberry

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
    if name is None:
        return None
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


UserErrorType = InvalidInput | NotPermitted | NotFound | RuleViolation


def user_error(error: errors.DomainError) -> UserErrorType:
    kind: type[UserErrorType] = RuleViolation
    if isinstance(error, errors.InvalidInput):
        kind = InvalidInput
    elif isinstance(error, errors.NotPermitted):
        kind = NotPermitted
    elif isinstance(error, errors.NotFound):
        kind = NotFound
    return kind(code=error.code, message=error.message, field=camel(error.field))
