"""A keyed command's fingerprint reads the arguments a call gives by name: the direct binding
must give exactly what `Signature.bind` gives, or every retry after the change would be refused
as a reused key (its receipt holds the fingerprint of the old binding)."""

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.ledger import Ledger, fingerprints
from domain.ledger.fingerprints import given_arguments


def keyed_command(self: object, actor: str, subject: str, /, note: str = "", *, key: str) -> None:
    del self, actor, subject, note, key


def plain_command(self: object, actor: str, kind: str = "", minutes: int = 0) -> None:
    del self, actor, kind, minutes


def open_command(self: object, actor: str, *more: str, **options: str) -> None:
    del self, actor, more, options


@st.composite
def calls(draw: st.DrawFn) -> tuple[Callable[..., None], tuple[Any, ...], dict[str, Any]]:
    """Calls of the commands, valid or not: mostly their own parameters, sometimes another."""
    commands: list[Callable[..., None]] = [keyed_command, plain_command, open_command]
    command = draw(st.sampled_from(commands))
    names = [*inspect.signature(command).parameters, "other"]
    args = tuple(draw(st.lists(st.integers(), max_size=len(names))))
    kwargs = draw(st.dictionaries(st.sampled_from(names), st.integers(), max_size=len(names)))
    return command, args, kwargs


@given(calls())
def test_a_call_binds_as_signature_bind_binds_it(
    call: tuple[Callable[..., None], tuple[Any, ...], dict[str, Any]],
) -> None:
    command, args, kwargs = call
    signature = inspect.signature(command)
    try:
        expected = dict(signature.bind(*args, **kwargs).arguments)
    except TypeError as refused:
        if "missing" in str(refused):
            return  # the command itself refuses the call once it runs (below)
        with pytest.raises(TypeError):
            given_arguments(signature)(*args, **kwargs)
        return
    assert given_arguments(signature)(*args, **kwargs) == expected


def test_a_call_missing_an_argument_is_refused_by_the_command_itself() -> None:
    ledger = type("Ledger", (), {"record": fingerprints._fingerprinted("record", plain_command)})
    with pytest.raises(TypeError, match="actor"):
        ledger().record(idempotency_key="k")


def test_the_ledger_s_keyed_commands_bind_their_real_calls_as_before() -> None:
    """Positional and keyword forms of one request give the same bytes, and the same bytes as
    `bind` gave when the receipts already stored were written."""
    method = inspect.unwrap(Ledger.record_intervention)
    signature = inspect.signature(method)
    positional = ("ledger", "actor", "person")
    keywords = {
        "domain": "education",
        "kind": "meeting",
        "occurred_at": "now",
        "idempotency_key": "k",
    }
    by_name = dict(zip(list(signature.parameters)[:3], positional, strict=True))
    expected = fingerprints.canonical(
        "record_intervention", dict(signature.bind(*positional, **keywords).arguments)
    )
    for args, kwargs in ((positional, keywords), ((), {**by_name, **keywords})):
        given = given_arguments(signature)(*args, **kwargs)
        assert fingerprints.canonical("record_intervention", given) == expected
