"""Cursors: what the server writes decodes to the same values; nothing else decodes."""

import base64
from datetime import UTC, datetime
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projections.queries import paging
from projections.store import moment

positions = st.integers(min_value=0, max_value=2**63 - 1)
moments = st.datetimes(timezones=st.just(UTC)).map(moment)
identifiers = st.uuids().map(str) | st.from_regex(r"[0-9A-Za-z/_:.-]{1,100}", fullmatch=True)


@given(positions)
def test_a_written_position_decodes_to_itself(position: int) -> None:
    written = paging.encode("referrals", [position])

    assert paging.decode("referrals", written, paging.is_position) == [position]


@given(moments, identifiers)
def test_a_written_key_decodes_to_itself(at: str, identifier: str) -> None:
    written = paging.encode("young-people", [at, identifier])

    assert paging.decode("young-people", written, paging.is_moment, paging.is_identifier) == [
        at,
        identifier,
    ]


@pytest.mark.parametrize("value", [2**63, -1, True, 1.0, "1", None, [1]], ids=repr)
def test_a_position_a_driver_could_not_take_is_refused(value: object) -> None:
    with pytest.raises(paging.InvalidCursorError, match="not one this server issued"):
        paging.decode("referrals", paging.encode("referrals", [value]), paging.is_position)


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-01",
        "2026-01-01T00:00:00+00:00",  # no microseconds: not how the read models write times
        "2026-01-01T01:00:00.000000+01:00",  # not UTC
        "soon",
        5,
        "0001-01-01T00:00:00.000000+01:00",  # before year 1 in UTC: OverflowError
        "9999-12-31T23:59:59.999999-01:00",
    ],
)
def test_a_time_not_written_as_the_read_models_write_it_is_refused(value: object) -> None:
    assert not paging.is_moment(value)
    assert paging.is_moment(moment(datetime(2026, 1, 1, tzinfo=UTC)))


@pytest.mark.parametrize("value", ["", "a\x00b", "é", "a b", "x" * 101, 7, None])
def test_an_identifier_the_server_could_not_have_made_is_refused(value: object) -> None:
    assert not paging.is_identifier(value)
    assert paging.is_identifier(str(UUID(int=7)))


def test_a_cursor_with_too_few_or_too_many_values_belongs_to_another_list() -> None:
    for values in ([], [1, 2]):
        with pytest.raises(paging.InvalidCursorError, match="another list"):
            paging.decode("referrals", paging.encode("referrals", values), paging.is_position)


def test_a_cursor_longer_or_deeper_than_any_the_server_writes_is_refused() -> None:
    nested = base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode()
    for forged in (nested, "A" * (paging.MAX_CURSOR + 4)):
        with pytest.raises(paging.InvalidCursorError, match="not one this server issued"):
            paging.decode("referrals", forged, paging.is_position)
    longest = paging.encode(
        "timeline", [moment(datetime.max.replace(tzinfo=UTC)), 2**63 - 1, "x" * 100]
    )
    assert len(longest) <= paging.MAX_CURSOR
