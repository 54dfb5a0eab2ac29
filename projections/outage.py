"""Telling a store outage from a bug.

Resolvers and projection runners reach the stores through psycopg, sqlite3 and eventsourcing.
When the database is down (PostgreSQL restarting, the network cut, SQLite's file unreachable or
locked past its timeout) their errors are transient: the API answers 503 and the worker waits and
retries. Anything else — SQL mistakes included — is a bug, and is treated as one.
"""

import sqlite3

import psycopg
from eventsourcing.persistence import OperationalError as EventStoreOperationalError

from domain.causes import causes
from domain.store_breaker import busy

UNAVAILABLE = "The ledger's database is unavailable; retry shortly."
BUSY = "The ledger's database is busy; retry shortly."

# sqlite3.OperationalError also covers mistakes in SQL ("no such table"): only these are outages.
_SQLITE_BUSY = ("database is locked", "database is busy")
_SQLITE_UNREACHABLE = ("unable to open database file", "disk i/o error", "readonly database")


def outage_message(error: BaseException) -> str | None:
    """The message for a client if `error` (or what caused it) is a store outage, else None.

    eventsourcing wraps the driver's error, so the whole cause chain is read and the driver's
    class decides; an eventsourcing OperationalError with no driver error behind it counts too.
    """
    wrapped_by_event_store = False
    for link in causes(error):
        if busy(link):
            return BUSY
        if isinstance(link, psycopg.OperationalError):
            return UNAVAILABLE
        if isinstance(link, sqlite3.OperationalError):
            text = str(link).lower()
            if any(marker in text for marker in _SQLITE_BUSY):
                return BUSY
            if any(marker in text for marker in _SQLITE_UNREACHABLE):
                return UNAVAILABLE
            return None
        if isinstance(link, EventStoreOperationalError):
            wrapped_by_event_store = True
    return UNAVAILABLE if wrapped_by_event_store else None


def is_outage(error: BaseException) -> bool:
    return outage_message(error) is not None
