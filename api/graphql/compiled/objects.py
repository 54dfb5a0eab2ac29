"""Compiling a selection set into one plain function from a source object to a response dict.

This is what removes per-field dispatch: for each response key the compiler picks, once per
document, a getter (the field's value function composed with the schema's own serializer for
that field's type); rendering an object is then a dict comprehension over those getters, with no
resolver, no `Info`, no awaitable checks. Leaf values go through the same `serialize` the
general path's executor calls (enums by name, DateTime as ISO 8601), so both paths put the same
JSON on the wire.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    SelectionSetNode,
    get_nullable_type,
)

from api.graphql.compiled.collect import Collector, UnsupportedError
from api.graphql.compiled.collect import Field as Selected

S = TypeVar("S")
Getter = Callable[[S], object]
Render = Callable[[S], dict[str, object]]

IDENTITY_SCALARS = (GraphQLString, GraphQLBoolean, GraphQLID, GraphQLInt, GraphQLFloat)
"""Spec scalars whose serialization of a value of the right Python type is that value: the value
functions (api.graphql.compiled.timeline) return exactly those types, so it is skipped."""


@dataclass
class Compiler:
    """The compile-time context of one operation: its fields, and what it will have to read."""

    collector: Collector
    reads: set[str] = field(default_factory=set)
    """Extra reads the selections need (e.g. "associations"), so execution fetches only those."""

    def fields(self, type_name: str, selection_sets: Iterable[SelectionSetNode]) -> list[Selected]:
        return self.collector.fields(self.object_type(type_name), selection_sets)

    def object_type(self, name: str) -> GraphQLObjectType:
        found = self.collector.schema.get_type(name)
        assert isinstance(found, GraphQLObjectType), name
        return found

    def render(self, object_type: "ObjectType[S]", fields: list[Selected]) -> Render[S]:
        """One function rendering an object of `object_type` with these fields."""
        type_ = self.object_type(object_type.name)
        getters = [(f.key, object_type.getter(self, type_, f)) for f in fields]

        def render(source: S) -> dict[str, object]:
            return {key: get(source) for key, get in getters}

        return render


Child = Callable[[Compiler, Selected], Getter[Any]]
"""Builds the getter of a composite field from its merged selection."""


@dataclass(frozen=True)
class ObjectType(Generic[S]):
    """The fields of one GraphQL object type the compiled path supports, as value functions of
    the source it renders from; any other field makes the document unsupported. (No supported
    leaf takes arguments; a composite field that does checks them in its `Child`.)"""

    name: str
    leaves: Mapping[str, Getter[S]]
    children: Mapping[str, Child] = field(default_factory=dict)

    def getter(self, compiler: Compiler, type_: GraphQLObjectType, selected: Selected) -> Getter[S]:
        if selected.name == "__typename":
            return _constant(type_.name)
        if selected.name in self.leaves:
            return _serialized(self.leaves[selected.name], type_.fields[selected.name].type)
        if selected.name in self.children:
            child: Getter[S] = self.children[selected.name](compiler, selected)
            return child
        raise UnsupportedError(f"{self.name}.{selected.name}")


def nullable(render: Callable[[S], object]) -> Callable[[S | None], object]:
    """A nullable composite field: null stays null, anything else is rendered."""
    return lambda source: None if source is None else render(source)


def _constant(value: str) -> Getter[Any]:
    return lambda _: value


def _serialized(value: Getter[S], output_type: GraphQLOutputType) -> Getter[S]:
    leaf = get_nullable_type(output_type)
    if leaf in IDENTITY_SCALARS:
        return value
    serialize = leaf.serialize  # type: ignore[union-attr]
    if isinstance(leaf, GraphQLEnumType):
        serialize = _memoized(serialize)

    def get(source: S) -> object:
        found = value(source)
        return None if found is None else serialize(found)

    return get


def _memoized(serialize: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """An enum's serializer, asked once per member: the schema's enum types look a member's name
    up by scanning their values, on every call."""
    names: dict[object, object] = {}

    def get(member: object) -> object:
        name = names.get(member)
        if name is None:
            name = names[member] = serialize(member)
        return name

    return get
