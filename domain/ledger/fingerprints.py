"""What a keyed command carried: a fingerprint of its arguments, kept in its receipt.

An idempotency key says "this is the same request again". Reused for a request that differs —
the enrolment of someone else, a need in another domain — it is not a retry, and answering with
the first outcome dropped the second request without a word (an import file that reused a key
lost a young person, and the lines after it went to the first one's case file). So every keyed
command is fingerprinted from its arguments; the receipt keeps the fingerprint beside the
command's name (`enrol_young_person#<fingerprint>` in the `command` column, no new column), and
a key whose receipt holds another fingerprint is refused as reused. Receipts written before
fingerprints hold the name alone and accept any retry, as they did.

A fingerprint is keyed: an HMAC under a secret of the instance, kept wrapped in the key store
and made on first use (`Vault.keyed_digest`). A plain digest of an enrolment's arguments let
anyone reading the receipts confirm a guess of a name and a date of birth. The secret is not
derived from the key-encryption key: a rotation would change every fingerprint, and every
retry and re-import after it would be refused as reused. Keyed fingerprints carry a version
mark (`h1-`) and the secret's own short id (a digest under it, which tells nothing of it): a
ledger restored beside another key store has receipts under a secret this instance has not,
and two fingerprints under different secrets cannot be compared — such a retry is taken, as
are those of receipts holding the plain digests of the first version, or no fingerprint.

Ledger commands are fingerprinted by a class decorator (`fingerprint_commands`) rather than by
each command method: the arguments are read from the call itself, so no command can forget.
"""

import functools
import inspect
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar
from uuid import UUID, uuid5
from weakref import WeakKeyDictionary

import orjson

_CURRENT: ContextVar[bytes | None] = ContextVar("parcours_command_arguments", default=None)
_NOT_ARGUMENTS = frozenset({"self", "actor", "idempotency_key"})
SEPARATOR = "#"
VERSION = "h1-"
SECRET = uuid5(UUID("6f1c8a52-3b0e-4f4e-9d57-2a9c4b1e7d30"), "receipt-fingerprints")
"""The key store's subject of the fingerprints' secret (version 5: never a young person's id)."""
_SECRET_ID = b"the id of the receipt fingerprints' secret"
_ID_LENGTH = 8

C = TypeVar("C", bound=type)


class KeyedDigest(Protocol):
    def keyed_digest(self, service: UUID, data: bytes) -> bytes: ...


def current_arguments() -> bytes | None:
    """The canonical arguments of the keyed command being run on this thread, if any."""
    return _CURRENT.get()


def canonical(command: str, arguments: Mapping[str, object]) -> bytes:
    """The command and the arguments given (not their defaults), serialised so that the same
    request sent again gives the same bytes.

    orjson refuses a string that is not valid Unicode (a lone surrogate), which the command
    itself refuses, naming the field, once it runs: such arguments are given by their `repr`,
    which escapes the surrogate, so that the fingerprint does not fail first as an unexpected
    error. Nothing under such a fingerprint is ever stored."""
    document = {"command": command, "arguments": arguments}
    try:
        return orjson.dumps(
            document, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str
        )
    except TypeError:
        return b"repr:" + repr(document).encode("utf-8", "backslashreplace")


def fingerprint(arguments: bytes, vault: KeyedDigest) -> str:
    """The arguments' keyed fingerprint, as a receipt keeps it: the secret's id, the digest."""
    return VERSION + _secret_id(vault) + vault.keyed_digest(SECRET, arguments).hex()[:32]


_SECRET_IDS: "WeakKeyDictionary[KeyedDigest, str]" = WeakKeyDictionary()


def _secret_id(vault: KeyedDigest) -> str:
    """The secret's id, computed once per vault: the secret is never replaced (a second HMAC
    on every keyed command for a constant)."""
    known = _SECRET_IDS.get(vault)
    if known is None:
        known = vault.keyed_digest(SECRET, _SECRET_ID).hex()[:_ID_LENGTH]
        _SECRET_IDS[vault] = known
    return known


def differ(first: str, second: str) -> bool:
    """Whether two fingerprints tell of other arguments: made under the same secret, and not
    the same (under different secrets they cannot be compared)."""
    mark = len(VERSION) + _ID_LENGTH
    return first[:mark] == second[:mark] and first != second


def given_arguments(signature: inspect.Signature) -> Callable[..., dict[str, Any]]:
    """The arguments a call gives by name, as `signature.bind(...).arguments` has them.

    `Signature.bind` was a tenth of a keyed command's time. A call of a signature without
    `*args` or `**kwargs` whose positional arguments fit and whose keywords are its own
    parameters, none given twice, binds by name directly; any other call goes through `bind`,
    which raises the same `TypeError` the command itself would."""
    parameters = signature.parameters.values()
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters):
        return lambda *args, **kwargs: dict(signature.bind(*args, **kwargs).arguments)
    positional = tuple(
        p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    )
    by_keyword = frozenset(p.name for p in parameters if p.kind is not p.POSITIONAL_ONLY)

    def given(*args: Any, **kwargs: Any) -> dict[str, Any]:
        named = positional[: len(args)]
        if (
            len(args) > len(positional)
            or not by_keyword.issuperset(kwargs)
            or not kwargs.keys().isdisjoint(named)
        ):
            return dict(signature.bind(*args, **kwargs).arguments)
        return {**dict(zip(named, args, strict=True)), **kwargs}

    return given


def _fingerprinted(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    given_by = given_arguments(inspect.signature(method))

    @functools.wraps(method)
    def keyed(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("idempotency_key") is None:
            return method(*args, **kwargs)
        given = given_by(*args, **kwargs)
        arguments = {k: v for k, v in given.items() if k not in _NOT_ARGUMENTS}
        token = _CURRENT.set(canonical(name, arguments))
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
    """A receipt's command name and keyed fingerprint (None for receipts written before them,
    and for the plain digests of the first version)."""
    name, _, kept = recorded_command.partition(SEPARATOR)
    return name, kept if kept.startswith(VERSION) else None
