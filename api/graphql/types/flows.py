"""Referrals and handovers, as the associations that are party to them see them."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.enums import DeclineReason, Domain, HandoverStatus, ReferralStatus
from api.graphql.ids import to_global
from api.graphql.types.directory import Association, required_association
from api.graphql.types.node import Node
from domain import vocabulary
from projections.queries.referrals import HandoverRow, ReferralRow

if TYPE_CHECKING:
    from api.graphql.types.young_person import YoungPerson


@strawberry.type
class Referral(Node):
    row: strawberry.Private[ReferralRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global("Referral", self.row.referral_id)

    @strawberry.field
    async def young_person(
        self, info: Info
    ) -> Annotated["YoungPerson", strawberry.lazy("api.graphql.types.young_person")] | None:
        from api.graphql.types.young_person import visible_young_person  # noqa: PLC0415

        return await visible_young_person(info, self.row.young_person_id)

    @strawberry.field
    async def from_association(self, info: Info) -> Association:
        return await required_association(info, self.row.from_association_id)

    @strawberry.field
    async def to_association(self, info: Info) -> Association:
        return await required_association(info, self.row.to_association_id)

    @strawberry.field
    def domain(self) -> Domain:
        return vocabulary.Domain(self.row.domain)

    @strawberry.field
    def status(self) -> ReferralStatus:
        return vocabulary.ReferralStatus(self.row.status)

    @strawberry.field
    def made_at(self) -> datetime:
        return self.row.made_at

    @strawberry.field
    def responded_at(self) -> datetime | None:
        return self.row.responded_at

    @strawberry.field
    def completed_at(self) -> datetime | None:
        return self.row.completed_at

    @strawberry.field
    def decline_reason(self) -> DeclineReason | None:
        reason = self.row.decline_reason
        return None if reason is None else vocabulary.DeclineReason(reason)


@strawberry.type
class Handover(Node):
    row: strawberry.Private[HandoverRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global("Handover", self.row.handover_id)

    @strawberry.field
    async def from_association(self, info: Info) -> Association:
        return await required_association(info, self.row.from_association_id)

    @strawberry.field
    async def to_association(self, info: Info) -> Association:
        return await required_association(info, self.row.to_association_id)

    @strawberry.field
    def status(self) -> HandoverStatus:
        return vocabulary.HandoverStatus(self.row.status)

    @strawberry.field
    def proposed_at(self) -> datetime:
        return self.row.proposed_at

    @strawberry.field
    def responded_at(self) -> datetime | None:
        return self.row.responded_at


def read_referral(info: Info, row: ReferralRow) -> Referral:
    """A referral as a party reads it in a list, by id or in its inbox: it tells of a young
    person (status, domain, dates), so the read goes to the access log as the case's own list
    of referrals does — these reads were not logged."""
    info.context.read(row.young_person_id, "referrals")
    return Referral(row=row)


def read_handover(info: Info, row: HandoverRow) -> Handover:
    """A handover read by id, logged as the case's own list of handovers is."""
    info.context.read(row.young_person_id, "handovers")
    return Handover(row=row)
