"""Field collection as GraphQL execution does it: fragments expanded, same keys merged, in order.

The response keys of an object come out in the order of their first appearance, walking
fragments depth-first and each named fragment once, like graphql-core's `collect_fields`, so a
compiled response has the same keys in the same order as the general one. A directive anywhere
(`@skip`, `@include`…) or a fragment with variables makes the document unsupported.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionSetNode,
    is_abstract_type,
)


class UnsupportedError(Exception):
    """The document is outside what the compiled path handles: the general path answers it."""


@dataclass(frozen=True)
class Field:
    """One response key of an object, with every field node merged under it."""

    key: str
    name: str
    nodes: tuple[FieldNode, ...]

    @property
    def node(self) -> FieldNode:
        """The node whose arguments count (validation made them equal on every node)."""
        return self.nodes[0]

    @property
    def selection_sets(self) -> list[SelectionSetNode]:
        return [n.selection_set for n in self.nodes if n.selection_set is not None]


class Collector:
    """Collects the fields of selection sets for an object type, within one document."""

    def __init__(
        self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> None:
        self.schema = schema
        self._fragments = fragments

    def fields(
        self, type_: GraphQLObjectType, selection_sets: Iterable[SelectionSetNode]
    ) -> list[Field]:
        nodes: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._walk(type_, selection_set, nodes, visited)
        return [Field(key, found[0].name.value, tuple(found)) for key, found in nodes.items()]

    def _walk(
        self,
        type_: GraphQLObjectType,
        selection_set: SelectionSetNode,
        nodes: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if selection.directives:
                raise UnsupportedError("directives")
            if isinstance(selection, FieldNode):
                key = (selection.alias or selection.name).value
                nodes.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection.type_condition, type_):
                    self._walk(type_, selection.selection_set, nodes, visited)
            elif isinstance(selection, FragmentSpreadNode):
                self._spread(type_, selection.name.value, nodes, visited)

    def _spread(
        self,
        type_: GraphQLObjectType,
        name: str,
        nodes: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        fragment = self._fragments[name]
        if fragment.directives or fragment.variable_definitions:
            raise UnsupportedError("fragment directives or variables")
        if name in visited or not self._applies(fragment.type_condition, type_):
            return
        visited.add(name)
        self._walk(type_, fragment.selection_set, nodes, visited)

    def _applies(self, condition: NamedTypeNode | None, type_: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        named = self.schema.get_type(condition.name.value)
        if named is type_:
            return True
        return is_abstract_type(named) and self.schema.is_sub_type(named, type_)
