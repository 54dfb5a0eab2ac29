"""Token lifetimes written the way operators say them: `90s`, `30m`, `8h`, `7d`."""

import re
from datetime import timedelta

from api.auth.errors import InvalidTokenRequest

DEFAULT_TTL = timedelta(hours=8)
"""A working day: long enough for a shift, short enough that a lost token soon goes stale."""
MAX_TTL = timedelta(days=30)
"""Bearer tokens cannot be revoked one by one, so their lifetime is what bounds a leak."""

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}
_DURATION = re.compile(r"(\d{1,9})([smhd])")


def parse_duration(text: str) -> timedelta:
    """One whole number and one unit (`s`, `m`, `h`, `d`); anything else raises `ValueError`,
    because a misread lifetime (`8` meaning seconds? hours?) is worse than a refusal."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None:
        msg = "a duration is a whole number and a unit s, m, h or d, as in 90s, 30m, 8h or 7d"
        raise ValueError(msg)
    amount, unit = match.groups()
    return timedelta(seconds=int(amount) * _UNIT_SECONDS[unit])


def check_ttl(ttl: timedelta) -> timedelta:
    """A token lifetime must be positive and at most `MAX_TTL`."""
    if ttl <= timedelta(0):
        raise InvalidTokenRequest("a token's lifetime must be positive", field="ttl")
    if ttl > MAX_TTL:
        msg = f"a token's lifetime is at most {MAX_TTL.days}d"
        raise InvalidTokenRequest(msg, field="ttl")
    return ttl


def parse_ttl(text: str) -> timedelta:
    """`parse_duration` then `check_ttl`, every failure an `InvalidTokenRequest` on `ttl`."""
    try:
        ttl = parse_duration(text)
    except ValueError as error:
        raise InvalidTokenRequest(str(error), field="ttl") from None
    return check_ttl(ttl)
