"""A young person's case file as the viewer may see it (null for anyone not involved)."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import strawberry

from api import policy
from api.graphql import as_of as as_of_rows
from api.graphql.as_of import Pinned
from api.graphql.case_view import EntryViews, note_timeline_read, shows_case, timeline_filter
from api.graphql.context import Info, off_loop
from api.graphql.enums import Domain, GoalStatus, Sensitivity
from api.graphql.ids import to_global
from api.graphql.types.directory import Association, required_association
from api.graphql.types.flows import Handover, Referral
from api.graphql.types.node import Node
from api.graphql.types.timeline import TimelineConnection, TimelineEntry
from domain import vocabulary
from domain.privacy.vault import ERASED
from domain.rules import require_aware
from projections.queries.case_details import CaseDetails, GoalRow, NeedRow
from projections.queries.cases import AccessFacts, CaseOverview, ConsentScope
from projections.queries.referrals import ReferralRow
from projections.queries.timeline import TimelineRequest


@strawberry.type
class Need:
    row: strawberry.Private[NeedRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global("Need", self.row.need_id)

    @strawberry.field
    def domain(self) -> Domain:
        return vocabulary.Domain(self.row.domain)

    @strawberry.field
    def severity(self) -> int:
        return self.row.severity

    @strawberry.field
    def identified_at(self) -> datetime:
        return self.row.identified_at

    @strawberry.field
    def met_at(self) -> datetime | None:
        return self.row.met_at


@strawberry.type
class Goal:
    row: strawberry.Private[GoalRow]
    readable: strawberry.Private[bool]
    young_person_id: strawberry.Private[str]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global("Goal", self.row.goal_id)

    @strawberry.field
    def domain(self) -> Domain:
        return vocabulary.Domain(self.row.domain)

    @strawberry.field
    def description(self, info: Info) -> str | None:
        if not self.readable:
            return None
        return info.context.parcours.vault.open_token(
            self.young_person_id, self.row.description_token
        )

    @strawberry.field
    def target_date(self) -> date | None:
        return self.row.target_date

    @strawberry.field
    def progress(self) -> int:
        return self.row.progress

    @strawberry.field
    def status(self) -> str:
        return GoalStatus(self.row.status).value


@strawberry.type
class ActionPlan:
    goals: list[Goal]


@strawberry.type
class Consent:
    row: strawberry.Private[ConsentScope]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global("Consent", self.row.consent_id)

    @strawberry.field
    def sensitivities(self) -> list[Sensitivity]:
        return [vocabulary.Sensitivity(s) for s in self.row.sensitivities]

    @strawberry.field
    def given_at(self) -> datetime:
        return self.row.given_at

    @strawberry.field
    def expires_on(self) -> date | None:
        return self.row.expires_on

    @strawberry.field
    def withdrawn_at(self) -> datetime | None:
        return self.row.withdrawn_at

    @strawberry.field
    async def recipients(self, info: Info) -> list[Association] | None:
        """Null when the consent is given to every involved association."""
        if self.row.recipients is None:
            return None
        return [await required_association(info, a) for a in self.row.recipients]


@strawberry.type
class YoungPerson(Node):
    case: strawberry.Private[CaseOverview]
    facts: strawberry.Private[AccessFacts]
    pinned: strawberry.Private[Pinned | None] = None
    """Set for an as-of read: the case as the ledger knew it then, instead of the read models."""

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global("YoungPerson", self.case.young_person_id)

    @strawberry.field(
        description='decrypted display name; null when not permitted; "[erased]" after erasure'
    )
    def display_name(self, info: Info) -> str | None:
        if not policy.may_read_personal_data(info.context.viewer, self.facts):
            return None
        if self.case.erased_at is not None:
            return ERASED
        info.context.read(self.case.young_person_id, "personal_data")
        vault = info.context.parcours.vault
        first = vault.open_token(self.case.young_person_id, self.case.first_name)
        last = vault.open_token(self.case.young_person_id, self.case.last_name)
        return ERASED if first is None or last is None else f"{first} {last}"

    @strawberry.field
    def birth_year(self, info: Info) -> int | None:
        if not policy.may_read_personal_data(info.context.viewer, self.facts):
            return None
        info.context.read(self.case.young_person_id, "personal_data")
        born = info.context.parcours.vault.open_token(
            self.case.young_person_id, self.case.date_of_birth
        )
        return None if born is None else date.fromisoformat(born).year

    @strawberry.field
    def territory(self) -> str:
        return self.case.territory

    @strawberry.field
    def enrolled_at(self) -> datetime:
        return self.case.enrolled_at

    @strawberry.field
    async def lead_association(self, info: Info) -> Association:
        return await required_association(info, self.case.lead_association_id)

    @strawberry.field
    def referent_user_id(self) -> str | None:
        return self.case.referent_user_id

    @strawberry.field
    def closed_at(self) -> datetime | None:
        return self.case.closed_at

    @strawberry.field
    def erased(self) -> bool:
        return self.case.erased_at is not None

    @strawberry.field
    async def needs(self, info: Info) -> list[Need]:
        """Needs whose domain the viewer may see (another association's HEALTH or JUSTICE
        needs stay hidden without consent, as their timeline entries do)."""
        info.context.read(self.case.young_person_id, "needs")
        return [
            Need(row=n)
            for n in (await self._details(info)).needs
            if self._shows(info, n.identified_by, n.domain)
        ]

    @strawberry.field
    async def consents(self, info: Info) -> list[Consent]:
        info.context.read(self.case.young_person_id, "consents")
        return [Consent(row=c) for c in (await self._details(info)).consents]

    @strawberry.field
    async def action_plan(self, info: Info) -> ActionPlan | None:
        if self.case.plan_agreed_at is None:
            return None
        info.context.read(self.case.young_person_id, "action_plan")
        goals = (await self._details(info)).goals
        return ActionPlan(
            goals=[self._goal(info, g) for g in goals if self._shows(info, g.added_by, g.domain)]
        )

    @strawberry.field
    async def referrals(self, info: Info) -> list[Referral]:
        """Referrals the viewer's association is party to, and others whose domain it may see."""
        info.context.read(self.case.young_person_id, "referrals")
        if self.pinned is not None:
            rows = list(self.pinned.referrals)
        else:
            rows = await info.context.loaders.referrals.load(self.case.young_person_id) or []
        return [Referral(row=r) for r in rows if self.lists_referral(info, r)]

    def lists_referral(self, info: Info, row: ReferralRow) -> bool:
        """A referral the viewer's association is party to, or whose domain it may see: the
        rule of this list, which `node` follows too."""
        own = policy.visible_association(info.context.viewer)
        return own in (row.from_association_id, row.to_association_id) or self._shows(
            info, row.from_association_id, row.domain
        )

    @strawberry.field
    async def handovers(self, info: Info) -> list[Handover]:
        info.context.read(self.case.young_person_id, "handovers")
        if self.pinned is not None:
            return [Handover(row=r) for r in self.pinned.handovers]
        rows = await info.context.loaders.handovers.load(self.case.young_person_id) or []
        return [Handover(row=r) for r in rows]

    @strawberry.field(
        description="the cross-service timeline, ordered by occurredAt;"
        " asOf = as the ledger knew it at that recorded time"
    )
    async def timeline(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        to: datetime | None = None,
        domains: list[Domain] | None = None,
        as_of: datetime | None = None,
    ) -> TimelineConnection:
        ctx = info.context
        where = timeline_filter(
            ctx.viewer,
            self.facts,
            ctx.today,
            occurred_from=from_,
            occurred_to=to,
            domains=domains,
            as_of=as_of or (None if self.pinned is None else self.pinned.as_of),
        )
        page = await ctx.timeline(TimelineRequest.of(self._uuid, first, after, where))
        note_timeline_read(ctx, self.case.young_person_id, page)
        views = EntryViews(ctx.viewer, self.facts, ctx.today)
        return TimelineConnection.of(
            page,
            lambda row: TimelineEntry(
                row=row, view=views.of(row), young_person_id=self.case.young_person_id
            ),
        )

    @property
    def _uuid(self) -> UUID:
        return UUID(self.case.young_person_id)

    async def _details(self, info: Info) -> CaseDetails:
        if self.pinned is not None:
            return self.pinned.details
        return await details_of(info, self.case.young_person_id)

    def _shows(self, info: Info, author: str | None, domain: str) -> bool:
        sensitivity = vocabulary.Domain(domain).sensitivity.value
        ctx = info.context
        return policy.entry_view(ctx.viewer, self.facts, author, sensitivity, ctx.today).show_domain

    def _goal(self, info: Info, goal: GoalRow) -> Goal:
        sensitivity = vocabulary.Domain(goal.domain).sensitivity.value
        view = policy.entry_view(
            info.context.viewer, self.facts, goal.added_by, sensitivity, info.context.today
        )
        return Goal(row=goal, readable=view.readable, young_person_id=self.case.young_person_id)


async def visible_young_person(
    info: Info, young_person_id: str, as_of: datetime | None = None
) -> YoungPerson | None:
    """The case if the viewer may see it (now); None otherwise, exactly as for an unknown id.
    With `as_of`, the case as the ledger knew it at that recorded time."""
    if as_of is not None:
        require_aware(as_of, "asOf")  # checked first: the answer says nothing of the case
    facts = await info.context.loaders.facts.load(young_person_id)
    if facts is None or not shows_case(info.context.viewer, facts):
        return None
    if as_of is not None:
        ledger = info.context.parcours.ledger
        then = await off_loop(ledger.young_person_as_of, UUID(young_person_id), as_of)
        if then is None:
            return None
        return YoungPerson(
            case=as_of_rows.overview(then), facts=facts, pinned=as_of_rows.pinned(then, as_of)
        )
    case = await info.context.loaders.cases.load(young_person_id)
    return None if case is None else YoungPerson(case=case, facts=facts)


async def details_of(info: Info, young_person_id: str) -> CaseDetails:
    details = await info.context.loaders.details.load(young_person_id)
    assert details is not None, "the details query answers for any id"
    return details
