"""Reads the ledger's notification log in order and decodes it once for every projection.

Positions are notification ids. PostgreSQL leaves gaps (rolled-back inserts) but commits ids in
order (the recorder's table lock serialises writers), so reading "greater than the last id seen"
neither stalls on a gap nor skips a late commit.
"""

from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper

from projections.projection import Recorded


class EventSource:
    def __init__(self, recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> None:
        self._recorder = recorder
        self._mapper = mapper

    def head(self) -> int:
        return self._recorder.max_notification_id() or 0

    def read(self, after: int, limit: int) -> list[Recorded]:
        notifications = self._recorder.select_notifications(
            start=after, limit=limit, inclusive_of_start=False
        )
        return [self._decode(n.id, n) for n in notifications]

    def _decode(self, position: int, notification: Any) -> Recorded:
        event = self._mapper.to_domain_event(notification)
        topic: str = notification.topic
        return Recorded(
            position=position,
            name=topic.rsplit(":", 1)[-1],
            stream_id=event.originator_id,
            version=event.originator_version,
            recorded_at=event.timestamp,  # type: ignore[attr-defined]
            event=event,
        )
