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


def log_unexpected(errors: Sequence[GraphQLError]) -> None:
    for error in errors:
        original = error.original_error
        if original is None or isinstance(original, VISIBLE):
            continue
        if isinstance(original, GraphQLError) and error.path is None:
            continue  # GraphQL's own refusal of the request (`schema.is_unexpected`)
        path = ".".join(str(step) for step in error.path or ()) or "the operation"
        logger.error("unexpected %s at %s\n%s", type(original).__name__, path, where(original))


def where(error: BaseException) -> str:
    """The frames an error was raised through, without its message (which may quote values)."""
    return "".join(traceback.format_tb(error.__traceback__))
