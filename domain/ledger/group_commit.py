"""Group commit: commands arriving together are decided one after another and saved together.

A commit costs a round trip and a flush of the write-ahead log whatever it holds, and the ledger
serialises writers anyway (the hash chain has one head). So when several threads submit commands
at once, one of them — the leader — takes every command waiting, decides them in turn on the
shared working set, and saves them in a single transaction; the others wait for their outcome.
This is flat combining: no background thread, and a lone writer pays nothing for it.

What to do with a batch (decide, save, fall back one by one) is the ledger's business: this
module only gathers the jobs and guarantees that each one gets exactly one outcome.
"""

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from uuid import UUID

from eventsourcing.domain import Aggregate

Decision = tuple[UUID, Sequence[Aggregate]]
"""What a command decided: its outcome (the id it created or changed) and what to save."""


@dataclass(eq=False)
class Job:
    """One submitted command, and then its outcome or the error to raise to its submitter."""

    command: str
    receipt: UUID | None
    target: UUID | None
    decide: Callable[[], Decision]
    outcome: UUID | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def succeed(self, outcome: UUID) -> None:
        self.outcome = outcome
        self.done.set()

    def fail(self, error: BaseException) -> None:
        self.error = error
        self.done.set()

    def result(self) -> UUID:
        if self.error is not None:
            raise self.error
        assert self.outcome is not None
        return self.outcome


class GroupCommitter:
    def __init__(self, run: Callable[[list[Job]], None], max_batch: int = 256) -> None:
        self._run = run
        self._max_batch = max_batch
        self._mutex = threading.Lock()
        self._leader = threading.Lock()
        self._pending: list[Job] = []
        self._leading = threading.local()
        self.batches = 0
        self.largest_batch = 0
        """Counters for operators and benchmarks: how much grouping actually happens."""

    def submit(self, job: Job) -> UUID:
        """Runs the job (alone or with others waiting) and returns its outcome or raises."""
        if getattr(self._leading, "active", False):
            msg = "a command cannot be submitted while deciding another one"
            raise RuntimeError(msg)
        with self._mutex:
            self._pending.append(job)
        while not job.done.is_set():
            with self._leader:
                if job.done.is_set():
                    break
                with self._mutex:
                    batch = self._pending[: self._max_batch]
                    del self._pending[: self._max_batch]
                self._lead(batch)
        return job.result()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Holds the committer for a caller that decides and saves by itself (a bulk import):
        other submitters wait until it is done."""
        with self._leader:
            self._leading.active = True
            try:
                yield
            finally:
                self._leading.active = False

    def _lead(self, batch: list[Job]) -> None:
        self.batches += 1
        self.largest_batch = max(self.largest_batch, len(batch))
        self._leading.active = True
        try:
            self._run(batch)
        except BaseException as error:
            for job in batch:
                if not job.done.is_set():
                    job.fail(error)
            raise
        finally:
            self._leading.active = False
            for job in batch:
                if not job.done.is_set():
                    job.fail(RuntimeError("the command was left without an outcome"))
