"""Input rules shared by the aggregates; each refusal names the field and the rule."""

import re
from datetime import UTC, date, datetime, timedelta

from domain.errors import InvalidInput
from domain.privacy.sealed import Seal, Sealed

FUTURE_TOLERANCE = timedelta(minutes=5)
SHORT_TEXT = 200
LONG_TEXT = 10_000
USER_ID_LENGTH = 255
"""A user id's longest: OpenID Connect's limit on a subject, which our tokens' `sub` is."""


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_PROSE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters but tabs and line breaks, which a narrative may hold."""
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def require_text(
    value: str, field: str, max_length: int = SHORT_TEXT, *, prose: bool = False
) -> str:
    """Trimmed, not empty, not too long, and plain text: no lone surrogate (it cannot be
    stored as UTF-8, and failed deep in the store as an unexpected error) and no control
    character (a NUL or an escape sequence in a name broke the read models and terminals);
    `prose` (a narrative) may hold tabs and line breaks."""
    stripped = value.strip()
    if not stripped:
        raise InvalidInput(f"{field} must not be empty", field=field)
    if len(stripped) > max_length:
        raise InvalidInput(f"{field} must be at most {max_length} characters", field=field)
    require_plain(stripped, field, prose=prose)
    return stripped


def require_user_id(value: str, field: str) -> str:
    """A user id (a referent, a mentor, a token's subject), held to the same rules wherever it
    comes from: a token's subject that the domain then refused as a referent failed the
    enrolment on a field the caller never sent."""
    return require_text(value, field, USER_ID_LENGTH)


def require_plain(value: str, field: str, *, prose: bool = False) -> str:
    if _SURROGATE.search(value):
        raise InvalidInput(f"{field} must be valid Unicode (no lone surrogate)", field=field)
    if (_CONTROL_IN_PROSE if prose else _CONTROL).search(value):
        allowed = " other than tabs and line breaks" if prose else ""
        raise InvalidInput(f"{field} must not contain control characters{allowed}", field=field)
    return value


_LABEL = re.compile(r"[\w][\w '\u2019()/.-]{0,59}")


def require_label(value: str, field: str) -> str:
    """A short label kept in clear (it is analysed in exports): a category, never a narrative."""
    stripped = value.strip()
    if not _LABEL.fullmatch(stripped):
        raise InvalidInput(
            f"{field} must be a short label (1 to 60 letters, digits, spaces or -'()/.)",
            field=field,
        )
    return stripped


def seal_text(seal: Seal, value: str, field: str, max_length: int = LONG_TEXT) -> Sealed:
    return seal(require_text(value, field, max_length, prose=True))


def seal_optional(
    seal: Seal, value: str | None, field: str, max_length: int = LONG_TEXT
) -> Sealed | None:
    return None if value is None or not value.strip() else seal_text(seal, value, field, max_length)


def require_range(value: int, field: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise InvalidInput(f"{field} must be between {low} and {high}", field=field)
    return value


def require_aware(moment: datetime, field: str) -> datetime:
    """A moment with a time zone that has a time in UTC: read models keep times in UTC, and
    year 1 at +01:00 has none (the conversion overflowed, an unexpected error)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(f"{field} must carry a time zone", field=field)
    try:
        moment.astimezone(UTC)
    except OverflowError:
        msg = f"{field} must fall between the years 1 and 9999 in UTC"
        raise InvalidInput(msg, field=field) from None
    return moment


def require_occurred_at(
    occurred_at: datetime, now: datetime, born_on: date | None, field: str = "occurred_at"
) -> datetime:
    """Business time may be late (a late entry is normal) but never in the future or pre-birth."""
    require_aware(occurred_at, field)
    if occurred_at > now + FUTURE_TOLERANCE:
        raise InvalidInput(f"{field} must not be more than 5 minutes in the future", field=field)
    if born_on is not None and occurred_at.date() < born_on:
        raise InvalidInput(f"{field} must not be before the young person's birth", field=field)
    return occurred_at


HORIZON_YEARS = 10
"""The longest a plan, a consent, a programme or an allocation may run: work with young people
is planned a few years ahead, and a typo such as 0226 or 2206 in a date must be refused, not
kept as a consent of 180 years."""


def require_target_date(target: date | None, set_on: date, field: str = "target_date") -> None:
    """A goal's target lies between the day it was set and a horizon an action plan can mean
    (plans follow young people for a few years)."""
    if target is None:
        return
    if target < set_on:
        raise InvalidInput(f"{field} must not be before the day the goal is set", field=field)
    require_within_horizon(target, set_on, field, "the day the goal is set")


def require_within_horizon(later: date, earlier: date, field: str, earlier_is: str) -> None:
    """`later` at most `HORIZON_YEARS` after `earlier` (a 29 February counts to the 28th)."""
    years = later.year - earlier.year
    if years > HORIZON_YEARS or (
        years == HORIZON_YEARS and (later.month, later.day) > (earlier.month, earlier.day)
    ):
        raise InvalidInput(
            f"{field} must be within {HORIZON_YEARS} years of {earlier_is}", field=field
        )


def require_period(starts_on: date | None, ends_on: date | None, field: str = "ends_on") -> None:
    """A period that ends after it starts, and within the horizon of its start."""
    if starts_on is not None and ends_on is not None:
        if ends_on < starts_on:
            raise InvalidInput(f"{field} must not be before the start", field=field)
        require_within_horizon(ends_on, starts_on, field, "the start")
