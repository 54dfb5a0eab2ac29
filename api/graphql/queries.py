"""The Query root: the contract's fields and the directory, indicators and logs around them.

Resolvers translate arguments, ask the policy, and delegate to read-model queries.
"""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import strawberry

from api import policy
from api.audit_trail import audit_page
from api.graphql.context import Info, off_loop
from api.graphql.enums import Domain, ReferralStatus, Role
from api.graphql.ids import parse_global, uuid_of
from api.graphql.node import resolve_node
from api.graphql.pagination import Connection, connection
from api.graphql.types.directory import (
    Association,
    PracticeNote,
    Programme,
    SharedResource,
)
from api.graphql.types.directory import association as load_association
from api.graphql.types.flows import Referral, read_referral
from api.graphql.types.node import Node
from api.graphql.types.reports import (
    AccessLogEntry,
    AuditEvent,
    CoverageCell,
    ReferralCandidate,
    ReferralMetrics,
    ServiceGap,
)
from api.graphql.types.young_person import YoungPerson, visible_young_person
from api.policy import Capability
from domain.errors import InvalidInput, NotPermitted
from domain.ledger.chain.store import ChainStore
from domain.rules import require_plain
from projections.queries.cases import young_people_involving
from projections.queries.coverage import (
    Candidate,
    needs_coverage,
    referral_candidates,
    service_gaps,
)
from projections.queries.directory import associations_page, practice_notes_page, studies
from projections.queries.indicators import ReferralMetrics as MetricsRow
from projections.queries.indicators import referral_metrics, require_month_start
from projections.queries.paging import Page
from projections.queries.programmes import programme, programmes_page, resources_of
from projections.queries.referrals import ReferralRow, referrals_of_association
from projections.store import ReadStore

MAX_GAPS = 200
"""Service gaps a list shows at most."""


@strawberry.type
class Viewer:
    user_id: str
    role: Role
    association_id: strawberry.Private[str | None]

    @strawberry.field
    async def association(self, info: Info) -> Association | None:
        return await load_association(info, self.association_id)


def _own_association(info: Info) -> str:
    own = policy.visible_association(info.context.viewer)
    if own is None:
        raise NotPermitted("this list belongs to an association; the token names none")
    return own


@strawberry.type
class LedgerHead:
    """The hash chain's head: partners keep copies as witnesses against a rewritten history."""

    seq: int
    position: str
    hash: str


@strawberry.type
class EvaluationStudy:
    """A study evaluators can download (`downloadPath`, with their bearer token)."""

    name: str
    registered_at: datetime

    @strawberry.field
    def download_path(self) -> str:
        return f"/exports/{self.name}.zip"


