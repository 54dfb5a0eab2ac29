"""The timeline's object types as the compiled path renders them, field by field.

Each supported field is a value function of a plain source (a row and the viewer's view of it);
the non-trivial ones — domain, summary, redacted — are the very functions the strawberry types
call (api.graphql.case_view), so what a viewer sees cannot differ between the two paths.
Anything not listed here (an association's competences, a young person's needs…) is unsupported
and leaves the whole document to the general path.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from api.graphql.case_view import entry_domain, entry_redacted, entry_summary
from api.graphql.compiled.collect import Field as Selected
from api.graphql.compiled.collect import UnsupportedError
from api.graphql.compiled.objects import Compiler, Getter, ObjectType, nullable
from api.graphql.enums import TimelineEntryKind
from api.graphql.ids import to_global
from api.policy import EntryView
from domain.privacy.vault import Opener
from projections.queries.cases import CaseOverview
from projections.queries.directory import AssociationRow
from projections.queries.paging import Page
from projections.queries.timeline import TimelineEntry as EntryRow

ASSOCIATIONS = "associations"
"""A read the selection may need: the directory rows of the entries' associations."""
TIMELINE_ARGUMENTS = frozenset({"first", "after", "from", "to", "domains"})
"""`asOf` is not among them: as-of reads replay the ledger and stay on the general path."""


class CaseScope(NamedTuple):
    """What every entry of one case shares."""

    young_person_id: str
    open_token: Opener
    """The case's `Vault.opener`: one key lookup for the whole page."""
    associations: Mapping[str, AssociationRow]


class Entry(NamedTuple):
    """A timeline row and how it shows to the viewer (a tuple: one is made per entry)."""

    row: EntryRow
    view: EntryView
    scope: CaseScope


Edge = tuple[str, Entry]
"""A cursor and its entry."""


@dataclass(frozen=True)
class TimelineRead:
    page: Page[EntryRow]
    edges: list[Edge]


@dataclass(frozen=True)
class CaseRead:
    """A visible case and its timeline pages, by the response key of their `timeline` field."""

    case: CaseOverview
    timelines: Mapping[str, TimelineRead]


def _association_of(entry: Entry) -> AssociationRow | None:
    key = entry.row.association_id
    return None if key is None else entry.scope.associations.get(key)


ASSOCIATION = ObjectType[AssociationRow](
    "Association",
    leaves={
        "id": lambda a: to_global("Association", a.association_id),
        "name": lambda a: a.name,
        "territory": lambda a: a.territory,
        "registeredAt": lambda a: a.registered_at,
    },
)


def _association(compiler: Compiler, selected: Selected) -> Getter[Entry]:
    compiler.reads.add(ASSOCIATIONS)
    fields = compiler.fields(ASSOCIATION.name, selected.selection_sets)
    render = nullable(compiler.render(ASSOCIATION, fields))
    return lambda entry: render(_association_of(entry))


ENTRY = ObjectType[Entry](
    "TimelineEntry",
    leaves={
        "id": lambda e: to_global("TimelineEntry", e.row.entry_id),
        "kind": lambda e: TimelineEntryKind(e.row.kind),
        "occurredAt": lambda e: e.row.occurred_at,
        "recordedAt": lambda e: e.row.recorded_at,
        "domain": lambda e: entry_domain(e.row, e.view),
        "summary": lambda e: entry_summary(e.scope.open_token, e.row, e.view),
        "redacted": lambda e: entry_redacted(e.view),
        "amended": lambda e: e.row.amended,
        "retracted": lambda e: e.row.retracted,
    },
    children={"association": _association},
)


def _node(compiler: Compiler, selected: Selected) -> Getter[Edge]:
    render = compiler.render(ENTRY, compiler.fields(ENTRY.name, selected.selection_sets))
    return lambda edge: render(edge[1])


EDGE = ObjectType[Edge]("TimelineEdge", leaves={"cursor": lambda e: e[0]}, children={"node": _node})

PAGE_INFO = ObjectType[Page[EntryRow]](
    "PageInfo",
    leaves={
        "hasNextPage": lambda p: p.has_next,
        "hasPreviousPage": lambda p: p.has_previous,
        "startCursor": lambda p: p.start_cursor,
        "endCursor": lambda p: p.end_cursor,
    },
)


def _edges(compiler: Compiler, selected: Selected) -> Getter[TimelineRead]:
    render = compiler.render(EDGE, compiler.fields(EDGE.name, selected.selection_sets))
    return lambda timeline: [render(edge) for edge in timeline.edges]


def _page_info(compiler: Compiler, selected: Selected) -> Getter[TimelineRead]:
    render = compiler.render(PAGE_INFO, compiler.fields(PAGE_INFO.name, selected.selection_sets))
    return lambda timeline: render(timeline.page)


CONNECTION = ObjectType[TimelineRead](
    "TimelineConnection", leaves={}, children={"edges": _edges, "pageInfo": _page_info}
)


def _timeline(compiler: Compiler, selected: Selected) -> Getter[CaseRead]:
    names = {a.name.value for node in selected.nodes for a in node.arguments or ()}
    if not names <= TIMELINE_ARGUMENTS:
        raise UnsupportedError("timeline arguments")
    render = compiler.render(CONNECTION, compiler.fields(CONNECTION.name, selected.selection_sets))
    key = selected.key
    return lambda case: render(case.timelines[key])


YOUNG_PERSON = ObjectType[CaseRead](
    "YoungPerson",
    leaves={"id": lambda c: to_global("YoungPerson", c.case.young_person_id)},
    children={"timeline": _timeline},
)
