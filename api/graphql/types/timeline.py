"""Timeline entries as a viewer may see them: full, or redacted to kind, time and author."""

from collections.abc import Callable
from datetime import datetime

import strawberry

from api.graphql.case_view import entry_domain, entry_redacted, entry_summary
from api.graphql.context import Info
from api.graphql.enums import Domain, TimelineEntryKind
from api.graphql.ids import to_global
from api.graphql.pagination import PageInfo, connection
from api.graphql.types.directory import Association, association
from api.policy import EntryView
from projections.queries.paging import Page
from projections.queries.timeline import TimelineEntry as EntryRow


@strawberry.type
class TimelineEntry:
    row: strawberry.Private[EntryRow]
    view: strawberry.Private[EntryView]
    young_person_id: strawberry.Private[str]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global("TimelineEntry", self.row.entry_id)

    @strawberry.field
    def kind(self) -> TimelineEntryKind:
        return TimelineEntryKind(self.row.kind)

    @strawberry.field
    def occurred_at(self) -> datetime:
        return self.row.occurred_at

    @strawberry.field
    def recorded_at(self) -> datetime:
        return self.row.recorded_at

    @strawberry.field
    async def association(self, info: Info) -> Association | None:
        return await association(info, self.row.association_id)

    @strawberry.field
    def domain(self) -> Domain | None:
        return entry_domain(self.row, self.view)

    @strawberry.field(
        description="null when the viewer may not read it (no consent for its sensitivity)"
        " or it was erased"
    )
    def summary(self, info: Info) -> str | None:
        return entry_summary(
            info.context.parcours.vault.opener(self.young_person_id), self.row, self.view
        )

    @strawberry.field(description="true when the viewer sees only that an entry exists")
    def redacted(self) -> bool:
        return entry_redacted(self.view)

    @strawberry.field(description="true when a later event amended this entry")
    def amended(self) -> bool:
        return self.row.amended

    @strawberry.field(description="true when a later event retracted this entry")
    def retracted(self) -> bool:
        return self.row.retracted


@strawberry.type
class TimelineEdge:
    cursor: str
    node: TimelineEntry


@strawberry.type
class TimelineConnection:
    """Named as in the contract (not `TimelineEntryConnection`)."""

    edges: list[TimelineEdge]
    page_info: PageInfo

    @classmethod
    def of(
        cls, page: Page[EntryRow], make: Callable[[EntryRow], TimelineEntry]
    ) -> "TimelineConnection":
        generic = connection(page, make)
        return cls(
            edges=[TimelineEdge(cursor=e.cursor, node=e.node) for e in generic.edges],
            page_info=generic.page_info,
        )
