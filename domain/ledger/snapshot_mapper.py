"""The snapshot store's mapper: every snapshot stored sealed (`snapshot_seal.py`).

A `Cipher` only sees the state, and the stream and version live in columns beside it: the
seal is applied here, where all of them are known.
"""

from typing import Any
from uuid import UUID

from eventsourcing.persistence import Compressor, Mapper, StoredEvent, Transcoder

from domain.privacy.snapshot_seal import SnapshotSeal


class SealedSnapshots(Mapper[UUID]):
    def __init__(
        self, transcoder: Transcoder, compressor: Compressor | None, seal: SnapshotSeal
    ) -> None:
        super().__init__(transcoder=transcoder, compressor=compressor)
        self._seal = seal

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        stored = super().to_stored_event(domain_event)
        sealed = self._seal.seal(
            _uuid(stored.originator_id), stored.originator_version, stored.topic, stored.state
        )
        return _with_state(stored, sealed)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        """Raises `SnapshotRefused` for a snapshot whose seal does not verify."""
        opened = self._seal.open(
            _uuid(stored_event.originator_id),
            stored_event.originator_version,
            stored_event.topic,
            stored_event.state,
        )
        return super().to_domain_event(_with_state(stored_event, opened))


def _uuid(value: object) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _with_state(stored: StoredEvent, state: bytes) -> StoredEvent:
    return StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=state,
    )
