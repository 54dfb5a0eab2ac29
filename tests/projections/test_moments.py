"""Times in the read store are text that sorts like the times themselves, on both backends."""

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from projections.store import moment, parse_moment

aware = st.datetimes(
    min_value=datetime(1000, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=st.builds(
        timezone, st.integers(-14 * 60, 14 * 60).map(lambda m: timedelta(minutes=m))
    ),
)


@given(aware)
def test_a_moment_is_fixed_width_utc_text_that_reads_back_as_the_same_instant(
    value: datetime,
) -> None:
    text = moment(value)
    assert len(text) == len("2025-01-02T03:04:05.000006+00:00")
    assert text.endswith("+00:00")
    assert parse_moment(text) == value


@given(aware, aware)
def test_moments_sort_as_their_instants(first: datetime, second: datetime) -> None:
    assert (moment(first) < moment(second)) == (first < second)
    assert (moment(first) == moment(second)) == (first == second)


def test_a_moment_keeps_microseconds_even_when_they_are_zero() -> None:
    assert moment(datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)) == "2025-03-04T05:06:07.000000+00:00"
