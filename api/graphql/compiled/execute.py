"""Executing a bound plan: read, authorise, render, record — in one worker thread.

The reads are the ones the general path's DataLoaders batch (access facts, case overview,
timeline page, directory rows), through the same read-model queries; authorisation goes through
api.graphql.case_view and api.policy like the resolvers; the access log gets its record through
the context's own `read` and `flush_accesses`, as the `RecordAccesses` extension does. Reads are
noted only once every field rendered, so a request that fails half-way has left nothing behind
and can still be answered by the general path.
"""

from collections.abc import Mapping
from uuid import UUID

from api.graphql.case_view import EntryViews, note_timeline_read, shows_case, timeline_filter
from api.graphql.compiled.arguments import Call, PersonCall, TimelineArguments
from api.graphql.compiled.plan import QueryPlan
from api.graphql.compiled.timeline import (
    ASSOCIATIONS,
    CaseRead,
    CaseScope,
    Entry,
    TimelineRead,
)
from api.graphql.context import Context
from projections.queries.cases import AccessFacts, access_facts_of, case_overviews
from projections.queries.directory import AssociationRow, associations_by_id
from projections.queries.paging import Page
from projections.queries.timeline import TimelineEntry as EntryRow
from projections.queries.timeline import TimelineRequest, timeline_pages
from projections.session import session
from projections.store import ReadStore

Reads = list[tuple[str, Page[EntryRow]]]
"""The timeline pages read, by young person, for the access log."""


def run_plan(plan: QueryPlan, calls: list[tuple[str, Call]], context: Context) -> dict[str, object]:
    """The response's `data`. Blocking: run it off the event loop. Every read and the access
    log's record happen in one session: one transaction, committed once."""
    reads: Reads = []
    with session(context.store) as store:
        data: dict[str, object] = {
            key: call if isinstance(call, str) else _person(call, plan.reads, context, store, reads)
            for key, call in calls
        }
        for young_person_id, page in reads:
            note_timeline_read(context, young_person_id, page)
        context.flush_accesses(store.tx)
    return data


def _person(
    call: PersonCall, needs: frozenset[str], context: Context, store: ReadStore, reads: Reads
) -> dict[str, object] | None:
    """A young person's fields, or None when they do not exist for the viewer."""
    key = call.young_person_id
    if key is None:
        return None
    facts = access_facts_of(store, [key]).get(key)
    if facts is None or not shows_case(context.viewer, facts):
        return None
    case = case_overviews(store, [UUID(key)]).get(key)
    if case is None:
        return None
    requests = {
        field: _request(context, facts, key, arguments)
        for field, arguments in call.timelines.items()
    }
    pages = dict(zip(requests, timeline_pages(store, list(requests.values())), strict=True))
    scope = CaseScope(
        young_person_id=case.young_person_id,
        open_token=context.parcours.vault.opener(case.young_person_id),
        associations=_associations(store, pages) if ASSOCIATIONS in needs else {},
    )
    views = EntryViews(context.viewer, facts, context.today)
    timelines = {
        field: TimelineRead(
            page=page,
            edges=[(cursor, Entry(row, views.of(row), scope)) for cursor, row in page.items],
        )
        for field, page in pages.items()
    }
    rendered = call.plan.render(CaseRead(case=case, timelines=timelines))
    reads.extend((case.young_person_id, page) for page in pages.values())
    return rendered


def _request(
    context: Context, facts: AccessFacts, key: str, arguments: TimelineArguments
) -> TimelineRequest:
    where = timeline_filter(
        context.viewer,
        facts,
        context.today,
        occurred_from=arguments.occurred_from,
        occurred_to=arguments.occurred_to,
        domains=arguments.domains,
    )
    return TimelineRequest.of(key, arguments.first, arguments.after, where)


def _associations(
    store: ReadStore, pages: Mapping[str, Page[EntryRow]]
) -> dict[str, AssociationRow]:
    """The directory rows of the pages' authors, in one query."""
    ids = {
        row.association_id
        for page in pages.values()
        for _, row in page.items
        if row.association_id is not None
    }
    return associations_by_id(store, sorted(ids)) if ids else {}
