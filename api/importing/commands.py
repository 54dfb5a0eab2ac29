"""Which ledger commands an import may run, and their arguments, validated from the signatures.

An imported line is validated like any command: first its arguments' shapes (by a pydantic model
derived from the ledger method's own signature, so the import can never drift from the ledger),
then every domain rule, by the very command method a front end reaches through GraphQL.
"""

import inspect
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, get_type_hints
from uuid import UUID

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from api import policy
from domain.errors import InvalidInput
from domain.ledger import Ledger

IMPORTABLE = tuple(policy.COMMANDS)
"""The history a legacy system can hand over: what happened to associations and young people.
Erasure, studies and key management are operators' acts, not history, and are left out."""

_NOT_ARGUMENTS = frozenset({"self", "actor", "idempotency_key"})


@cache
def arguments_model(command: str) -> type[BaseModel]:
    method = getattr(Ledger, command)
    hints = get_type_hints(method)
    fields: dict[str, Any] = {
        name: (hints[name], ... if p.default is inspect.Parameter.empty else p.default)
        for name, p in inspect.signature(method).parameters.items()
        if name not in _NOT_ARGUMENTS
    }
    # Strict: JSON's own types only (an ISO date, a UUID string, an enum's name), as a GraphQL
    # input takes them; lax mode turned `true` into 1, "3" or 3.0 into a severity and a Unix
    # timestamp into a date without a word.
    config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, strict=True)
    model: type[BaseModel] = create_model(f"{command}_arguments", __config__=config, **fields)
    return model


def command_of(ledger: Ledger, command: str) -> Callable[..., UUID]:
    if command not in IMPORTABLE:
        msg = f"command must be one of the importable commands, not {command!r}"
        raise InvalidInput(msg, field="command")
    method: Callable[..., UUID] = getattr(ledger, command)
    return method


def arguments(command: str, given: Mapping[str, object]) -> dict[str, object]:
    """The arguments as the command method takes them, or an `InvalidInput` naming the field."""
    try:
        parsed = arguments_model(command).model_validate_json(orjson.dumps(dict(given)))
    except ValidationError as invalid:
        first = invalid.errors()[0]
        name = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(f"args.{name}: {first['msg']}", field=f"args.{name}") from None
    return {name: getattr(parsed, name) for name in type(parsed).model_fields}
