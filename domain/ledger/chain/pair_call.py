"""A lone command's append, sent through libpq's prepared-statement call with binary parameters.

Every request from a front end appends one or two events and a receipt: the pair function's
twelve parameters. psycopg's cursor adapts each parameter through its adapters map, converts
the query and wraps the result on every call — 30-50 µs of client CPU out of an append of
300-400 µs on a two-core machine (`pgconn.exec_prepared` with these parameters: 53-58 µs of
process CPU a call against 86-106 through `Connection.execute`). The parameter types are
fixed, so they are encoded here once in PostgreSQL's binary format, and the statement is
prepared once per connection. libpq releases the interpreter lock while it waits, as psycopg's
own wait does; a server error is raised as the exception psycopg raises for it
(`error_from_result`), so the recorder handles failures as before.
"""

import struct
from collections.abc import Callable, Sequence
from uuid import UUID

import psycopg
from psycopg import pq
from psycopg.errors import error_from_result

UUID_OID, INT8_OID, TEXT_OID, BYTEA_OID = 2950, 20, 25, 17

PairParam = UUID | int | str | bytes | None

_INT8 = struct.Struct(">q").pack


def _uuid(value: PairParam) -> bytes:
    assert isinstance(value, UUID)
    return value.bytes


def _int8(value: PairParam) -> bytes:
    assert isinstance(value, int)
    return _INT8(value)


def _text(value: PairParam) -> bytes:
    assert isinstance(value, str)
    return value.encode()


def _bytea(value: PairParam) -> bytes:
    assert isinstance(value, bytes)
    return value


_ENCODERS: dict[int, Callable[[PairParam], bytes]] = {
    UUID_OID: _uuid,
    INT8_OID: _int8,
    TEXT_OID: _text,
    BYTEA_OID: _bytea,
}


class PairCall:
    """One function call prepared by name on each connection it is run on."""

    def __init__(self, name: bytes, statement: bytes, types: Sequence[int]) -> None:
        self._name = name
        self._statement = statement
        self._types = list(types)
        self._encoders = [_ENCODERS[oid] for oid in types]
        self._formats = [1] * len(types)
        self._prepared_on: pq.abc.PGconn | None = None

    def positions(
        self, connection: "psycopg.Connection[tuple[object, ...]]", params: Sequence[PairParam]
    ) -> list[int]:
        """The bigint the function returns on each row, or psycopg's exception for a failure."""
        pgconn = connection.pgconn
        if self._prepared_on is not pgconn:
            _succeeded(pgconn.prepare(self._name, self._statement, self._types), pgconn)
            self._prepared_on = pgconn
        values = [
            None if value is None else encode(value)
            for encode, value in zip(self._encoders, params, strict=True)
        ]
        # libpq takes None for a NULL parameter, as psycopg's own calls pass it.
        result = pgconn.exec_prepared(self._name, values, self._formats)  # type: ignore[arg-type]
        _succeeded(result, pgconn)
        return [int(_value(result, row)) for row in range(result.ntuples)]


def _value(result: pq.abc.PGresult, row: int) -> bytes:
    value = result.get_value(row, 0)
    if value is None:
        raise psycopg.DataError("the append function returned a NULL position")
    return bytes(value)


def _succeeded(result: pq.abc.PGresult, pgconn: pq.abc.PGconn) -> None:
    if result.status in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK):
        return
    if pgconn.status == pq.ConnStatus.BAD:
        raise psycopg.OperationalError(pgconn.get_error_message() or "connection lost")
    raise error_from_result(result, encoding="utf-8")
