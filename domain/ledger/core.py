"""The ledger service's machinery: persistence wiring, idempotency, group commit, retries.

Every command is load, decide, save. `execute` adds what every command needs: commands that
arrive together are saved in one transaction (`group_commit`), on aggregates kept in memory
(`working_set`); a retried command with the same idempotency key returns its first outcome; and
a command that lost an optimistic concurrency race is decided again on fresh state (a few times)
instead of failing.
"""

import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import EventStore, IntegrityError, JSONTranscoder

from domain.actor import Actor
from domain.case_file.young_person import YoungPerson
from domain.errors import DomainError, NotFound, RuleViolation
from domain.ledger import fingerprints
from domain.ledger.appending import Appender
from domain.ledger.batches import Chunk, DecideAlone, Decided, InFlight, fail_all, receipts_for
from domain.ledger.encoding import SNAPSHOT_INTERVAL, Encoder
from domain.ledger.group_commit import Decision, GroupCommitter, Job
from domain.ledger.receipt import Receipt, receipt_id
from domain.ledger.receipt_rows import ReceiptRecorder
from domain.ledger.snapshot_mapper import SealedSnapshots
from domain.ledger.staging import Stager
from domain.ledger.transcodings import register_domain_transcodings
from domain.ledger.working_set import WorkingSet
from domain.network.programme import Programme
from domain.privacy.snapshot_seal import SnapshotRefused
from domain.privacy.vault import Vault

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]

A = TypeVar("A", bound=Aggregate)
MAX_ATTEMPTS = 12
WORKING_SET_ENV = "PARCOURS_WORKING_SET_SIZE"
"""How many aggregates commands keep in memory (0: every command reads the store)."""


_JITTER = random.Random()  # noqa: S311 - jitter only; private, so callers' random state is theirs


def _back_off(attempt: int) -> None:
    """Randomised, growing pause after a lost race, so contenders stop colliding in step."""
    time.sleep(_JITTER.uniform(0, 0.002 * 2 ** min(attempt, 6)))


def utc_now() -> datetime:
    return datetime.now(UTC)


class ConcurrencyConflict(RuleViolation):
    code = "CONCURRENT_UPDATE"


