"""A store outage is not a bug: the client gets HTTP 503 and a clear message, not a masked error.

Resolvers reach the event store and the read models through psycopg, sqlite3 and eventsourcing;
when the database is down (PostgreSQL restarting, the network cut, SQLite's file unreachable or
locked past its timeout) their errors surface as resolver exceptions, which MaskErrors would turn
into a 200 with "Unexpected error." — indistinguishable from a bug, and a reason not to retry.

`DetectStoreOutage` runs inside MaskErrors (it is listed after it, so it sees the original
errors first) and reports an outage in the result's extensions; the router's `process_result`
then raises `StoreUnavailableError`, which the app answers with 503. Other errors stay masked.
Nothing is cached: the next request tries the store again, so the API recovers by itself.
"""

from collections.abc import Iterator
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from strawberry.extensions import SchemaExtension

from projections.outage import UNAVAILABLE, outage_message

OUTAGE = "storeUnavailable"
RETRY_AFTER_SECONDS = 5


class StoreUnavailableError(Exception):
    """Raised by the router once an operation failed because the store was unreachable or busy."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DetectStoreOutage(SchemaExtension):
    """Finds an outage among the operation's errors before MaskErrors drops their originals."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        for error in result.errors:
            original = error.original_error
            message = None if original is None else outage_message(original)
            if message is not None:
                self._message: str | None = message
                return

    def get_results(self) -> dict[str, Any]:
        message = getattr(self, "_message", None)
        return {} if message is None else {OUTAGE: message}


async def store_unavailable_response(_: Request, error: Exception) -> JSONResponse:
    """503 in the GraphQL-over-HTTP error shape, with Retry-After, for an exception handler."""
    message = error.message if isinstance(error, StoreUnavailableError) else UNAVAILABLE
    return JSONResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": "UNAVAILABLE"}}]},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
