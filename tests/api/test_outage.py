"""Which errors are a store outage (503), and which stay masked bugs ("Unexpected error.")."""

import sqlite3

import psycopg
import pytest
from eventsourcing.persistence import OperationalError as EventStoreOperationalError
from psycopg_pool import PoolTimeout

from projections.outage import BUSY, UNAVAILABLE, outage_message


def wrapped(driver_error: Exception) -> Exception:
    """As eventsourcing raises it: its own OperationalError, caused by the driver's."""
    try:
        raise EventStoreOperationalError(str(driver_error)) from driver_error
    except EventStoreOperationalError as error:
        return error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        pytest.param(psycopg.OperationalError("connection refused"), UNAVAILABLE, id="pg down"),
        pytest.param(PoolTimeout("couldn't get a connection"), UNAVAILABLE, id="pool timeout"),
        pytest.param(sqlite3.OperationalError("database is locked"), BUSY, id="sqlite locked"),
        pytest.param(
            sqlite3.OperationalError("unable to open database file"), UNAVAILABLE, id="no file"
        ),
        pytest.param(wrapped(sqlite3.OperationalError("database is locked")), BUSY, id="es busy"),
        pytest.param(wrapped(psycopg.OperationalError("gone")), UNAVAILABLE, id="es pg down"),
        pytest.param(EventStoreOperationalError("lost"), UNAVAILABLE, id="es alone"),
        pytest.param(
            wrapped(psycopg.errors.LockNotAvailable("lock timeout")), BUSY, id="pg lock timeout"
        ),
        pytest.param(psycopg.errors.QueryCanceled("statement timeout"), BUSY, id="pg cancelled"),
    ],
)
def test_driver_errors_of_an_unreachable_or_busy_store_are_outages(
    error: Exception, expected: str
) -> None:
    assert outage_message(error) == expected


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(sqlite3.OperationalError("no such table: cases"), id="sqlite bad SQL"),
        pytest.param(wrapped(sqlite3.OperationalError("near 'SELEC': syntax error")), id="es SQL"),
        pytest.param(psycopg.errors.UndefinedTable("relation does not exist"), id="pg bad SQL"),
        pytest.param(RuntimeError("bug"), id="a bug"),
    ],
)
def test_programming_errors_are_not_outages_so_they_stay_masked(error: Exception) -> None:
    assert outage_message(error) is None
