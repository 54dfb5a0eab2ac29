"""Subscriptions over graphql-transport-ws, authorised like the queries.

They follow the read models (so they work across processes): each one polls its rows newer
than the last position it sent, and re-checks authorisation before every message — a consent
withdrawn or an involvement ended stops the flow at the next change.
"""

import asyncio
from collections.abc import AsyncGenerator
from uuid import UUID

import strawberry

from api import policy
from api.graphql.context import Info
from api.graphql.ids import uuid_of
from api.graphql.types.flows import Referral
from api.graphql.types.timeline import TimelineEntry
from api.graphql.types.young_person import visible_young_person
from api.policy import Capability
from domain.errors import NotPermitted
from projections.queries.referrals import ReferralRow, referrals_of_association
from projections.queries.timeline import TimelineEntry as EntryRow
from projections.queries.timeline import timeline_page
from projections.store import ReadStore

POLL_SECONDS = 0.2


def _changed_referrals(store: ReadStore, association: str, after: int) -> list[ReferralRow]:
    page = referrals_of_association(store, association, first=500)
    return sorted((r for _, r in page.items if r.position > after), key=lambda r: r.position)


def _new_entries(store: ReadStore, young_person: UUID, after: int) -> list[EntryRow]:
    entries: list[EntryRow] = []
    cursor: str | None = None
    while True:
        page = timeline_page(store, young_person, first=500, after=cursor)
        entries += [e for _, e in page.items if e.position > after]
        if not page.has_next:
            return sorted(entries, key=lambda e: e.position)
        cursor = page.end_cursor


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="referrals addressed to or sent by the viewer's association, as they change"
    )
    async def referral_inbox(self, info: Info) -> AsyncGenerator[Referral, None]:
        policy.require(info.context.viewer, Capability.WORK_ON_CASES)
        association = policy.visible_association(info.context.viewer)
        if association is None:
            raise NotPermitted("the token names no association")
        seen = info.context.parcours.projections.source.head()
        while True:
            for row in await info.context.run(_changed_referrals, association, seen):
                seen = max(seen, row.position)
                # The connection's context lives as long as the socket: each message is
                # authorised on fresh facts (an involvement that ended hides the case).
                info.context.loaders.clear()
                yield Referral(row=row)
            await asyncio.sleep(POLL_SECONDS)

    @strawberry.subscription(description="new and corrected entries of one timeline")
    async def timeline_updated(
        self, info: Info, young_person_id: strawberry.ID
    ) -> AsyncGenerator[TimelineEntry, None]:
        key = uuid_of(young_person_id, "YoungPerson")
        if key is None or await visible_young_person(info, str(key)) is None:
            raise NotPermitted("no such young person")
        seen = info.context.parcours.projections.source.head()
        while True:
            info.context.loaders.clear()
            person = await visible_young_person(info, str(key))
            if person is None:
                return
            for row in await info.context.run(_new_entries, key, seen):
                seen = max(seen, row.position)
                view = policy.entry_view(
                    info.context.viewer,
                    person.facts,
                    row.association_id,
                    row.sensitivity,
                    info.context.today,
                )
                info.context.read(str(key), "timeline:1")
                info.context.flush_accesses()
                yield TimelineEntry(row=row, view=view, young_person_id=str(key))
            await asyncio.sleep(POLL_SECONDS)
