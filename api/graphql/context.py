"""The per-operation context: who asks, the instance, DataLoaders, and what was read.

Built fresh for every HTTP request (never a global), so DataLoaders batch within one request
only and the access log records exactly what this request read. A websocket gets one context
for its whole connection (strawberry builds it once, at the handshake): every operation sent
on it — a query or a mutation as well as a subscription — runs on a context of its own made
from it (`for_operation`, by the `OperationContext` extension), or the DataLoaders of the
first query would answer every later one with what they cached, a revoked consent included.
"""

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext
from strawberry.types import Info as StrawberryInfo

from api.access_log import Access, AccessLog, append
from api.bootstrap import Parcours
from domain.actor import Actor
from domain.errors import InvalidInput, NotPermitted
from projections.queries.case_details import CaseDetails, case_details_of
from projections.queries.cases import AccessFacts, CaseOverview, access_facts_of, case_overviews
from projections.queries.directory import (
    AssociationRow,
    CompetenceRow,
    associations_by_id,
    competences_of,
)
from projections.queries.paging import Page
from projections.queries.referrals import (
    HandoverRow,
    ReferralRow,
    handovers_of_cases,
    referrals_of_cases,
)
from projections.queries.timeline import TimelineEntry, TimelineRequest, timeline_pages
from projections.store import ReadStore, Tx

MAX_STORE_CALLS = 200
"""Store calls one query or mutation may make beside the DataLoaders' batches (a case page
makes about ten)."""
MAX_TIMELINE_ENTRIES = 50_000
"""Timeline rows one query or mutation may ask for, over all its timelines (a page of n entries
reads n + 1): they are read in batches (`timeline_pages`), so what bounds a
document is the rows it asks for — 500 young people with 99 entries each, or 99 pages of 500."""

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


async def off_loop(function: Callable[..., T], *args: object) -> T:
    """Runs blocking store work in a worker thread so the event loop keeps serving."""
    return await asyncio.to_thread(function, *args)


def batch_loader(
    store: ReadStore, fetch: Callable[[ReadStore, Sequence[str]], dict[str, V]]
) -> DataLoader[str, V | None]:
    """One query per batch of keys, whatever the number of items on the page."""

    async def load(keys: list[str]) -> list[V | None]:
        found = await off_loop(fetch, store, keys)
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def _facts(store: ReadStore, keys: Sequence[str]) -> dict[str, AccessFacts]:
    return access_facts_of(store, keys)


def _details(store: ReadStore, keys: Sequence[str]) -> dict[str, CaseDetails]:
    return case_details_of(store, keys)


def _cases(store: ReadStore, keys: Sequence[str]) -> dict[str, CaseOverview]:
    return case_overviews(store, [UUID(k) for k in keys])


def timeline_loader(store: ReadStore) -> DataLoader[TimelineRequest, Page[TimelineEntry]]:
    """The timelines a level of the document asks for, read together."""

    async def load(requests: list[TimelineRequest]) -> list[Page[TimelineEntry]]:
        return await off_loop(timeline_pages, store, requests)

    return DataLoader(load_fn=load)


@dataclass
class Loaders:
    associations: DataLoader[str, AssociationRow | None]
    competences: DataLoader[str, list[CompetenceRow] | None]
    cases: DataLoader[str, CaseOverview | None]
    facts: DataLoader[str, AccessFacts | None]
    details: DataLoader[str, CaseDetails | None]
    referrals: DataLoader[str, list[ReferralRow] | None]
    handovers: DataLoader[str, list[HandoverRow] | None]
    timelines: DataLoader[TimelineRequest, Page[TimelineEntry]]

    def clear(self) -> None:
        """Forgets what this request loaded: after a write, reads must see the new state."""
        for loader in (
            self.associations,
            self.competences,
            self.cases,
            self.facts,
            self.details,
            self.referrals,
            self.handovers,
            self.timelines,
        ):
            loader.clear_all()

    @classmethod
    def over(cls, store: ReadStore) -> "Loaders":
        return cls(
            associations=batch_loader(store, associations_by_id),
            competences=batch_loader(store, competences_of),
            cases=batch_loader(store, _cases),
            facts=batch_loader(store, _facts),
            details=batch_loader(store, _details),
            referrals=batch_loader(store, referrals_of_cases),
            handovers=batch_loader(store, handovers_of_cases),
            timelines=timeline_loader(store),
        )


