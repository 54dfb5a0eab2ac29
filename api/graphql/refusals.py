"""A query's refusals explained to programs: the stable code and the argument concerned.

Mutations answer their refusals in result unions (`UserError`: code, message, field); a query
can only fail a field (a subscription a message), and its message alone named neither the rule
as a code a client can switch on nor the argument (`after`, `first`, `streamId`) that the
error's path, which names the field, leaves out.
"""

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension
from strawberry.types import StreamExecutionResult

from domain.errors import DomainError
from projections.queries.paging import InvalidCursorError, InvalidPageSizeError

VISIBLE = (DomainError, InvalidCursorError, InvalidPageSizeError)
"""The errors a client is shown as they are: every other one is masked."""


class ExplainRefusals(SchemaExtension):
    """Puts a refusal's `code` and `field` into its GraphQL error's `extensions`: a query's
    errors once it has executed, a subscription's with each message before it is sent."""

    def on_execute(self) -> Iterator[None]:
        yield
        _explain(self.execution_context.result)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        _explain(result)
        yield


def _explain(result: object) -> None:
    for error in getattr(result, "errors", None) or []:
        original = error.original_error
        if isinstance(original, VISIBLE):
            explained = {"code": original.code}
            if original.field is not None:
                explained["field"] = original.field
            error.extensions = {**(error.extensions or {}), **explained}
