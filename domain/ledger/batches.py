"""Commands between being decided and being saved: what the ledger core keeps of them.

A bulk import stages a chunk of commands for one transaction (`Staged`) and writes it while
the next chunk is staged (`StagedFlight`); group commit decides a batch and encodes it
(`Decided`), then writes it while the next batch is decided (`InFlight`). Each command with an
idempotency key is saved with its receipt (`receipts_for`).
"""

from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.ledger.appending import Encoded
from domain.ledger.fingerprints import recorded
from domain.ledger.group_commit import Job
from domain.ledger.receipt import Receipt
from domain.ledger.working_set import WorkingSet


@dataclass
class Staged:
    """Commands decided in `LedgerCore.run_chunks` and not saved yet."""

    jobs: list[Job] = field(default_factory=list)
    outcomes: list[UUID] = field(default_factory=list)
    saved: list[Aggregate] = field(default_factory=list)
    touched: set[UUID] = field(default_factory=set)
    keys: list[UUID] = field(default_factory=list)
    """The subject keys stored for these commands, before their events are written."""

    def forgotten(self) -> set[UUID]:
        """What the working set must forget if these commands are not saved."""
        return self.touched | {a.id for a in self.saved}


class Chunk(Protocol):
    """Commands of a bulk import saved together (`LedgerCore.run_chunks`)."""

    def stage(self) -> None:
        """Submits the chunk's commands; the ledger decides them without saving them."""

    def take_back(self) -> None:
        """Forgets what staging gave the caller (outcomes it named): they were not saved."""

    def run_alone(self) -> None:
        """Runs the chunk's commands one by one, the ordinary way."""

    def committed(self) -> None:
        """Told once the chunk's staged commands are saved."""


@dataclass
class StagedFlight:
    """A staged chunk being written."""

    chunk: Chunk
    batch: Staged
    written: "Future[None]"
    settled: bool = False


Refused = tuple[Chunk, tuple[Chunk, ...]]
"""A chunk to run one by one, and the chunks to stage again after it."""


@dataclass
class Decided:
    """A batch decided together and encoded, not written yet."""

    jobs: list[Job]
    outcomes: list[UUID]
    saved: list[Aggregate]
    touched: set[UUID]
    encoded: Encoded

    def succeed(self, working_set: WorkingSet) -> None:
        """The batch is committed: its aggregates are what the store holds."""
        working_set.keep(self.saved)
        for job, outcome in zip(self.jobs, self.outcomes, strict=True):
            job.succeed(outcome)


@dataclass
class InFlight:
    decided: Decided
    written: "Future[None]"


def fail_all(jobs: Iterable[Job], error: BaseException) -> None:
    for job in jobs:
        job.fail(error)


class DecideAlone(Exception):
    """A batch cannot be saved as a whole: its commands are run again one by one."""


def receipts_for(jobs: Iterable[Job], outcomes: Sequence[UUID]) -> list[Receipt]:
    return [
        Receipt(job.receipt, recorded(job.command, job.fingerprint), job.target, outcome)
        for job, outcome in zip(jobs, outcomes, strict=True)
        if job.receipt is not None
    ]
