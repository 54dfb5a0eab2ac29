"""Binding a request's variables to a plan: the arguments of each field, coerced as the general
path's executor coerces them (graphql-core's own `get_variable_values` and
`get_argument_values`, with the schema's scalars and enums). A value the general path would
refuse (a wrong type, a missing required variable) declines the compiled path, so its error
comes from the general path, in its usual shape.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graphql import GraphQLError, GraphQLField, GraphQLSchema, get_argument_values
from graphql.execution.values import VariableValues, get_variable_values

from api.graphql.compiled.collect import Field as Selected
from api.graphql.compiled.plan import PersonPlan, QueryPlan
from api.graphql.ids import uuid_of
from domain.vocabulary import Domain


@dataclass(frozen=True)
class TimelineArguments:
    first: int | None
    after: str | None
    occurred_from: datetime | None
    occurred_to: datetime | None
    domains: list[Domain] | None


@dataclass(frozen=True)
class PersonCall:
    """One `youngPerson` field of one request: whom it asks for, and its timelines' arguments."""

    plan: PersonPlan
    young_person_id: str | None
    """None for an id that is malformed or not a young person's: the answer is null."""
    timelines: Mapping[str, TimelineArguments]


Call = PersonCall | str
"""A root field to answer, or its constant value."""


def bind(
    schema: GraphQLSchema, plan: QueryPlan, variables: Mapping[str, Any] | None
) -> list[tuple[str, Call]] | None:
    """The plan's root fields with their coerced arguments, or None to decline."""
    coerced = get_variable_values(schema, plan.variables, dict(variables or {}))
    if isinstance(coerced, list):
        return None
    try:
        return [
            (key, root if isinstance(root, str) else _person(root, coerced))
            for key, root in plan.roots
        ]
    except GraphQLError:
        return None


def _person(plan: PersonPlan, variables: VariableValues) -> PersonCall:
    arguments = get_argument_values(plan.definition, plan.selected.node, variables)
    key = uuid_of(arguments["id"], "YoungPerson")
    return PersonCall(
        plan=plan,
        young_person_id=None if key is None else str(key),
        timelines={
            t.key: _timeline(plan.timeline_definition, t, variables) for t in plan.timelines
        },
    )


def _timeline(
    definition: GraphQLField, selected: Selected, variables: VariableValues
) -> TimelineArguments:
    arguments = get_argument_values(definition, selected.node, variables)
    return TimelineArguments(
        first=arguments.get("first"),
        after=arguments.get("after"),
        occurred_from=arguments.get("from"),
        occurred_to=arguments.get("to"),
        domains=arguments.get("domains"),
    )
