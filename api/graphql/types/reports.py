"""Aggregates and logs: indicators, the audit trail and the access log."""

from datetime import datetime

import strawberry

from api.access_log import AccessRecord
from api.audit_trail import AuditRecord
from api.graphql.context import Info
from api.graphql.enums import DeclineReason, Domain
from api.graphql.types.directory import Association, required_association
from domain import vocabulary
from projections.queries.coverage import Candidate
from projections.queries.coverage import CoverageCell as CellRow
from projections.queries.coverage import ServiceGap as GapRow
from projections.queries.indicators import ReferralMetrics as MetricsRow


@strawberry.type
class CoverageCell:
    row: strawberry.Private[CellRow]

    @strawberry.field
    def territory(self) -> str:
        return self.row.territory

    @strawberry.field
    def domain(self) -> Domain:
        return vocabulary.Domain(self.row.domain)

    @strawberry.field
    def open_needs(self) -> int:
        return self.row.open_needs

    @strawberry.field
    def monthly_capacity(self) -> int:
        return self.row.monthly_capacity

    @strawberry.field
    def declined_at_capacity(self) -> int:
        return self.row.declined_at_capacity

    @strawberry.field
    def median_days_to_acceptance(self) -> float | None:
        return self.row.median_days_to_acceptance


@strawberry.type
class ServiceGap:
    row: strawberry.Private[GapRow]

    @strawberry.field
    def territory(self) -> str:
        return self.row.territory

    @strawberry.field
    def domain(self) -> Domain:
        return vocabulary.Domain(self.row.domain)

    @strawberry.field
    def shortfall(self) -> int:
        return self.row.shortfall

    @strawberry.field
    def open_needs(self) -> int:
        return self.row.open_needs

    @strawberry.field
    def monthly_capacity(self) -> int:
        return self.row.monthly_capacity

    @strawberry.field
    def declined_at_capacity(self) -> int:
        return self.row.declined_at_capacity


@strawberry.type
class DeclineCount:
    reason: DeclineReason
    count: int


@strawberry.type
class ReferralMetrics:
    row: strawberry.Private[MetricsRow]

    @strawberry.field
    def made(self) -> int:
        return self.row.made

    @strawberry.field
    def accepted(self) -> int:
        return self.row.accepted

    @strawberry.field
    def declined(self) -> int:
        return self.row.declined

    @strawberry.field
    def completed(self) -> int:
        return self.row.completed

    @strawberry.field
    def withdrawn(self) -> int:
        return self.row.withdrawn

    @strawberry.field
    def expired(self) -> int:
        return self.row.expired

    @strawberry.field
    def declined_by_reason(self) -> list[DeclineCount]:
        return [
            DeclineCount(reason=vocabulary.DeclineReason(reason), count=count)
            for reason, count in sorted(self.row.declined_by_reason.items())
        ]

    @strawberry.field(description="completed / made")
    def closed_loop_rate(self) -> float | None:
        return self.row.closed_loop_rate

    @strawberry.field
    def median_days_to_response(self) -> float | None:
        return self.row.median_days_to_response

    @strawberry.field
    def median_days_to_completion(self) -> float | None:
        return self.row.median_days_to_completion


@strawberry.type
class ReferralCandidate:
    row: strawberry.Private[Candidate]

    @strawberry.field
    async def association(self, info: Info) -> Association:
        return await required_association(info, self.row.association_id)

    @strawberry.field
    def monthly_capacity(self) -> int | None:
        return self.row.monthly_capacity

    @strawberry.field
    def accepted_this_month(self) -> int:
        return self.row.accepted_this_month

    @strawberry.field
    def remaining_capacity(self) -> int | None:
        return self.row.remaining_capacity

    @strawberry.field
    def median_days_to_respond(self) -> float | None:
        return self.row.median_days_to_respond


@strawberry.type
class AuditEvent:
    row: strawberry.Private[AuditRecord]

    @strawberry.field
    def position(self) -> str:
        return str(self.row.position)

    @strawberry.field
    def stream_id(self) -> str:
        return self.row.stream_id

    @strawberry.field
    def version(self) -> int:
        return self.row.version

    @strawberry.field
    def type(self) -> str:
        return self.row.type

    @strawberry.field
    def recorded_at(self) -> datetime:
        return self.row.recorded_at

    @strawberry.field
    def actor_user_id(self) -> str | None:
        return self.row.actor_user_id

    @strawberry.field
    def actor_association_id(self) -> str | None:
        return self.row.actor_association_id

    @strawberry.field
    def hash(self) -> str:
        return self.row.hash


@strawberry.type
class AccessLogEntry:
    row: strawberry.Private[AccessRecord]

    @strawberry.field
    def read_at(self) -> datetime:
        return self.row.read_at

    @strawberry.field
    def user_id(self) -> str:
        return self.row.user_id

    @strawberry.field
    def role(self) -> str:
        return self.row.role

    @strawberry.field
    def association_id(self) -> str | None:
        return self.row.association_id

    @strawberry.field
    def young_person_id(self) -> str:
        return self.row.young_person_id

    @strawberry.field
    def what(self) -> str:
        return self.row.what
