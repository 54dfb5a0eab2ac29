"""The store breaker: fail at once while the database is known to be down, probe one at a time."""

import psycopg
import pytest
from psycopg_pool import PoolTimeout

from domain.store_breaker import StoreBreaker, StoreUnreachable


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def fail(breaker: StoreBreaker) -> None:
    with breaker.guarded():
        raise psycopg.OperationalError("connection refused")


def succeed(breaker: StoreBreaker) -> None:
    with breaker.guarded():
        pass


def test_a_closed_breaker_lets_calls_through() -> None:
    breaker = StoreBreaker(1.0, Clock())
    succeed(breaker)
    succeed(breaker)
    assert not breaker.is_open


def test_after_an_outage_calls_fail_at_once_until_the_cooldown_ends() -> None:
    clock = Clock()
    breaker = StoreBreaker(1.0, clock)
    with pytest.raises(psycopg.OperationalError):
        fail(breaker)

    with pytest.raises(StoreUnreachable):
        succeed(breaker)
    clock.now += 1.5
    succeed(breaker)

    assert not breaker.is_open


def test_one_probe_at_a_time_and_a_failed_probe_opens_it_again() -> None:
    clock = Clock()
    breaker = StoreBreaker(1.0, clock)
    with pytest.raises(psycopg.OperationalError):
        fail(breaker)
    clock.now += 1.5

    probe = breaker.guarded()
    probe.__enter__()
    with pytest.raises(StoreUnreachable):
        succeed(breaker)  # a second caller while the probe is out
    refused = psycopg.OperationalError("refused")
    assert probe.__exit__(type(refused), refused, None) is False  # the probe failed too

    with pytest.raises(StoreUnreachable):
        succeed(breaker)
    assert breaker.is_open


def test_an_error_that_is_not_an_outage_does_not_open_it() -> None:
    breaker = StoreBreaker(1.0, Clock())
    with pytest.raises(ValueError, match="bug"), breaker.guarded():
        raise ValueError("bug")
    succeed(breaker)
    assert not breaker.is_open


class Wrapped(Exception):
    pass


def test_a_driver_error_wrapped_by_a_library_opens_it() -> None:
    breaker = StoreBreaker(1.0, Clock())

    def wrapped_failure() -> None:
        with breaker.guarded():
            try:
                raise psycopg.OperationalError("refused")
            except psycopg.OperationalError as error:
                raise Wrapped("the event store is unavailable") from error

    with pytest.raises(Wrapped):
        wrapped_failure()

    assert breaker.is_open


def test_after_the_cooldown_a_bare_probe_decides_whether_calls_go_through() -> None:
    clock = Clock()
    server_up = [False]

    def probe() -> None:
        if not server_up[0]:
            raise psycopg.OperationalError("connection refused")

    breaker = StoreBreaker(1.0, clock, probe)
    with pytest.raises(psycopg.OperationalError):
        fail(breaker)
    clock.now += 1.5

    with pytest.raises(StoreUnreachable):
        succeed(breaker)  # the probe was refused: no call reached the pool
    clock.now += 1.5
    server_up[0] = True
    succeed(breaker)

    assert not breaker.is_open


def pool_timeout(breaker: StoreBreaker) -> None:
    with breaker.guarded():
        raise PoolTimeout("couldn't get a connection after 3.00 sec")


def test_a_pool_that_timed_out_while_the_server_answers_does_not_open_it() -> None:
    """Every connection busy (a burst of readers) is not an outage: requests keep going."""
    breaker = StoreBreaker(1.0, Clock(), probe=lambda: None)
    with pytest.raises(PoolTimeout):
        pool_timeout(breaker)

    assert not breaker.is_open
    succeed(breaker)


def test_a_pool_that_timed_out_while_the_server_refuses_opens_it() -> None:
    def refused() -> None:
        raise psycopg.OperationalError("connection refused")

    breaker = StoreBreaker(1.0, Clock(), probe=refused)
    with pytest.raises(PoolTimeout):
        pool_timeout(breaker)

    assert breaker.is_open
    with pytest.raises(StoreUnreachable):
        succeed(breaker)


def test_without_a_probe_a_pool_that_timed_out_opens_it() -> None:
    """Nothing to tell a busy pool from a server gone: failing fast is the safer guess."""
    breaker = StoreBreaker(1.0, Clock())
    with pytest.raises(PoolTimeout):
        pool_timeout(breaker)
    assert breaker.is_open
