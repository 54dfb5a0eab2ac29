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
    done: bool = False
    turn: threading.Event | None = None
    """What a submitter that does not lead waits on: set when its job is done, or when it is
    to lead the committer next. Made only for such submitters (under the committer's mutex,
    before any leader can see the job): a lone writer, or a staged import, makes none."""
    keys: list[UUID] = field(default_factory=list)
    """The subject keys its latest decision created (`LedgerCore._decide`)."""
    fingerprint: str | None = None
    """Of a keyed command's arguments (`fingerprints.py`): kept in its receipt."""

    def succeed(self, outcome: UUID) -> None:
        self.outcome = outcome
        self._finish()

    def fail(self, error: BaseException) -> None:
        self.error = error
        self._finish()

    def _finish(self) -> None:
        self.done = True
        if self.turn is not None:
            self.turn.set()

    def result(self) -> UUID:
        if self.error is not None:
            raise self.error
        assert self.outcome is not None
        return self.outcome


HAND_OFF_AFTER = 4
"""Batches a leader runs for others once its own job is done, before handing leadership on."""


class GroupCommitter:
    def __init__(
        self,
        run: Callable[[list[Job]], None],
        settle: Callable[[], None] = lambda: None,
        max_batch: int = 256,
    ) -> None:
        """`run` may leave a batch's jobs in flight (written while the next batch is decided);
        `settle` finishes whatever is in flight, and is called before a leader steps down."""
        self._run = run
        self._settle = settle
        self._max_batch = max_batch
        self._mutex = threading.Lock()
        self._idle = threading.Condition(self._mutex)
        self._busy = False
        self._pending: list[Job] = []
        self._leading = threading.local()
        self.batches = 0
        self.largest_batch = 0
        """Counters for operators and benchmarks: how much grouping actually happens."""

    def submit(self, job: Job) -> UUID:
        """Runs the job (alone or with others waiting) and returns its outcome or raises.

        The first submitter to find the committer idle leads: it runs batch after batch of
        whatever is waiting, its own job first, while the others just wait for their outcome.
        A leader does not serve others forever: a few batches after its own job it hands the
        committer to the oldest waiting submitter."""
        if getattr(self._leading, "active", False):
            msg = "a command cannot be submitted while deciding another one"
            raise RuntimeError(msg)
        with self._mutex:
            leads = not self._busy
            if not leads:
                job.turn = threading.Event()
            self._pending.append(job)
            self._busy = True
        if job.turn is not None:
            try:
                job.turn.wait()
            except BaseException:
                self._leave_line(job)
                raise
            if job.done:
                return job.result()
        self._drain(job)
        return job.result()

    def _leave_line(self, job: Job) -> None:
        """A waiting submitter was interrupted (Ctrl-C lands on the main thread): its job
        leaves the line if no leader took it yet, and if the committer had just been handed
        to it, it hands the committer on — or every later submitter would wait for ever."""
        with self._mutex:
            handed = job.turn is not None and job.turn.is_set() and not job.done
            self._pending = [waiting for waiting in self._pending if waiting is not job]
            if handed:
                self._step_down()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Holds the committer for a caller that decides and saves by itself (a bulk import):
        other submitters wait until it is done."""
        with self._mutex:
            while self._busy:
                self._idle.wait()
            self._busy = True
        self._leading.active = True
        try:
            yield
        finally:
            self._leading.active = False
            with self._mutex:
                self._step_down()

    @property
    def waiting(self) -> bool:
        """Whether submitted jobs wait for the next batch (read without the lock: a hint)."""
        return bool(self._pending)

    def _drain(self, own: Job) -> None:
        """Serves, settles, and steps down — even when settling raises (an interrupt while
        waiting for the write in flight): a leader that never stepped down left every later
        submitter waiting for ever."""
        led: list[Job] = []
        try:
            try:
                self._serve(own, led)
            except BaseException as error:
                self._finish(led, error)
                raise
            self._finish(led, RuntimeError("the command was left without an outcome"))
        finally:
            with self._mutex:
                self._step_down()

    def _serve(self, own: Job, led: list[Job]) -> None:
        served_since = 0
        while True:
            with self._mutex:
                if not self._pending or (own.done and served_since >= HAND_OFF_AFTER):
                    return
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
            led.extend(batch)
            self._lead(batch)
            if own.done:
                served_since += 1

    def _finish(self, led: list[Job], error: BaseException) -> None:
        """Settles what is in flight, then fails any job led and still without an outcome."""
        self._leading.active = True
        try:
            self._settle()
        finally:
            self._leading.active = False
            for job in led:
                if not job.done:
                    job.fail(error)

    def _step_down(self) -> None:
        """Hands the committer to the oldest waiting submitter, or leaves it idle (under the
        mutex)."""
        if self._pending:
            successor = self._pending[0].turn
            assert successor is not None, "only submitters that did not lead wait in line"
            successor.set()
        else:
            self._busy = False
            self._idle.notify_all()

    def _lead(self, batch: list[Job]) -> None:
        self.batches += 1
        self.largest_batch = max(self.largest_batch, len(batch))
        self._leading.active = True
        try:
            self._run(batch)
        finally:
            self._leading.active = False
