"""What a keyed command carried: a fingerprint of its arguments, kept in its receipt.

An idempotency key says "this is the same request again". Reused for a request that differs —
the enrolment of someone else, a need in another domain — it is not a retry, and answering with
the first outcome dropped the second request without a word (an import file that reused a key
lost a young person, and the lines after it went to the first one's case file). So every keyed
command is fingerprinted from its arguments; the receipt keeps the fingerprint beside the
command's name (`enrol_young_person#<fingerprint>` in the `command` column, no new column), and
a key whose receipt holds another fingerprint is refused as reused. Receipts written before
fingerprints hold the name alone and accept any retry, as they did.

Ledger commands are fingerprinted by a class decorator (`fingerprint_commands`) rather than by
each command method: the arguments are read from the call itself, so no command can forget.
"""

import functools
import hashlib
import inspect
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any, TypeVar

import orjson

_CURRENT: ContextVar[str | None] = ContextVar("parcours_command_fingerprint", default=None)
_NOT_ARGUMENTS = frozenset({"self", "actor", "idempotency_key"})
SEPARATOR = "#"

C = TypeVar("C", bound=type)


def current() -> str | None:
    """The fingerprint of the keyed command being run on this thread, if any."""
    return _CURRENT.get()


def fingerprint_of(command: str, arguments: Mapping[str, object]) -> str:
    """A stable digest of the command and the arguments given (not their defaults): the same
    request sent again gives the same fingerprint."""
    canonical = orjson.dumps(
        {"command": command, "arguments": arguments},
        option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS,
        default=str,
    )
    return hashlib.sha256(canonical).hexdigest()[:32]


def _fingerprinted(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(method)

    @functools.wraps(method)
    def keyed(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("idempotency_key") is None:
            return method(*args, **kwargs)
        given = signature.bind(*args, **kwargs).arguments
        arguments = {k: v for k, v in given.items() if k not in _NOT_ARGUMENTS}
        token = _CURRENT.set(fingerprint_of(name, arguments))
        try:
            return method(*args, **kwargs)
        finally:
            _CURRENT.reset(token)

    return keyed


def fingerprint_commands(cls: C) -> C:
    """Fingerprints every public method of `cls` that takes an `idempotency_key`."""
    for name in dir(cls):
        method = getattr(cls, name)
        if name.startswith("_") or not callable(method) or isinstance(method, type):
            continue
        try:
            parameters = inspect.signature(method).parameters
        except (TypeError, ValueError):
            continue
        if "idempotency_key" in parameters:
            setattr(cls, name, _fingerprinted(name, method))
    return cls


def recorded(command: str, fingerprint: str | None) -> str:
    """The command as its receipt records it."""
    return command if fingerprint is None else f"{command}{SEPARATOR}{fingerprint}"


def parts(recorded_command: str) -> tuple[str, str | None]:
    """A receipt's command name and fingerprint (None for receipts written before them)."""
    name, _, fingerprint = recorded_command.partition(SEPARATOR)
    return name, fingerprint or None
