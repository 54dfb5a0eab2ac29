"""Recognising the hottest document and compiling it into a plan.

Supported: a query whose root fields are `youngPerson(id:)` (aliased or not, any number) and
`__typename`, selecting on the young person `id`, `__typename` and `timeline(first, after, from,
to, domains)` with any subset of the connection's fields (api.graphql.compiled.timeline), with
variables, fragments and an operation name. Anything else raises `UnsupportedError`.
"""

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    VariableDefinitionNode,
)

from api.graphql.compiled.collect import Collector, UnsupportedError
from api.graphql.compiled.collect import Field as Selected
from api.graphql.compiled.objects import Compiler, Render
from api.graphql.compiled.timeline import YOUNG_PERSON, CaseRead

ROOT = "Query"
PERSON_ARGUMENTS = frozenset({"id"})
"""`asOf` is not among them: as-of reads replay the ledger and stay on the general path."""


@dataclass(frozen=True)
class PersonPlan:
    """One `youngPerson` root field: its timelines (whose pages are read) and its renderer."""

    selected: Selected
    definition: GraphQLField
    timelines: tuple[Selected, ...]
    timeline_definition: GraphQLField
    """The timelines' field definition, to coerce their arguments."""
    render: Render[CaseRead]


@dataclass(frozen=True)
class QueryPlan:
    variables: tuple[VariableDefinitionNode, ...]
    roots: tuple[tuple[str, PersonPlan | str], ...]
    """Each response key of the root, with its plan or its constant value (`__typename`)."""
    reads: frozenset[str]


def plan_query(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> QueryPlan:
    """The plan of a valid document's operation; raises `UnsupportedError` for any other shape."""
    operation = _operation(document, operation_name)
    if operation.operation is not OperationType.QUERY or operation.directives:
        raise UnsupportedError("not a plain query")
    variables = tuple(operation.variable_definitions or ())
    if any(v.directives for v in variables):
        raise UnsupportedError("variable directives")
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    compiler = Compiler(Collector(schema, fragments))
    roots = tuple(
        (selected.key, _root(compiler, selected))
        for selected in compiler.fields(ROOT, [operation.selection_set])
    )
    return QueryPlan(variables, roots, frozenset(compiler.reads))


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    """The operation to run, chosen as graphql-core does; an ambiguous choice (an error on the
    general path) is unsupported."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        if len(operations) != 1:
            raise UnsupportedError("which operation")
        return operations[0]
    for operation in operations:
        if operation.name is not None and operation.name.value == name:
            return operation
    raise UnsupportedError("unknown operation")


def _root(compiler: Compiler, selected: Selected) -> PersonPlan | str:
    if selected.name == "__typename":
        return ROOT
    if selected.name != "youngPerson":
        raise UnsupportedError(selected.name)
    if not {a.name.value for n in selected.nodes for a in n.arguments or ()} <= PERSON_ARGUMENTS:
        raise UnsupportedError("youngPerson arguments")
    fields = compiler.fields(YOUNG_PERSON.name, selected.selection_sets)
    return PersonPlan(
        selected=selected,
        definition=compiler.object_type(ROOT).fields[selected.name],
        timelines=tuple(f for f in fields if f.name == "timeline"),
        timeline_definition=compiler.object_type(YOUNG_PERSON.name).fields["timeline"],
        render=compiler.render(YOUNG_PERSON, fields),
    )
