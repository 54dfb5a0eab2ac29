"""Bulk import: chunks of commands, each saved in one transaction while the next is decided.

A chunk's commands are decided ("staged") on the working set without being saved, encoded, and
handed to the appender's thread; the next chunk is decided meanwhile, on top of the state the
chunk in flight leaves — Python decides while PostgreSQL writes. At most one chunk is in flight,
so the log keeps the order of decision.

A chunk that cannot be decided whole is forgotten and run again one command at a time, the
ordinary way (nothing of it was written). A chunk the store refuses (an `IntegrityError`: a key
used before, a case file written meanwhile) is forgotten with the chunk decided on top of it —
that one rests on state that was never saved — both are taken back, the refused one is run one
by one, where a key seen before returns its first outcome, and the other is staged again after
it. Any other write error may have come after the commit went out, so the import stops there
with it rather than write the chunk a second time. Whatever stops the import forgets what it
had decided and not saved: the working set then holds only what the store holds.
"""

import threading
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import suppress
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.collector import collector_paused
from domain.ledger.appending import Appender, Encoded
from domain.ledger.batches import Chunk, Refused, Staged, StagedFlight, receipts_for
from domain.ledger.encoding import Encoder
from domain.ledger.group_commit import GroupCommitter, Job
from domain.ledger.working_set import WorkingSet
from domain.privacy.vault import Vault


class _Resumable(Iterator[Chunk]):
    """The chunks put back first, then the rest (a chain per refusal nested ever deeper)."""

    def __init__(self, chunks: Iterable[Chunk]) -> None:
        self._rest = iter(chunks)
        self._back: deque[Chunk] = deque()

    def put_back(self, chunks: Iterable[Chunk]) -> None:
        self._back.extendleft(reversed(tuple(chunks)))

    def __next__(self) -> Chunk:
        return self._back.popleft() if self._back else next(self._rest)


class Stager:
    def __init__(
        self,
        working_set: WorkingSet,
        encoder: Encoder,
        appender: Appender,
        committer: GroupCommitter,
        vault: Vault,
    ) -> None:
        self._working_set = working_set
        self._encoder = encoder
        self._appender = appender
        self._committer = committer
        self._vault = vault
        self._local = threading.local()

    @property
    def batch(self) -> Staged | None:
        """The chunk this thread is staging, if any: its commands are staged, not submitted."""
        found: Staged | None = getattr(self._local, "batch", None)
        return found

    def stage(self, batch: Staged, job: Job) -> UUID:
        with self._working_set.decision() as seen:
            try:
                outcome, aggregates = job.decide()
            finally:
                batch.touched |= seen
        batch.jobs.append(job)
        batch.outcomes.append(outcome)
        batch.saved.extend(aggregates)
        self._working_set.keep(aggregates)  # later commands of the chunk build on them
        return outcome

    def run(self, chunks: Iterable[Chunk]) -> None:
        pending = _Resumable(chunks)
        while True:
            with self._committer.exclusive():
                refused = self._until_refused(pending)
            if refused is None:
                return
            alone, again = refused
            with collector_paused():
                alone.run_alone()
            pending.put_back(again)

    def _until_refused(self, chunks: Iterator[Chunk]) -> Refused | None:
        """Stages and sends chunks until one is refused (returned, with the chunk to stage
        again) or none is left (None). None is in flight on return, nor when anything raises."""
        flight: StagedFlight | None = None
        batch: Staged | None = None
        try:
            while True:
                with collector_paused():  # reading and deciding a chunk (domain/collector.py)
                    chunk = next(chunks, None)
                    if chunk is None:
                        break
                    batch = Staged()
                    encoded = self._decided(chunk, batch)
                if encoded is None:
                    batch = None
                    return self._settled(flight, chunk) or (chunk, ())
                if (refused := self._settled(flight, chunk, batch)) is not None:
                    return refused
                flight = StagedFlight(chunk, batch, self._appender.send(encoded))
                batch = None
            return self._settled(flight)
        except BaseException:
            self._abandon(flight, batch)
            raise

    def _decided(self, chunk: Chunk, batch: Staged) -> Encoded | None:
        """The chunk staged and encoded, ready to send; None (forgotten, taken back) when one
        of its commands was refused or failed while being decided."""
        self._local.batch = batch
        try:
            with self._vault.keys_deferred(), self._vault.noting_new_keys() as created:
                chunk.stage()
                encoded = self._encoder.encode(
                    batch.saved, receipts_for(batch.jobs, batch.outcomes)
                )
                # The chunk's new subject keys, in one transaction, before its events are sent.
                self._vault.store_deferred()
                batch.keys = list(created)
        except Exception:
            self._working_set.forget(batch.forgotten())
            chunk.take_back()
            return None
        finally:
            self._local.batch = None
        return encoded

    def _settled(
        self,
        flight: StagedFlight | None,
        next_chunk: Chunk | None = None,
        on_top: Staged | None = None,
    ) -> Refused | None:
        """Waits for the chunk in flight, if any. Committed, its chunk is told (None).
        Refused, what it touched is forgotten with what was decided on top of it (`on_top`),
        both chunks are taken back, latest first, and the refused chunk is returned with the
        next one, to be staged again after it. Any other error is raised."""
        if flight is None or flight.settled:
            return None
        try:
            flight.written.result()
        except IntegrityError:
            flight.settled = True
            above = set() if on_top is None else on_top.forgotten()
            self._working_set.forget(flight.batch.forgotten() | above)
            self._destroy_keys(flight.batch)
            if on_top is not None and next_chunk is not None:
                self._destroy_keys(on_top)
                next_chunk.take_back()
            flight.chunk.take_back()
            return flight.chunk, () if next_chunk is None else (next_chunk,)
        flight.settled = True
        flight.chunk.committed()
        return None

    def _abandon(self, flight: StagedFlight | None, batch: Staged | None) -> None:
        """Something stopped the import: waits for the chunk in flight (its write cannot be
        called back) and forgets it and the chunk being decided, saved or not."""
        forgotten = set() if batch is None else batch.forgotten()
        if batch is not None:
            self._destroy_keys(batch)  # never sent
        if flight is not None:
            if not flight.settled:
                try:
                    flight.written.result()
                except IntegrityError:  # refused: nothing of it was saved
                    self._destroy_keys(flight.batch)
                except Exception:  # noqa: S110 - what stopped the import is what is raised
                    pass  # the write may have committed: its keys stay
            forgotten |= flight.batch.forgotten()
        self._working_set.forget(forgotten)

    def _destroy_keys(self, batch: Staged) -> None:
        """The keys stored for a chunk that was not saved (refused, or never sent): they sealed
        nothing that was, and its commands are decided again with keys of their own."""
        for subject in batch.keys:
            with suppress(Exception):  # garbage left behind, not a reason to stop
                self._vault.destroy_key(subject)
        batch.keys = []
