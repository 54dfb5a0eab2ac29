"""Verification: recompute the chain from the stored bytes and name the first bad position.

It detects an edited event (its link no longer matches), a deleted one (a link points at
nothing, or a link is missing from the sequence), an inserted one (a stored event with no link),
a reordered one (the chain's event at a position is not the one linked), one slipped in with a
link numbered outside the sequence, and — against a signed checkpoint, its hash and its
position — a truncated tail, a chain recomputed from a tampered event onwards, or a head moved
to another position (a link's hash does not cover its position; the checkpoint does).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from domain.collector import collector_paused
from domain.ledger.chain.checkpoints import Checkpoint
from domain.ledger.chain.links import GENESIS, link_hash
from domain.ledger.chain.store import ChainedEvent, ChainStore

BATCH = 5000
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Finding:
    position: int | None
    seq: int | None
    problem: str

    def __str__(self) -> str:
        where = [] if self.position is None else [f"position {self.position}"]
        where += [] if self.seq is None else [f"chain link {self.seq}"]
        return f"{', '.join(where) or 'ledger'}: {self.problem}"


@dataclass(frozen=True)
class Verdict:
    checked: int
    head_seq: int
    head_hash: bytes
    findings: tuple[Finding, ...]
    head_position: int = 0
    """The log position of the last link verified (what a checkpoint of this verdict signs:
    the store's head read apart may already be further on)."""

    @property
    def intact(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        """The earliest problem in the log (by position, links without one last)."""
        return min(
            self.findings,
            key=lambda f: (f.position is None, f.position or 0, f.seq or 0),
            default=None,
        )


def verify(
    store: ChainStore, checkpoints: Sequence[Checkpoint] = (), progress: Progress | None = None
) -> Verdict:
    findings: list[Finding] = []
    previous, seq, checked = GENESIS, 0, 0
    last_position = 0
    seen: dict[int, tuple[bytes, int]] = {}
    wanted = {c.seq for c in checkpoints}
    while True:
        with collector_paused():  # each page read and checked (domain/collector.py)
            batch = store.links(seq, BATCH)
            if not batch:
                break
            for link in batch:
                findings += _check(link, seq + 1, previous, last_position)
                previous, seq = link.hash, link.seq
                last_position = max(last_position, link.position)
                if link.seq in wanted:
                    seen[link.seq] = (link.hash, link.position)
                checked += 1
        if progress is not None:
            progress(len(batch))
    unchained = store.unchained()
    if unchained is not None:
        findings.append(Finding(unchained, None, "an event was inserted outside the chain"))
    stray = store.stray()
    if stray is not None:
        seq_outside, at = stray
        problem = "a chain link outside the sequence (an event inserted beside the chain)"
        findings.append(Finding(at, seq_outside, problem))
    findings += _against_checkpoints(checkpoints, seq, seen)
    return Verdict(
        checked=checked,
        head_seq=seq,
        head_hash=previous,
        findings=tuple(findings),
        head_position=last_position,
    )


def _check(link: ChainedEvent, expected_seq: int, previous: bytes, last: int) -> list[Finding]:
    if link.seq != expected_seq:
        return [Finding(link.position, expected_seq, "chain links are missing (deleted events)")]
    if link.event is None:
        return [Finding(link.position, link.seq, "the event was deleted")]
    stream, version, topic, state = link.event
    if (stream, version) != (link.stream_id, link.version) or link.position <= last:
        return [Finding(link.position, link.seq, "events were reordered or replaced")]
    if link_hash(link.seq, stream, version, topic, state, previous) != link.hash:
        return [Finding(link.position, link.seq, "the event was edited (its hash does not match)")]
    return []


def _against_checkpoints(
    checkpoints: Sequence[Checkpoint], last_seq: int, seen: dict[int, tuple[bytes, int]]
) -> list[Finding]:
    findings = []
    for checkpoint in sorted(checkpoints, key=lambda c: c.seq):
        if checkpoint.seq > last_seq:
            findings.append(
                Finding(
                    checkpoint.position,
                    checkpoint.seq,
                    f"the ledger ends at link {last_seq}: its tail was truncated",
                )
            )
        elif seen.get(checkpoint.seq) != (checkpoint.hash, checkpoint.position):
            findings.append(
                Finding(
                    checkpoint.position,
                    checkpoint.seq,
                    "the chain differs from the signed checkpoint (recomputed after tampering,"
                    " or its events moved)",
                )
            )
    return findings
