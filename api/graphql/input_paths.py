"""Where in a mutation's input a refusal points, when the input nests.

The domain names a field by its own name (`first_name`, `monthly_capacity`); a client knows it
by its path in the input it sent (`personalData.firstName`, `competences[1].monthlyCapacity`),
and a form needs that path to mark the right box: `firstName` alone is ambiguous as soon as two
nested inputs have fields of the same name. Paths are built here in the domain's snake case;
`errors.camel` turns each step into the GraphQL name.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TypeVar

from domain.errors import DomainError

T = TypeVar("T")
U = TypeVar("U")

Paths = Mapping[str, str]
"""A domain field name → its path in the input."""

NO_PATHS: Paths = {}


def under(parent: str, fields: Iterable[str]) -> Paths:
    """The fields of the nested input `parent`: `first_name` → `personal_data.first_name`."""
    return {field: f"{parent}.{field}" for field in fields}


@contextmanager
def prefixed(path: str) -> Iterator[None]:
    """A refusal raised inside names its field under `path` (or `path` itself if it named
    none): for work done on one nested item, whatever field the refusal names."""
    try:
        yield
    except DomainError as refusal:
        refusal.field = path if refusal.field is None else f"{path}.{refusal.field}"
        raise


def each_at(parent: str, items: Sequence[T], build: Callable[[T], U]) -> tuple[U, ...]:
    """`build` on every item of the list input `parent`; a refusal names the item by its
    index, as the client sent it: `competences[1].monthly_capacity`."""
    built: list[U] = []
    for index, item in enumerate(items):
        with prefixed(f"{parent}[{index}]"):
            built.append(build(item))
    return tuple(built)


def path_of(field: str | None, paths: Paths) -> str | None:
    return None if field is None else paths.get(field, field)
