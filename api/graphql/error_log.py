"""Errors logged without the values they quote.

Strawberry logs every error of an operation, message and all, before the masking runs: a
variable of the wrong shape logged the whole input (`found: {'firstName': …, 'contact': …}`),
and an unexpected error on a document written with inline values logged the lines of the
document around it — names and contacts of minors in clear in the server's logs, where no
erasure reaches. Here a refusal of the client's request (GraphQL's own, or ours: a cursor, a
domain rule) is not logged at all — the client has it — and an unexpected error (an error of
ours, or one GraphQL raised while serialising a value the server produced) is logged by its
type, its path and where it was raised, not by its message.
"""

import logging
import traceback
from collections.abc import Sequence

from graphql import GraphQLError

from api.graphql.refusals import VISIBLE

logger = logging.getLogger("parcours.graphql")


def is_unexpected(error: GraphQLError) -> bool:
    """Masks everything but GraphQL's own errors and our typed refusals: no internals leak.

    A `GraphQLError` wrapped in another is GraphQL's own refusal of the *request* when the
    error has no path — a variable of the wrong type (`Variable '$t' has invalid value: String
    cannot represent a non string value: 5`), a scalar that does not parse — and is shown:
    masked, a client sending a number for a String learned only "Unexpected error.". With a
    path it was raised while answering, serialising a value the server produced (an enum or
    an Int that cannot represent it, the value printed in the message): masked."""
    original = error.original_error
    if original is None or isinstance(original, VISIBLE):
        return False
    return not (isinstance(original, GraphQLError) and error.path is None)


def log_unexpected(errors: Sequence[GraphQLError]) -> None:
    """The errors the masking hides (`is_unexpected`), by type, path and frames."""
    for error in errors:
        if not is_unexpected(error) or error.original_error is None:
            continue
        path = ".".join(str(step) for step in error.path or ()) or "the operation"
        original = error.original_error
        logger.error("unexpected %s at %s\n%s", type(original).__name__, path, where(original))


def where(error: BaseException) -> str:
    """The frames an error was raised through, without its message (which may quote values)."""
    return "".join(traceback.format_tb(error.__traceback__))
