"""The plans of the documents seen, cached by their text and operation name.

A partner front end sends the same few documents over and over: each is admitted (parsed and
validated) and compiled once; later requests only look the plan up. Unsupported documents are
remembered too (as None), so they cost one dictionary look-up on their way to the general path.
"""

from collections import OrderedDict

from strawberry import Schema

from api.graphql.compiled.admission import Admission
from api.graphql.compiled.collect import UnsupportedError
from api.graphql.compiled.plan import QueryPlan, plan_query

MARKER = "youngPerson"
"""Documents without it cannot be compiled: they are not even parsed here."""
MAX_TEXT = 20_000
"""Longer documents go to the general path, so the cache stays small (at most MAX_TEXT * SIZE)."""
SIZE = 256


class Plans:
    """A bounded cache of plans: the least recently used one goes first."""

    def __init__(self, schema: Schema, size: int = SIZE) -> None:
        self._admission = Admission(schema)
        self._schema = schema._schema
        self._size = size
        self._plans: OrderedDict[tuple[str, str | None], QueryPlan | None] = OrderedDict()

    def plan(self, text: object, operation_name: object) -> QueryPlan | None:
        """The document's plan, or None when the general path must answer it."""
        if not isinstance(text, str) or MARKER not in text or len(text) > MAX_TEXT:
            return None
        if operation_name is not None and not isinstance(operation_name, str):
            return None
        key = (text, operation_name)
        if key in self._plans:
            self._plans.move_to_end(key)
            return self._plans[key]
        plan = self._compile(text, operation_name)
        self._plans[key] = plan
        if len(self._plans) > self._size:
            self._plans.popitem(last=False)
        return plan

    def _compile(self, text: str, operation_name: str | None) -> QueryPlan | None:
        document = self._admission.admit(text)
        if document is None:
            return None
        try:
            return plan_query(self._schema, document, operation_name)
        except UnsupportedError:
            return None