@strawberry.type
class Query:
    @strawberry.field
    def me(self, info: Info) -> Viewer:
        viewer = info.context.viewer
        return Viewer(
            user_id=viewer.user_id,
            role=Role(viewer.role.value),
            association_id=policy.visible_association(viewer),
        )

    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)

    @strawberry.field
    async def association(
        self,
        info: Info,
        id: strawberry.ID,
    ) -> Association | None:
        policy.require(info.context.viewer, Capability.READ_DIRECTORY)
        key = uuid_of(id, "Association")
        return None if key is None else await load_association(info, str(key))

    @strawberry.field
    async def associations(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        domain: Domain | None = None,
        territory: str | None = None,
    ) -> Connection[Association]:
        policy.require(info.context.viewer, Capability.READ_DIRECTORY)
        page = await info.context.run(
            associations_page,
            first,
            after,
            None if domain is None else domain.value,
            _territory(territory),
        )
        return connection(page, lambda row: Association(row=row))

    @strawberry.field(
        description="null when the young person does not exist or the viewer may not see them"
        " (indistinguishable)"
    )
    async def young_person(
        self,
        info: Info,
        id: strawberry.ID,
        as_of: datetime | None = None,
    ) -> YoungPerson | None:
        """With `asOf`, the case as the ledger knew it at that recorded time (for audits)."""
        key = uuid_of(id, "YoungPerson")
        return None if key is None else await visible_young_person(info, str(key), as_of)

    @strawberry.field
    async def young_people(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[YoungPerson]:
        """The case files the viewer's association is involved with."""
        policy.require(info.context.viewer, Capability.WORK_ON_CASES)
        page = await info.context.run(young_people_involving, _own_association(info), first, after)
        facts = await info.context.loaders.facts.load_many(
            [c.young_person_id for _, c in page.items]
        )
        known = {f.young_person_id: f for f in facts if f is not None}
        return connection(
            page, lambda case: YoungPerson(case=case, facts=known[case.young_person_id])
        )

    @strawberry.field(description="referrals addressed to or sent by the viewer's association")
    async def referrals(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: ReferralStatus | None = None,
        incoming: bool | None = None,
    ) -> Connection[Referral]:
        policy.require(info.context.viewer, Capability.WORK_ON_CASES)
        page = await info.context.run(
            _referrals_page,
            _own_association(info),
            incoming,
            None if status is None else status.value,
            first,
            after,
        )
        return connection(page, lambda row: read_referral(info, row))

    @strawberry.field
    async def programme(self, info: Info, id: strawberry.ID) -> Programme | None:
        policy.require(info.context.viewer, Capability.READ_DIRECTORY)
        key = uuid_of(id, "Programme")
        row = None if key is None else await info.context.run(programme, key)
        return None if row is None else Programme(row=row)

    @strawberry.field
    async def programmes(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Programme]:
        policy.require(info.context.viewer, Capability.READ_DIRECTORY)
        page = await info.context.run(programmes_page, first, after)
        return connection(page, lambda row: Programme(row=row))

    @strawberry.field
    async def resources(self, info: Info, association_id: strawberry.ID) -> list[SharedResource]:
        policy.require(info.context.viewer, Capability.READ_DIRECTORY)
        key = uuid_of(association_id, "Association")
        rows = [] if key is None else await info.context.run(resources_of, str(key))
        return [SharedResource(row=r) for r in rows]

    @strawberry.field
    async def practice_notes(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        domain: Domain | None = None,
    ) -> Connection[PracticeNote]:
        policy.require(info.context.viewer, Capability.WRITE_PRACTICE_NOTES)
        page = await info.context.run(
            practice_notes_page, first, after, None if domain is None else domain.value
        )
        return connection(page, lambda row: PracticeNote(row=row))

    @strawberry.field
    async def needs_coverage(self, info: Info, territory: str | None = None) -> list[CoverageCell]:
        policy.require(info.context.viewer, Capability.READ_INDICATORS)
        cells = await info.context.run(needs_coverage, _territory(territory))
        return [CoverageCell(row=c) for c in cells]

    @strawberry.field
    async def service_gaps(
        self, info: Info, territory: str | None = None, limit: int = 20
    ) -> list[ServiceGap]:
        policy.require(info.context.viewer, Capability.READ_INDICATORS)
        if not 1 <= limit <= MAX_GAPS:
            raise InvalidInput(f"limit must be between 1 and {MAX_GAPS}", field="limit")
        gaps = await info.context.run(service_gaps, _territory(territory), limit)
        return [ServiceGap(row=g) for g in gaps]

    @strawberry.field
    async def referral_candidates(
        self, info: Info, domain: Domain, territory: str | None = None
    ) -> list[ReferralCandidate]:
        """Who could take a referral: competence in the domain, by remaining capacity."""
        policy.require(info.context.viewer, Capability.WORK_ON_CASES)
        rows = await info.context.run(
            _candidates, domain.value, _territory(territory), info.context.today
        )
        return [ReferralCandidate(row=r) for r in rows]

    @strawberry.field
    async def referral_metrics(
        self,
        info: Info,
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        to: datetime | None = None,
        domain: Domain | None = None,
    ) -> ReferralMetrics:
        """Referrals made in [from, to), both the first instant of a month (UTC): counts,
        closed-loop rate, median delays."""
        policy.require(info.context.viewer, Capability.READ_INDICATORS)
        require_month_start(from_, "from")
        require_month_start(to, "to")
        if from_ is not None and to is not None and to < from_:
            raise InvalidInput("to must not be before from", field="to")
        metrics = await info.context.run(
            _metrics, from_, to, None if domain is None else domain.value
        )
        return ReferralMetrics(row=metrics)

    @strawberry.field(description="evaluators and network admins: the registered studies")
    async def studies(self, info: Info) -> list[EvaluationStudy]:
        policy.require(info.context.viewer, Capability.LIST_STUDIES)
        rows = await info.context.run(studies)
        return [EvaluationStudy(name=r.name, registered_at=r.registered_at) for r in rows]

    @strawberry.field(description="the hash chain's latest link, for partners to witness")
    async def ledger_head(self, info: Info) -> LedgerHead | None:
        store = ChainStore(info.context.parcours.ledger.recorder)
        head = await off_loop(store.head)
        if head is None:
            return None
        seq, position, digest = head
        return LedgerHead(seq=seq, position=str(position), hash=digest.hex())

    @strawberry.field(description="auditors only")
    async def audit_trail(
        self,
        info: Info,
        stream_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AuditEvent]:
        policy.require(info.context.viewer, Capability.AUDIT)
        stream = None if stream_id is None else _stream(stream_id, "streamId")
        page = await off_loop(audit_page, info.context.parcours.ledger, stream, first, after)
        return connection(page, lambda row: AuditEvent(row=row))

    @strawberry.field(description="auditors only: who read which case content, when")
    async def access_log(
        self,
        info: Info,
        young_person_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AccessLogEntry]:
        policy.require(info.context.viewer, Capability.AUDIT)
        person = None if young_person_id is None else str(_stream(young_person_id, "youngPersonId"))
        page = await off_loop(info.context.access_log.page, person, first, after)
        return connection(page, lambda row: AccessLogEntry(row=row))


def _referrals_page(
    store: ReadStore,
    association: str,
    incoming: bool | None,
    status: str | None,
    first: int | None,
    after: str | None,
) -> Page[ReferralRow]:
    return referrals_of_association(
        store, association, incoming=incoming, status=status, first=first, after=after
    )


def _candidates(
    store: ReadStore, domain: str, territory: str | None, today: date
) -> list[Candidate]:
    return referral_candidates(store, domain, territory, today=today)


def _metrics(
    store: ReadStore, made_from: datetime | None, made_to: datetime | None, domain: str | None
) -> MetricsRow:
    return referral_metrics(store, made_from=made_from, made_to=made_to, domain=domain)


def _stream(value: str, field: str) -> UUID:
    """A raw stream id, or the global id of what the stream records."""
    parsed = parse_global(value)
    try:
        return UUID(parsed[1] if parsed else value)
    except ValueError:
        raise InvalidInput(f"{field} is not a stream id", field=field) from None


def _territory(value: str | None) -> str | None:
    """A territory to filter by, held to the text rules a registered one was: a lone surrogate
    reached the driver and failed as an unexpected error."""
    return None if value is None else require_plain(value, "territory")
