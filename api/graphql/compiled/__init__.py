"""A compiled execution path for the hottest document: a young person's timeline page.

Stock execution resolves a 100-entry page field by field — a resolver call, an `Info`, an
awaitable check and a serializer per field, about 1,100 dispatches a page — which costs several
times the page's reads and decryption. Like graphql-jit and Hasura, this path compiles a
supported document once (cached by its text) into plain functions from rows to the response,
and runs them with no per-field dispatch.

It answers exactly as the general path would: the document is admitted under the general
path's own parsing and validation limits (admission), arguments are coerced by graphql-core
with the schema's scalars (arguments), the rows are read by the same read-model queries and
shown through the same policy functions (execute, timeline), and the access log gets the same
records through the context. Whatever it does not fully support — another field, `asOf`, a
directive, a mutation, an argument the general path would refuse, an error while reading — it
declines, and the general path answers; a store outage is answered 503 like there.
tests/e2e/test_compiled_timeline.py proves both paths give the same JSON and access-log rows.
"""

import logging
from collections.abc import Mapping
from typing import Any

from strawberry import Schema
from strawberry.extensions import AddValidationRules, MaskErrors, MaxTokensLimiter
from strawberry.types import ExecutionResult

from api.graphql.compiled.arguments import bind
from api.graphql.compiled.documents import Plans
from api.graphql.compiled.execute import run_plan
from api.graphql.context import Context, off_loop
from api.graphql.error_log import where
from api.graphql.outage import DetectStoreOutage, StoreUnavailableError
from api.graphql.refusals import VISIBLE, ExplainRefusals
from api.graphql.schema import OperationContext, RecordAccesses
from projections.outage import outage_message

logger = logging.getLogger(__name__)


UNDERSTOOD = (
    AddValidationRules,
    MaxTokensLimiter,
    MaskErrors,
    DetectStoreOutage,
    RecordAccesses,
    OperationContext,
    ExplainRefusals,
)
"""The schema extensions whose effect this path reproduces: the limits (admission), error
masking and explaining (it answers no errors), the outage's 503 and the access log (execute);
and a context of the operation's own, which an HTTP request — the only one this path answers —
has already."""


class CompiledQueries:
    """Answers the documents it supports; returns None for the general path to answer."""

    def __init__(self, schema: Schema) -> None:
        self._plans = Plans(schema) if understands(schema) else None
        self._schema = schema._schema

    @property
    def enabled(self) -> bool:
        return self._plans is not None

    async def execute(
        self,
        query: str | None,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
        context: object,
    ) -> ExecutionResult | None:
        if not isinstance(context, Context) or context.authenticated is None:
            return None
        plan = None if self._plans is None else self._plans.plan(query, operation_name)
        if plan is None:
            return None
        calls = bind(self._schema, plan, variables)
        if calls is None:
            return None
        try:
            data = await off_loop(run_plan, plan, calls, context)
        except Exception as error:  # every failure is the general path's to report
            _decline(error)
            return None
        return ExecutionResult(data=data, errors=None)


def understands(schema: Schema) -> bool:
    """An extension this path does not know could change the general path's answers: with one,
    the compiled path stays off (and says so) rather than answer differently."""
    unknown = [e for e in schema.get_extensions() if not isinstance(e, UNDERSTOOD)]
    if unknown:
        names = ", ".join(type(e).__name__ for e in unknown)
        logger.warning("the compiled path is off: it does not know the extensions %s", names)
    return not unknown


def _decline(error: Exception) -> None:
    """A store outage is answered 503 here, as on the general path; any other error is left to
    the general path to report in its own shape (a refused cursor or page size quietly, since it
    is the client's; anything else is logged, as it hints at a gap between the two paths)."""
    message = outage_message(error)
    if message is not None:
        raise StoreUnavailableError(message) from error
    if not isinstance(error, VISIBLE):
        logger.warning(
            "the compiled path failed (%s); the general path answers\n%s",
            type(error).__name__,
            where(error),
        )
