"""Turning stored values into exported ones: days, not instants; bands, not birth dates.

Read models store instants as fixed-width UTC ISO-8601 text. Exports publish the UTC day only:
enough for any duration an evaluation measures, and far less identifying than a time of day.
Durations are computed from the exact instants first, then rounded, so they stay exact to the
quarter of an hour whatever the day boundaries.
"""

from datetime import date, datetime

from domain.vocabulary import Domain

SECONDS_PER_DAY = 86_400
DAY_DECIMALS = 2
BIRTH_BAND_YEARS = 5
"""Birth years are published in 5-year bands aligned on multiples of 5 (2005-2009): a network's
young people span a few bands, and a band with one person in it is rare."""


def day_of(moment: object) -> date | None:
    """The UTC day of a stored instant, or of a stored day."""
    if moment is None:
        return None
    return date.fromisoformat(str(moment)[:10])


def days_between(start: object, end: object) -> float | None:
    """Days from one stored instant to another, to the hundredth; None if either is missing."""
    if start is None or end is None:
        return None
    elapsed = datetime.fromisoformat(str(end)) - datetime.fromisoformat(str(start))
    return round(elapsed.total_seconds() / SECONDS_PER_DAY, DAY_DECIMALS)


def birth_year_band(date_of_birth: str | None, width: int = BIRTH_BAND_YEARS) -> str | None:
    """`2005-2009` for any birth date in those years; None when unknown or unreadable."""
    if date_of_birth is None:
        return None
    try:
        year = date.fromisoformat(date_of_birth).year
    except ValueError:
        return None
    first = year - year % width
    return f"{first}-{first + width - 1}"


def sensitivity(domain: object) -> str:
    """The consent sensitivity of a domain, from the domain model's own mapping."""
    return Domain(str(domain)).sensitivity.value


def integer_or_none(value: object) -> int | None:
    return None if value is None else int(str(value))


DOMAINS = tuple(d.value for d in Domain)
