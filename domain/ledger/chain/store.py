"""Raw reads of the event table and the chain, for verification (no decoding, no library
shortcuts: an auditor checks exactly the bytes that are stored)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder

from domain.ledger.chain.tables import StoredTables


@dataclass(frozen=True)
class ChainedEvent:
    """A link of the chain and the event stored at its position (None when that row is gone)."""

    seq: int
    position: int
    stream_id: UUID
    version: int
    hash: bytes
    event: tuple[UUID, int, str, bytes] | None


class ChainStore:
    def __init__(self, source: ApplicationRecorder | StoredTables) -> None:
        """Over a recorder's tables, or over tables named directly (a backup file's)."""
        self._tables = source if isinstance(source, StoredTables) else StoredTables.of(source)
        self._events = self._tables.events
        self._chain = self._tables.chain
        self._position = self._tables.position

    def _rows(self, statement: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        return self._tables.run(statement, params)

    def links(self, after_seq: int, limit: int) -> list[ChainedEvent]:
        rows = self._rows(
            f"SELECT c.seq, c.position, c.stream_id, c.version, c.hash, e.originator_id,"  # noqa: S608
            f" e.originator_version, e.topic, e.state FROM {self._chain} c"
            f" LEFT JOIN {self._events} e ON e.{self._position} = c.position"
            " WHERE c.seq > ? ORDER BY c.seq LIMIT ?",
            (after_seq, limit),
        )
        return [
            ChainedEvent(
                seq=int(r[0]),
                position=int(r[1]),
                stream_id=UUID(str(r[2])),
                version=int(r[3]),
                hash=bytes(r[4]),
                event=None
                if r[5] is None
                else (UUID(str(r[5])), int(r[6]), str(r[7]), bytes(r[8])),
            )
            for r in rows
        ]

    def unchained(self) -> int | None:
        """The first stored event with no link: something inserted behind the ledger's back."""
        rows = self._rows(
            f"SELECT MIN(e.{self._position}) FROM {self._events} e"  # noqa: S608
            f" LEFT JOIN {self._chain} c ON c.position = e.{self._position}"
            " WHERE c.seq IS NULL",
            (),
        )
        return None if not rows or rows[0][0] is None else int(rows[0][0])

    def stray(self) -> tuple[int, int] | None:
        """The first link numbered outside the sequence (below 1), and its position: verifying
        walks the sequence from 1, and `unchained` counts any link as chaining its event, so
        an event slipped in with a link numbered 0 would pass both."""
        rows = self._rows(
            f"SELECT seq, position FROM {self._chain} WHERE seq < 1 ORDER BY seq LIMIT 1",  # noqa: S608
            (),
        )
        return None if not rows else (int(rows[0][0]), int(rows[0][1]))

    def head(self) -> tuple[int, int, bytes] | None:
        statement = f"SELECT seq, position, hash FROM {self._chain} ORDER BY seq DESC LIMIT 1"  # noqa: S608
        rows = self._rows(statement, ())
        return None if not rows else (int(rows[0][0]), int(rows[0][1]), bytes(rows[0][2]))

    def link_for_position(self, position: int) -> ChainedEvent | None:
        statement = f"SELECT seq FROM {self._chain} WHERE position = ?"  # noqa: S608
        rows = self._rows(statement, (position,))
        if not rows:
            return None
        found = self.links(int(rows[0][0]) - 1, 1)
        return found[0] if found else None

    def hashes_at(self, positions: Sequence[int]) -> dict[int, bytes]:
        """The chain hash of each given log position, in one query."""
        if not positions:
            return {}
        marks = ", ".join("?" * len(positions))
        statement = f"SELECT position, hash FROM {self._chain} WHERE position IN ({marks})"  # noqa: S608
        return {int(r[0]): bytes(r[1]) for r in self._rows(statement, tuple(positions))}

    def link_at(self, seq: int) -> bytes | None:
        rows = self._rows(f"SELECT hash FROM {self._chain} WHERE seq = ?", (seq,))  # noqa: S608
        return None if not rows else bytes(rows[0][0])

    def count(self) -> int:
        rows = self._rows(f"SELECT COUNT(*) FROM {self._chain}", ())  # noqa: S608
        return int(rows[0][0])
