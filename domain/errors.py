"""Typed domain errors: every refusal names the rule and, where there is one, the field.

The API maps these one to one onto the contract's `UserError` members, so the `code` values are
part of the public contract and must stay stable.
"""


class DomainError(Exception):
    """A command was refused; nothing was recorded."""

    code = "DOMAIN_ERROR"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class InvalidInput(DomainError):
    """The command's input breaks a rule on its own, whatever the ledger's state."""

    code = "INVALID_INPUT"


class NotPermitted(DomainError):
    """The actor may not do this (wrong association, not involved, not the addressee...)."""

    code = "NOT_PERMITTED"


class NotFound(DomainError):
    """The command names something the ledger does not know."""

    code = "NOT_FOUND"


class RuleViolation(DomainError):
    """The command is well formed but the ledger's state forbids it now."""

    code = "RULE_VIOLATION"


class IdempotencyConflict(RuleViolation):
    """An idempotency key was reused for a different command."""

    code = "IDEMPOTENCY_KEY_REUSED"
