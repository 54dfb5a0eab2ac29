"""Token lifetimes: the four units, nothing ambiguous, bounded by 30 days."""

from datetime import timedelta

import pytest

from api.auth.durations import DEFAULT_TTL, MAX_TTL, parse_duration, parse_ttl
from api.auth.errors import InvalidTokenRequest


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        ("8h", timedelta(hours=8)),
        ("7d", timedelta(days=7)),
        (" 12H ", timedelta(hours=12)),
    ],
)
def test_durations_are_a_number_and_a_unit(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "8", "h", "10x", "1.5h", "-5m", "1h30m", "8 h", "P1D"])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="as in 90s, 30m, 8h or 7d"):
        parse_duration(text)


def test_the_default_and_the_ceiling() -> None:
    assert timedelta(hours=8) == DEFAULT_TTL
    assert timedelta(days=30) == MAX_TTL
    assert parse_ttl("30d") == MAX_TTL


@pytest.mark.parametrize(("text", "reason"), [("31d", "at most 30d"), ("0s", "positive")])
def test_lifetimes_are_bounded(text: str, reason: str) -> None:
    with pytest.raises(InvalidTokenRequest, match=reason) as refused:
        parse_ttl(text)
    assert refused.value.field == "ttl"
