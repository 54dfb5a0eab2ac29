"""The schema: the contract's core and its extensions, hardened against abusive documents."""

from collections.abc import Iterator
from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, StreamExecutionResult
from strawberry.types.graphql import OperationType

from api.graphql import context as context_module
from api.graphql.context import Context
from api.graphql.error_log import is_unexpected, log_unexpected
from api.graphql.mutations.case_file import CaseFileMutations
from api.graphql.mutations.case_work import CaseWorkMutations
from api.graphql.mutations.flows import FlowMutations
from api.graphql.mutations.interventions import InterventionMutations
from api.graphql.mutations.network import NetworkMutations
from api.graphql.mutations.practice_notes import PracticeNoteMutations
from api.graphql.mutations.programmes import ProgrammeMutations
from api.graphql.outage import DetectStoreOutage
from api.graphql.queries import Query
from api.graphql.refusals import ExplainRefusals
from api.graphql.subscriptions import Subscription
from api.graphql.types.directory import Association, Programme
from api.graphql.types.flows import Handover, Referral
from api.graphql.types.young_person import YoungPerson

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 4000


class OperationContext(SchemaExtension):
    """Runs each operation of a websocket on a context of its own (`Context.for_operation`):
    strawberry hands every operation of a connection the one context it built at the
    handshake; and gives each query or mutation its budget (`Budget`). First of the
    extensions, so that every later one sees the operation's context."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context) and context.connection_scoped:
            self.execution_context.context = context.for_operation()
        yield

    def on_execute(self) -> Iterator[None]:
        """A query or a mutation gets its budget of store calls and timeline entries; a
        subscription none (each of its messages gets one)."""
        context = self.execution_context.context
        subscription = self.execution_context.operation_type is OperationType.SUBSCRIPTION
        if isinstance(context, Context) and not subscription:
            context.budget = context_module.Budget()
        yield


class RecordAccesses(SchemaExtension):
    """Appends what the operation read to the access log once it has executed, and for a
    subscription what each message read, before the message is sent."""

    def on_execute(self) -> Iterator[None]:
        yield
        try:
            self._flush()
        except Exception as error:
            self._withhold(error)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        self._flush()
        yield

    def _flush(self) -> None:
        context = self.execution_context.context
        if isinstance(context, Context):
            context.flush_accesses()

    def _withhold(self, error: Exception) -> None:
        """Reads that could not be recorded are not answered: the data is dropped and the
        error joins the operation's, where the outage check turns a store failure into a 503
        and the masking hides any other (raised here, after the resolvers, it reached the
        client unmasked, with the data, as a 200)."""
        result = self.execution_context.result
        if result is None:
            raise error
        result.data = None
        result.errors = [*(result.errors or []), GraphQLError(str(error), original_error=error)]


class ParcoursSchema(strawberry.Schema):
    """Logs errors without the personal values their messages may quote (`error_log`)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_unexpected(errors)


def build_schema() -> strawberry.Schema:
    mutation = merge_types(
        "Mutation",
        (
            CaseFileMutations,
            InterventionMutations,
            FlowMutations,
            CaseWorkMutations,
            NetworkMutations,
            ProgrammeMutations,
            PracticeNoteMutations,
        ),
    )
    return ParcoursSchema(
        query=Query,
        mutation=mutation,
        subscription=Subscription,
        types=[Association, YoungPerson, Referral, Handover, Programme],
        extensions=[
            OperationContext,
            partial(QueryDepthLimiter, max_depth=MAX_DEPTH),
            partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
            partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
            partial(MaskErrors, should_mask_error=is_unexpected, error_message="Unexpected error."),
            # After MaskErrors, so that it sees the original errors before they are masked.
            DetectStoreOutage,
            RecordAccesses,
            ExplainRefusals,
        ],
    )