class LedgerCore(Application[UUID]):
    snapshotting_intervals = {YoungPerson: SNAPSHOT_INTERVAL}

    def __init__(self, env: Mapping[str, str], vault: Vault, clock: Clock = utc_now) -> None:
        self.vault = vault  # before the library's constructor: the snapshot store needs it
        super().__init__(env=dict(env))
        if not isinstance(self.recorder, ReceiptRecorder):
            msg = f"{type(self.recorder).__name__} cannot keep command receipts (receipt_rows.py)"
            raise TypeError(msg)
        self.receipts: ReceiptRecorder = self.recorder
        self.vault = vault
        self.clock = clock
        self.working_set = WorkingSet(int(env.get(WORKING_SET_ENV, "1000")))
        self.committer = GroupCommitter(self._run_batch, self.settle)
        self.appender = Appender(
            self.recorder, None if self.snapshots is None else self.snapshots.recorder
        )
        self.encoder = Encoder(
            self.mapper,
            self.snapshotting_intervals if self.snapshots is not None else {},
            type(self).snapshot_class,
            snapshot_mapper=None if self.snapshots is None else self.snapshots.mapper,
        )
        self._in_flight: InFlight | None = None
        self.stager = Stager(
            self.working_set, self.encoder, self.appender, self.committer, self.vault
        )

    def construct_snapshot_store(self) -> EventStore[UUID]:
        """Snapshots are stored sealed, and a load refuses one whose seal does not verify
        (`domain/privacy/snapshot_seal.py`)."""
        mapper = SealedSnapshots(
            self.mapper.transcoder, self.mapper.compressor, self.vault.snapshot_seal()
        )
        return self.factory.event_store(
            mapper=mapper, recorder=self.factory.aggregate_recorder(purpose="snapshots")
        )

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)

    def execute(
        self,
        command: str,
        actor: Actor,
        idempotency_key: str | None,
        decide: Callable[[], Decision],
        target: UUID | None = None,
    ) -> UUID:
        """Runs `decide` and saves what it decided, once per idempotency key.

        `target` is what the command acts on (a case file, an association…): a key reused for
        another command or another target is a client error, not a retry, and is refused.
        """
        receipt = None if idempotency_key is None else receipt_id(actor, idempotency_key)
        arguments = None if receipt is None else fingerprints.current_arguments()
        fingerprint = None if arguments is None else fingerprints.fingerprint(arguments, self.vault)
        job = Job(command, receipt, target, decide, fingerprint=fingerprint)
        staged = self.stager.batch
        if staged is not None:
            return self.stager.stage(staged, job)
        return self.committer.submit(job)

    def run_chunks(self, chunks: Iterable[Chunk]) -> None:
        """Runs a bulk import chunk by chunk, each chunk's commands saved in one transaction,
        written while the next chunk is decided; a chunk that cannot be saved whole is run
        again one command at a time (`staging.py`)."""
        self.stager.run(chunks)

    # --- deciding and saving --------------------------------------------------------------------

    def _run_batch(self, jobs: list[Job]) -> None:
        """Runs a batch, overlapping its decisions with the previous batch's append.

        A batch of several commands is decided on the working set — which already holds what the
        batch in flight decided — and then waits for that batch to commit. If it did, this batch
        is sent in turn when more commands wait (they will be decided during its append), or
        written at once; if it did not, this batch's decisions rested on state the store refused:
        they are forgotten and the batch runs again from scratch. A lone command, or a batch
        that cannot be decided whole, runs command by command once nothing is in flight."""
        if len(jobs) > 1:
            touched: set[UUID] = set()
            try:
                decided = self._decide_together(jobs, touched)
            except DecideAlone:
                self._settle_under(touched)
            except Exception as error:
                self._settle_under(touched)
                for job in jobs:  # nothing was sent: the keys its decisions made sealed nothing
                    self._drop_keys(job)
                fail_all(jobs, error)
                return
            else:
                if self._settle(decided.touched):
                    self._save(decided)
                    return
        self._settle()
        for job in jobs:
            try:
                job.succeed(self._run_alone(job))
            except Exception as error:
                job.fail(error)

    def _settle_under(self, touched: set[UUID]) -> None:
        """Settles the batch in flight under a batch that could not be decided whole, then
        forgets again what that batch touched: the batch in flight, once committed, keeps its
        aggregates — the very objects the failed batch went on to change, with events no
        command will save. Kept, those events would be written with the next command on the
        same aggregate, without a receipt (the soak test's "1 extra" intervention)."""
        self._settle()
        self.working_set.forget(touched)

    def _decide_together(self, jobs: list[Job], touched: set[UUID]) -> Decided:
        """Decides every job in turn and encodes what they decided, noting in `touched` every
        aggregate read or changed; on a refusal or collision, forgets them and raises
        `DecideAlone`."""
        outcomes: list[UUID] = []
        saved: list[Aggregate] = []
        try:
            for job in jobs:
                with self.working_set.decision() as seen:
                    try:
                        outcome, aggregates = self._decide(job)
                    finally:
                        touched |= seen
                outcomes.append(outcome)
                saved.extend(aggregates)
            encoded = self.encoder.encode(saved, receipts_for(jobs, outcomes))
        except Exception as error:
            touched |= {a.id for a in saved}
            self.working_set.forget(touched)
            if isinstance(error, IntegrityError | DomainError):
                raise DecideAlone from error
            raise
        return Decided(jobs, outcomes, saved, touched | {a.id for a in saved}, encoded)

    def _save(self, decided: Decided) -> None:
        """Sends the batch to the appender: the leader decides the next batch (the commands of
        those this one's writers are not waiting for) during its append."""
        self._in_flight = InFlight(decided, self.appender.send(decided.encoded))

    def _settle(self, speculative: set[UUID] | None = None) -> bool:
        """Waits for the batch in flight and gives its commands their outcomes; False when it
        was not committed. `speculative` is what a batch decided on top of it touched: it is
        forgotten before anything is decided again, as it may hold the refused batch's state."""
        flight, self._in_flight = self._in_flight, None
        if flight is None:
            return True
        decided = flight.decided
        try:
            flight.written.result()
        except Exception as error:
            self.working_set.forget(decided.touched | (speculative or set()))
            if isinstance(error, IntegrityError):
                self._run_each_alone(decided.jobs)
            else:
                fail_all(decided.jobs, error)
            return False
        decided.succeed(self.working_set)
        return True

    def _decide(self, job: Job) -> Decision:
        """Decides the job, noting the subject keys the decision creates. Those of its previous
        decision are destroyed first: deciding again means that one was not saved (its batch
        could not be decided whole, or its append lost a race), and its keys sealed nothing
        that was — left, they were garbage in the key store for ever."""
        self._drop_keys(job)
        with self.vault.noting_new_keys() as created:
            try:
                return job.decide()
            finally:
                job.keys = list(created)

    def _drop_keys(self, job: Job) -> None:
        """Destroys the keys of a decision that was not saved. A key store failing here leaves
        garbage behind; it must not fail the command, which may well have been recorded."""
        for subject in job.keys:
            try:
                self.vault.destroy_key(subject)
            except Exception:
                logger.warning("a key of an unsaved decision was not destroyed", exc_info=True)
        job.keys = []

    def settle(self) -> None:
        """Called by the committer before a leader steps down: nothing stays in flight."""
        self._settle()

    def _run_each_alone(self, jobs: list[Job]) -> None:
        for job in jobs:
            try:
                job.succeed(self._run_alone(job))
            except Exception as error:
                job.fail(error)

    def _run_alone(self, job: Job) -> UUID:
        """Decides and saves one job, deciding again on fresh state after a lost race.

        The receipt is looked up only when something went wrong: a retry that decides the same
        again collides on the receipt, and a retry refused by the state it created finds it."""
        fresh = False
        for attempt in range(MAX_ATTEMPTS):
            if (fresh or attempt > 0) and (first := self._first_outcome(job)) is not None:
                self._drop_keys(job)
                return first
            with self.working_set.decision() as seen:
                try:
                    outcome, aggregates = self._decide(job)
                except DomainError:
                    self.working_set.forget(seen)
                    if fresh or not seen:
                        raise
                    fresh = True  # it may have been refused by a stale aggregate: once more
                    continue
            try:
                self._append(aggregates, receipts_for([job], [outcome]))
            except IntegrityError:
                self.working_set.forget(seen | {a.id for a in aggregates})
                _back_off(attempt)
                continue
            except Exception:
                self.working_set.forget(seen | {a.id for a in aggregates})
                raise
            self.working_set.keep(aggregates)
            return outcome
        self._drop_keys(job)
        raise ConcurrencyConflict("the record kept changing under this command: retry it")

    def _append(self, aggregates: Sequence[Aggregate], receipts: Sequence[Receipt] = ()) -> None:
        """Saves what the aggregates decided and the commands' receipts in one transaction,
        with the aggregates' due snapshots."""
        self.appender.write(self.encoder.encode(aggregates, receipts))

    def close(self) -> None:
        self.appender.close()
        close_appender = getattr(self.recorder, "close", None)
        if close_appender is not None:
            close_appender()
        super().close()

    def __del__(self) -> None:
        """A ledger dropped without `close` is finalised by the collector, which runs on
        whichever thread allocates when it is due — possibly one holding `threading`'s own
        locks while starting a thread (joining the appender's thread there waited for one of
        them for ever: the suite once hung so), or the appender's thread in the middle of an
        append, holding the recorder's lock. So the finalizer waits for nothing: it tells the
        appender's thread to end and closes the append connection only if no append is using
        it. The library's `__del__` (a full `close`) is not called; the connection pools close
        themselves when collected."""
        appender: Appender | None = getattr(self, "appender", None)
        if appender is not None:
            appender.close(wait=False)
        close_if_idle = getattr(getattr(self, "recorder", None), "close_if_idle", None)
        if close_if_idle is not None:
            close_if_idle()

    def _first_outcome(self, job: Job) -> UUID | None:
        if job.receipt is None:
            return None
        first = self.receipts.select_receipt(job.receipt)
        if first is None:
            return None
        return first.outcome_for(job.command, job.target, job.fingerprint)

    def load(self, kind: type[A], aggregate_id: UUID, field: str) -> A:
        """The aggregate of that kind, or a `NotFound` naming the input field that named it.

        While deciding a command, from the working set (fast-forwarded if it may be stale);
        elsewhere, straight from the store, so readers never see a decision in progress."""
        found = self._fetch(aggregate_id) if self.working_set.deciding else self._read(aggregate_id)
        if not isinstance(found, kind):
            what = field.removesuffix("_id").replace("_", " ")
            raise NotFound(f"no such {what}", field=field)
        return found

    def _read(self, aggregate_id: UUID) -> Aggregate | None:
        try:
            found: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        except SnapshotRefused as refused:
            logger.warning("%s: %s; folding its events instead", aggregate_id, refused)
            return self._folded(aggregate_id)
        return found

    def _folded(self, aggregate_id: UUID) -> Aggregate | None:
        """The aggregate from its events alone, which the chain covers (no snapshot)."""
        folded: Any = None
        for event in self.events.get(aggregate_id):
            folded = event.mutate(folded)  # type: ignore[attr-defined]
        return cast("Aggregate | None", folded)

    def _fetch(self, aggregate_id: UUID) -> Aggregate | None:
        kept = self.working_set.lookup(aggregate_id)
        if kept is None:
            found = self._read(aggregate_id)
        else:
            found, fresh = kept
            if not fresh:
                for later in self.events.get(aggregate_id, gt=found.version):
                    later.mutate(found)  # type: ignore[attr-defined]
        if found is not None:
            self.working_set.keep([found])
        return found

    def young_person(self, young_person_id: UUID) -> YoungPerson:
        return self.load(YoungPerson, young_person_id, "young_person_id")

    def young_person_as_of(
        self, young_person_id: UUID, recorded_at: datetime
    ) -> YoungPerson | None:
        """The case file as the ledger knew it at `recorded_at` (None before its enrolment).

        An auditor's question, answered from the events themselves: folds the stream up to the
        last event recorded at or before that time (snapshots are left out on purpose — they
        are taken later than the moment asked about).
        """
        state: object = None
        for event in self.events.get(young_person_id):
            if event.timestamp > recorded_at:  # type: ignore[attr-defined]
                break
            state = event.mutate(state)  # type: ignore[attr-defined]
        return state if isinstance(state, YoungPerson) else None

    def programme_partners(self, young_person: YoungPerson) -> frozenset[UUID]:
        """Partners of the programmes the young person is enrolled in: they are involved too."""
        partners: set[UUID] = set()
        for programme_id in young_person.programme_ids:
            partners.update(self.load(Programme, programme_id, "programme_id").partners)
        return frozenset(partners)

    def born_on(self, young_person: YoungPerson) -> date | None:
        opened = self.vault.open(young_person.personal.date_of_birth)
        return None if opened is None else date.fromisoformat(opened)
