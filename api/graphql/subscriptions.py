"""Subscriptions over graphql-transport-ws, authorised like the queries.

They follow the read models (so they work across processes): each one polls its rows newer
than the last position it sent, and re-checks authorisation before every message — a consent
withdrawn or an involvement ended stops the flow at the next change.
"""

import asyncio
from collections.abc import AsyncGenerator
from typing import TypeVar

import strawberry

from api import policy
from api.graphql import context as context_module
from api.graphql.context import Info
from api.graphql.ids import uuid_of
from api.graphql.types.flows import Referral, read_referral
from api.graphql.types.timeline import TimelineEntry
from api.graphql.types.young_person import visible_young_person
from api.policy import Capability
from domain.errors import NotFound, NotPermitted
from projections.queries.cases import facts_position
from projections.queries.referrals import referral_changes
from projections.queries.timeline import timeline_changes

POLL_SECONDS = 0.2


T = TypeVar("T")


def _budgeted(info: Info, message: T) -> T:
    """Each message's selection is resolved within the budget of one query: under aliases, a
    message's nested lists fanned out without bound."""
    info.context.budget = context_module.Budget()
    return message


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
        with info.context.parcours.subscriptions.serving():
            while True:
                info.context.budget = None  # the poll itself
                for row in await info.context.run(referral_changes, association, seen):
                    seen = max(seen, row.position)
                    # The subscription lives as long as it is wanted: each message is
                    # authorised on fresh facts (an involvement that ended hides the case).
                    info.context.loaders.clear()
                    yield _budgeted(info, read_referral(info, row))
                await asyncio.sleep(POLL_SECONDS)

    @strawberry.subscription(description="new and corrected entries of one timeline")
    async def timeline_updated(
        self, info: Info, young_person_id: strawberry.ID
    ) -> AsyncGenerator[TimelineEntry, None]:
        key = uuid_of(young_person_id, "YoungPerson")
        if key is None or await visible_young_person(info, str(key)) is None:
            raise NotFound("no such young person", field="youngPersonId")
        seen = info.context.parcours.projections.source.head()
        with info.context.parcours.subscriptions.serving():
            while True:
                info.context.budget = None  # the poll itself
                # Rows first, then how far the facts are, then the facts: facts read before
                # the rows sent an entry recorded after a consent was withdrawn in clear, and
                # the timeline's projection may run ahead of the facts' (each entry waits
                # until the facts have caught up with it).
                changes = await info.context.run(timeline_changes, key, seen)
                settled = await info.context.run(facts_position)
                info.context.loaders.clear()
                person = await visible_young_person(info, str(key))
                if person is None:
                    return
                for row, changed_at in changes:
                    if changed_at > settled:
                        break
                    seen = changed_at
                    view = policy.entry_view(
                        info.context.viewer,
                        person.facts,
                        row.association_id,
                        row.sensitivity,
                        info.context.today,
                    )
                    info.context.read(str(key), "timeline:1")
                    info.context.flush_accesses()
                    yield _budgeted(
                        info, TimelineEntry(row=row, view=view, young_person_id=str(key))
                    )
                await asyncio.sleep(POLL_SECONDS)
