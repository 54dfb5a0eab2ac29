"""P5's baseline: a plain FastAPI endpoint serving the same timeline rows, with the same
authorization (token, case visibility, per-entry view, access log), serialised with orjson,
and the same store work (one session per request, one key lookup per page, one policy decision
per author and sensitivity: `EntryViews`, as the GraphQL path does).

What it leaves out is exactly what GraphQL adds: parsing and validating a document, and
resolving it field by field. Run with `uvicorn bench.plain:create --factory`.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import FastAPI, HTTPException
from fastapi.responses import ORJSONResponse

from api import policy
from api.access_log import Access, AccessLog, append
from api.auth.dependencies import CurrentViewer
from api.auth.tokens import verifier_from_settings
from api.auth.viewer import Viewer
from api.bootstrap import Parcours, build
from api.graphql.case_view import EntryViews
from api.settings import Settings
from projections.queries.cases import access_facts
from projections.queries.directory import associations_by_id
from projections.queries.timeline import DomainVisibility, TimelineFilter, timeline_page
from projections.session import SessionStore, session


def create() -> FastAPI:
    settings = Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.parcours = build(settings)
        app.state.access_log = AccessLog(app.state.parcours.read_store)
        app.state.token_verifier = verifier_from_settings(settings)
        try:
            yield
        finally:
            app.state.parcours.close()

    app = FastAPI(lifespan=lifespan, default_response_class=ORJSONResponse)

    @app.get("/timeline/{young_person_id}")
    def timeline(young_person_id: UUID, viewer: CurrentViewer, first: int = 100) -> Any:
        parcours: Parcours = app.state.parcours
        with session(parcours.read_store) as store:
            return _page(parcours, store, viewer, young_person_id, first)

    return app


def _page(
    parcours: Parcours, store: SessionStore, viewer: Viewer, young_person_id: UUID, first: int
) -> dict[str, Any]:
    who = viewer.actor
    facts = access_facts(store, young_person_id)
    if not facts.exists or not policy.may_see_case(who, facts):
        raise HTTPException(404, "no such young person")
    today = datetime.now(UTC).date()
    where = TimelineFilter(
        visible_domains=DomainVisibility(
            own_association=policy.visible_association(who),
            sensitivities=tuple(sorted(policy.domains_shown_of_others(who, facts, today))),
        )
    )
    page = timeline_page(store, young_person_id, first, None, where)
    authors = associations_by_id(
        store, sorted({e.association_id for _, e in page.items if e.association_id})
    )
    open_token = parcours.vault.opener(young_person_id)
    views = EntryViews(who, facts, today)
    entries = []
    for cursor, e in page.items:
        view = views.of(e)
        author = authors.get(e.association_id) if e.association_id else None
        summary = None
        if view.readable:
            summary = e.label if e.summary_token is None else open_token(e.summary_token)
        entries.append(
            {
                "cursor": cursor,
                "id": e.entry_id,
                "kind": e.kind,
                "occurredAt": e.occurred_at,
                "recordedAt": e.recorded_at,
                "domain": e.domain if view.show_domain else None,
                "summary": summary,
                "redacted": not view.readable,
                "amended": e.amended,
                "retracted": e.retracted,
                "association": None
                if author is None
                else {"id": author.association_id, "name": author.name},
            }
        )
    append(
        store.tx,
        [
            Access(
                user_id=viewer.user_id,
                role=viewer.role.value,
                association_id=None
                if viewer.association_id is None
                else str(viewer.association_id),
                young_person_id=str(young_person_id),
                what=f"timeline:{len(entries)}",
            )
        ],
    )
    return {"entries": entries, "hasNextPage": page.has_next}