@dataclass
class Budget:
    """What one query, mutation or subscription message may ask of the store. Lists under
    lists under aliases let one document that passed every depth, alias and token limit ask
    for thousands of statements (a timeline for each of 500 young people, under 14 aliases:
    15,000) or millions of rows. DataLoaders' batches cost no store call (one per level);
    the timelines they read are counted in the rows each page reads (its size and one more,
    which tells whether a next page exists), so that even empty pages are not free."""

    store_calls_left: int = field(default_factory=lambda: MAX_STORE_CALLS)
    entries_left: int = field(default_factory=lambda: MAX_TIMELINE_ENTRIES)

    def spend_a_store_call(self) -> None:
        if self.store_calls_left <= 0:
            msg = (
                f"this operation asks the store more than {MAX_STORE_CALLS} times:"
                " ask for fewer items per page, or fewer lists inside lists"
            )
            raise InvalidInput(msg, field="first")
        self.store_calls_left -= 1

    def ask_for_entries(self, count: int) -> None:
        if count > self.entries_left:
            msg = (
                f"this operation reads more than {MAX_TIMELINE_ENTRIES} timeline entries:"
                " ask for fewer items per page, or fewer lists inside lists"
            )
            raise InvalidInput(msg, field="first")
        self.entries_left -= count


@dataclass
class Context(BaseContext):
    authenticated: Actor | None
    """None only for the GraphiQL page and for a websocket before its `connection_init`."""
    parcours: Parcours
    access_log: AccessLog
    loaders: Loaders
    accesses: dict[tuple[str, str], Access] = field(default_factory=dict)
    """The operation's reads, by young person and kind of content: each noted once however
    many fields read it (a page of hundreds of referrals looked each one up in a list)."""
    app_state: Any = None
    """The app's state (token verifier…), for websocket authentication."""
    expires_at: datetime | None = None
    """When the websocket's token runs out (an HTTP request's token is checked as it comes)."""
    connection_scoped: bool = False
    """A websocket's context: each operation runs on a fresh one made from it."""
    budget: Budget | None = None
    """What the operation may still ask of the store: set for a query or a mutation
    (`OperationContext`) and for each subscription message; a subscription's own polling,
    which lasts as long as the subscription, is not counted."""

    def __post_init__(self) -> None:
        super().__init__()

    @property
    def viewer(self) -> Actor:
        if self.authenticated is None:
            raise NotPermitted("authenticate first")
        if self.expires_at is not None and datetime.now(UTC) >= self.expires_at:
            raise NotPermitted("the token has expired: connect again with a new one")
        return self.authenticated

    def for_operation(self) -> "Context":
        """A context for one operation of this connection: its caller and token, fresh
        DataLoaders and no reads noted yet."""
        made = Context(
            authenticated=self.authenticated,
            parcours=self.parcours,
            access_log=self.access_log,
            loaders=Loaders.over(self.store),
            app_state=self.app_state,
            expires_at=self.expires_at,
        )
        made.request, made.response = self.request, self.response
        made.connection_params = self.connection_params
        return made

    @property
    def store(self) -> ReadStore:
        return self.parcours.read_store

    @property
    def today(self) -> date:
        return self.parcours.ledger.clock().date()

    def read(self, young_person_id: str, what: str) -> None:
        """Notes a read of case content; the access log gets it when the request ends (once per
        young person and kind of content, however many fields were read)."""
        if (young_person_id, what) in self.accesses:
            return
        self.accesses[young_person_id, what] = Access(
            user_id=self.viewer.user_id,
            role=self.viewer.role.value,
            association_id=None
            if self.viewer.association_id is None
            else str(self.viewer.association_id),
            young_person_id=young_person_id,
            what=what,
        )

    async def run(self, query: Callable[..., T], *args: object) -> T:
        """Runs a read-model query against this instance's store, off the event loop, within
        the operation's budget of store calls."""
        if self.budget is not None:
            self.budget.spend_a_store_call()
        return await off_loop(query, self.store, *args)

    async def timeline(self, request: TimelineRequest) -> Page[TimelineEntry]:
        """A page of a timeline, read with the other timelines of its level in one batch,
        within the operation's budget of entries."""
        if self.budget is not None:
            self.budget.ask_for_entries(request.size + 1)
        return await self.loaders.timelines.load(request)

    def flush_accesses(self, tx: Tx | None = None) -> None:
        """Records the request's reads: in `tx` when the request read in one session (they then
        commit together), else in a transaction of their own."""
        reads = list(self.accesses.values())
        if tx is None:
            self.access_log.record(reads)
        elif reads:
            append(tx, reads)
        self.accesses.clear()


Info = StrawberryInfo[Context, None]
