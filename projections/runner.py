"""Runs every projection over the notification log: exactly once, in batches, rebuildable.

For each batch of notifications, each projection generation that is behind applies the events it
has not seen *and* records its new position in one transaction, so a crash at any point leaves
each generation either before or after the whole batch: nothing is applied twice or lost. A
handler that raises stops its generation (status `failed`, with the position and the error) and
is reported loudly; the other projections go on.
"""

import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait

from domain.collector import collector_paused
from projections import positions
from projections.leadership import Leadership
from projections.memo import Memo
from projections.outage import is_outage
from projections.policies import Policy
from projections.positions import BUILDING, FAILED, LIVE, RETIRED, STALE, Generation
from projections.projection import Projection, Recorded, Writer, decode_handled
from projections.read_ahead import ReadAhead
from projections.source import EventSource
from projections.store import ReadStore, Tx
from projections.wakeup import Pause, Wakeup

log = logging.getLogger("parcours.projections")
WRITTEN = (LIVE, BUILDING)
OUTAGE_BACKOFF_MAX = 10.0
"""Longest pause between retries while the store is unreachable."""
LEADERSHIP_CHECK_SECONDS = 1.0
"""How often a leading worker makes sure it still holds the lock."""
CONCURRENT_FROM = 200
"""A batch at least this long is applied to its generations at the same time (PostgreSQL)."""
CONCURRENT_GENERATIONS = 3
"""At most this many generations written at once, and never more than half the read store's
pool: each holds a connection for its batch, and the pool is shared with the API's readers."""


class _HandlerFailed(Exception):
    def __init__(self, at: Recorded | None, error: Exception) -> None:
        super().__init__(str(error))
        self.at = at
        self.error = error


class ProjectionRunner:
    statistics_from = 4096
    """Positions below this never trigger an ANALYZE (small tables plan well enough)."""

    def __init__(
        self,
        store: ReadStore,
        source: EventSource,
        projections: Sequence[type[Projection]],
        leadership: Leadership,
        batch_size: int = 1000,
        policies: Sequence[Policy] = (),
        policy_interval: float = 60.0,
        wakeup: Wakeup | None = None,
    ) -> None:
        self.store = store
        self.source = source
        self.projections = {p.name: p for p in projections}
        self.leadership = leadership
        self.batch_size = batch_size
        self.policies = policies
        self.policy_interval = policy_interval
        self.wakeup: Wakeup = wakeup or Pause()
        self._advanced = threading.Condition()
        self._appliers: ThreadPoolExecutor | None = None
        self._appliers_lock = threading.Lock()
        self._ahead = ReadAhead(source)
        self._closed = False
        self._memos: dict[tuple[str, int], Memo] = {}
        """Each written generation's memo (`projections.memo`), forgotten with any batch of
        that generation that is not committed."""
        self._at_once = min(CONCURRENT_GENERATIONS, getattr(store, "pool_size", 1) // 2)
        self.concurrent_from = CONCURRENT_FROM
        with store.transaction() as tx:
            positions.ensure_table(tx)

    # --- set-up --------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Creates missing tables, drops retired ones, and starts rebuilds for changed code."""
        with self.store.transaction() as tx:
            positions.ensure_table(tx)
            known = positions.all_generations(tx)
            for projection in self.projections.values():
                self._prepare_one(tx, projection, [g for g in known if g.name == projection.name])

    def _prepare_one(self, tx: Tx, projection: type[Projection], mine: list[Generation]) -> None:
        for retired in (g for g in mine if g.status == RETIRED):
            projection.drop(tx, retired.generation)
            positions.forget(tx, projection.name, retired.generation)
        served = next((g for g in mine if g.served), None)
        if served is None:
            projection.create(tx, 1)
            positions.add(tx, projection.name, 1, projection.version, LIVE, served=True)
            return
        if served.status == FAILED:
            positions.set_status(tx, projection.name, served.generation, LIVE)
        for failed in (g for g in mine if g.status == FAILED and not g.served):
            positions.set_status(tx, projection.name, failed.generation, BUILDING)
        building = any(g.status in (BUILDING, FAILED) and not g.served for g in mine)
        if served.version != projection.version and not building:
            positions.set_status(tx, projection.name, served.generation, STALE)
            self._add_generation(tx, projection, mine)

    @staticmethod
    def _add_generation(tx: Tx, projection: type[Projection], mine: list[Generation]) -> int:
        generation = max((g.generation for g in mine), default=0) + 1
        projection.create(tx, generation)
        positions.add(tx, projection.name, generation, projection.version, BUILDING, served=False)
        return generation

    def request_rebuild(self, name: str) -> int:
        """Adds a generation to build from zero; it is swapped in once caught up."""
        projection = self.projections[name]
        with self.store.transaction() as tx:
            mine = [g for g in positions.all_generations(tx) if g.name == name]
            pending = [g for g in mine if g.status == BUILDING]
            if pending:
                return pending[0].generation
            return self._add_generation(tx, projection, mine)

    # --- catching up ---------------------------------------------------------------------------

    def generations(self) -> list[Generation]:
        with self.store.transaction() as tx:
            return positions.all_generations(tx)

    def catch_up(
        self,
        max_batches: int | None = None,
        until: int | None = None,
        stop: threading.Event | None = None,
    ) -> int:
        """Applies every available event (up to position `until`, if given) to every written
        generation; returns how many were read. A set `stop` ends it between two batches: a
        worker asked to stop in a long catch-up (a rebuild) was still writing when the process
        closed the stores under it."""
        read = 0
        batches = 0
        try:
            while (max_batches is None or batches < max_batches) and not (stop and stop.is_set()):
                every = self.generations()
                written = [g for g in every if g.status in WRITTEN]
                if until is not None:
                    written = [g for g in written if g.position < until]
                held = self.facts_held_at(every)
                if held is not None:
                    written = [g for g in written if self._holds_facts(g) or g.position < held]
                if not written:
                    break
                self._keep_memos_of(written)
                last = (max_batches is not None and batches + 1 >= max_batches) or (
                    stop is not None and stop.is_set()
                )
                with collector_paused():
                    batch = self._next_batch(written, until, read_ahead=not last)
                    if batch:
                        self._apply_all(written, batch, held)
                if not batch:
                    self._swap_caught_up()
                    break
                read += len(batch)
                batches += 1
                self._swap_caught_up()
        finally:
            # A batch read ahead serves this call only: kept, a later call (the worker's retry
            # after an error) would take an old read — empty, or an outage since over.
            self._ahead.drop()
        return read

    def _next_batch(
        self, written: list[Generation], until: int | None, *, read_ahead: bool
    ) -> list[Recorded]:
        """The batch after the least advanced generation (up to `until`): the one read ahead
        if it starts there, else read now; and, if `read_ahead` and it is long, the next one
        read meanwhile."""
        start = min(g.position for g in written)
        batch = self._ahead.take(start)
        if batch is None:
            batch = self.source.read(start, self.batch_size)
        if until is not None:
            batch = _upto(batch, until)
        if read_ahead and self._long(batch) and batch[-1].position != until:
            self._ahead.start(batch[-1].position, self.batch_size, self._handled_by(written))
        return batch

    def _long(self, batch: list[Recorded]) -> bool:
        """Whether more of the log very likely follows a long batch, worth reading ahead
        (`read_ahead.py`): a full batch on PostgreSQL, where the appliers wait on the server."""
        return (
            self.store.dialect == "postgres"
            and len(batch) == self.batch_size
            and len(batch) >= self.concurrent_from
        )

    def facts_held_at(self, every: list[Generation]) -> int | None:
        """Where the served access facts stand, if they are not live (failed, or stale while a
        new generation of newer code is built): no generation of another projection goes past
        them until a live generation serves them again. The timeline read on beyond them
        would show entries recorded after a consent was withdrawn, in clear, to partners the
        frozen facts still count as allowed — a stale read model is safer than that."""
        stopped = [
            g.position for g in every if g.served and g.status != LIVE and self._holds_facts(g)
        ]
        return min(stopped, default=None)

    def _keep_memos_of(self, written: list[Generation]) -> None:
        """Lets go of the memos of generations no longer written (retired, failed, dropped)."""
        keep = {(g.name, g.generation) for g in written}
        for gone in [key for key in self._memos if key not in keep]:
            del self._memos[gone]

    def _apply_all(
        self, written: list[Generation], batch: list[Recorded], held: int | None = None
    ) -> None:
        """Applies the batch to each generation, each in its own transaction.

        On PostgreSQL a long batch (a rebuild, a catch-up after downtime) goes to several
        generations at the same time (`CONCURRENT_GENERATIONS`), on connections of their own:
        the generations share nothing but the batch, and one generation's statements run on
        the server while another's handlers run here. Errors are raised once every
        generation is done with the batch.

        Past a position `held` where the served facts stopped (failed before this batch, or on
        it), only the facts' generations are applied: one after the other, as this happens
        only until they are fixed."""
        behind = [g for g in written if g.position < batch[-1].position]
        facts = [g for g in behind if g.served and self._holds_facts(g)]
        if facts and len(facts) < len(behind):
            # Applied at once, the timeline could commit an entry before the facts it is shown
            # by (a consent withdrawn just before it): a reader in between saw it in clear.
            for generation in facts:
                if not self._apply(generation, batch):
                    stopped = generation.position
                    held = stopped if held is None else min(held, stopped)
            behind = [g for g in behind if g not in facts]
        if held is not None:
            for generation in behind:
                upto = batch if self._holds_facts(generation) else _upto(batch, held)
                if upto:
                    self._apply(generation, upto)
            return
        alone = len(behind) < 2 or len(batch) < self.concurrent_from or self._at_once < 2
        applying = (
            None if self.store.dialect != "postgres" or alone else self._submit(behind, batch)
        )
        if applying is None:
            for generation in behind:
                self._apply(generation, batch)
            return
        wait(applying)
        for applied in applying:
            applied.result()

    def _submit(
        self, behind: list[Generation], batch: list[Recorded]
    ) -> list["Future[bool]"] | None:
        """The batch handed to the appliers' threads, or None once the runner is closed."""
        decode_handled(batch, self._handled_by(behind))
        with self._appliers_lock:
            if self._closed:
                return None
            if self._appliers is None:
                self._appliers = ThreadPoolExecutor(
                    max_workers=self._at_once, thread_name_prefix="parcours-apply"
                )
            return [self._appliers.submit(self._apply, g, batch) for g in behind]

    def _holds_facts(self, generation: Generation) -> bool:
        projection = self.projections.get(generation.name)
        return projection is not None and projection.holds_facts

    def _handled_by(self, generations: list[Generation]) -> set[str]:
        return {name for g in generations for name in self._handlers_of(g)}

    def _handlers_of(self, generation: Generation) -> Sequence[str]:
        projection = self.projections.get(generation.name)
        return () if projection is None else list(projection.handlers)

    def close(self) -> None:
        """Stops the threads that apply long batches; a batch still being applied finishes,
        and a later one is applied one generation after the other."""
        with self._appliers_lock:
            self._closed = True
            appliers, self._appliers = self._appliers, None
        if appliers is not None:
            appliers.shutdown(wait=True)
        self._ahead.close()

    def _apply(self, generation: Generation, batch: list[Recorded]) -> bool:
        """Applies the batch's unseen events and the new position in one transaction; False
        when a handler failed and the generation stopped.

        The position is read again *inside* the transaction, under a lock (PostgreSQL: the
        row, FOR UPDATE; SQLite: the write transaction), so even two runners racing on one
        generation — a misconfiguration leadership should prevent — never apply an event twice.
        """
        if all(r.position <= generation.position for r in batch):
            return True
        projection = self.projections.get(generation.name)
        if projection is None:
            return True
        try:
            try:
                self._write(generation, projection, batch, pipelined=True)
            except _HandlerFailed as pipelined:
                # Pipelined, an error may surface after the statement that caused it: the batch
                # is written again statement by statement, to stop at the very event.
                self._write(generation, projection, batch, pipelined=False)
                if not is_outage(pipelined.error):
                    _warn_pipelined_only(generation, pipelined.error)
        except _HandlerFailed as failed:
            if is_outage(failed.error):
                raise failed.error from None  # transient: nothing was written; retried later
            self._fail(generation, failed.at, failed.error)
            return False
        self._keep_statistics(generation, projection, batch[-1].position)
        with self._advanced:
            self._advanced.notify_all()
        return True

    def _keep_statistics(
        self, generation: Generation, projection: type[Projection], reached: int
    ) -> None:
        """Analyzes a generation's tables each time its position doubles (PostgreSQL).

        A rebuild fills brand-new tables; until they are analyzed the planner guesses, and at
        10M events it guessed an update by `source_id` should also scan the partial index of
        every open involvement — 10 ms a row, quadratic over the rebuild. Autovacuum fixes that
        when it is on and keeps up; doubling keeps the statistics within a factor of two of the
        truth for a few ANALYZEs per table, and a caught-up projection almost never doubles."""
        before = generation.position
        if (
            self.store.dialect != "postgres"
            or reached < self.statistics_from
            or before.bit_length() == reached.bit_length()
        ):
            return
        with self.store.transaction() as tx:
            for table in projection.physical(generation.generation).values():
                tx.execute(f"ANALYZE {table}")

    def _write(
        self,
        generation: Generation,
        projection: type[Projection],
        batch: list[Recorded],
        *,
        pipelined: bool,
    ) -> None:
        current: Recorded | None = None
        memo = self._memos.setdefault((generation.name, generation.generation), Memo())
        try:
            with self.store.transaction(pipelined=pipelined) as tx:
                _without_waiting_for_disk(tx)
                reached = positions.locked_position(tx, generation.name, generation.generation)
                unseen = [r for r in batch if r.position > reached]
                tables = projection.physical(generation.generation)
                writer = Writer(
                    tx, tables, pipelined=pipelined, memo=memo, types=projection.column_types()
                )
                for current in unseen:
                    for handler in projection.handlers.get(current.name, ()):
                        handler(writer, current)
                current = None
                writer.flush()
                if unseen:
                    positions.advance(
                        tx, generation.name, generation.generation, unseen[-1].position
                    )
        except Exception as error:
            memo.forget()  # it may hold facts of the batch that was not committed
            raise _HandlerFailed(current, error) from error

    def _fail(self, generation: Generation, at: Recorded | None, error: Exception) -> None:
        where = None if at is None else at.position
        message = f"{type(error).__name__}: {error}"
        log.error(
            "projection %s (generation %s) stopped at position %s on %s: %s",
            generation.name,
            generation.generation,
            where,
            at and at.name,
            message,
            exc_info=error,
        )
        with self.store.transaction() as tx:
            positions.set_status(tx, generation.name, generation.generation, FAILED, message, where)

    def _swap_caught_up(self) -> None:
        """Swaps in a building generation once it has caught up with what it replaces.

        A live predecessor is still being written, so catching up means reaching it; a stale or
        failed one is frozen, so catching up means reaching the head of the log.
        """
        every = self.generations()
        for building in (g for g in every if g.status == BUILDING):
            served = next((g for g in every if g.name == building.name and g.served), None)
            target = 0 if served is None else served.position
            if served is not None and served.status != LIVE:
                target = max(target, self.source.head())
            if building.position >= target:
                with self.store.transaction() as tx:
                    old = None if served is None else served.generation
                    positions.swap(tx, building.name, old, building.generation)
                log.info(
                    "projection %s: generation %s swapped in", building.name, building.generation
                )

    # --- waiting -------------------------------------------------------------------------------

    def served_position(self) -> int:
        """The position every served projection has reached (the slowest one's)."""
        served = [g.position for g in self.generations() if g.served]
        return min(served, default=0)

    def wait_for(self, position: int, timeout: float) -> bool:
        """Blocks until every served projection has reached `position`, or the timeout."""
        deadline = time.monotonic() + timeout
        while self.served_position() < position:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._advanced:
                self._advanced.wait(min(remaining, 0.005))
        return True

    # --- running -------------------------------------------------------------------------------

    def run(self, stop: threading.Event, poll_interval: float = 0.05) -> None:
        """Waits for leadership, then keeps every projection caught up until `stop` is set,
        running the policies every `policy_interval` seconds. Leadership lost (the database
        restarted under it, and another worker may lead now) sends it back to waiting."""
        try:
            while not stop.is_set():
                if not self._lead():
                    stop.wait(1.0)
                    continue
                self._until_prepared(stop)
                self._serve(stop, poll_interval)
        finally:
            self.wakeup.close()
            self.leadership.release()

    def _serve(self, stop: threading.Event, poll_interval: float) -> None:
        next_policies = time.monotonic()
        next_check = time.monotonic() + LEADERSHIP_CHECK_SECONDS
        pause = poll_interval
        while not stop.is_set():
            if time.monotonic() >= next_check:
                if not self.leadership.holds():
                    log.warning("projection leadership lost; waiting to lead again")
                    return
                next_check = time.monotonic() + LEADERSHIP_CHECK_SECONDS
            try:
                idle = self.catch_up(stop=stop) == 0
                if time.monotonic() >= next_policies:
                    self.run_policies()
                    next_policies = time.monotonic() + self.policy_interval
                pause = poll_interval
            except Exception as error:
                if not is_outage(error):
                    raise
                pause = min(max(pause * 2, 0.5), OUTAGE_BACKOFF_MAX)
                log.warning("store unavailable (%s); retrying in %.1fs", error, pause)
                stop.wait(pause)
                next_check = 0.0  # the outage may have taken the lock with it
                continue
            if idle:
                self.wakeup.wait(pause)

    def _lead(self) -> bool:
        try:
            return self.leadership.try_acquire()
        except Exception as error:
            if is_outage(error):
                return False
            raise

    def _until_prepared(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.prepare()
                return
            except Exception as error:
                if not is_outage(error):
                    raise
                log.warning("store unavailable while preparing (%s); retrying", error)
                stop.wait(1.0)

    def run_policies(self) -> None:
        for policy in self.policies:
            try:
                policy.run_once()
            except Exception:
                log.exception("policy %s failed; it will be retried", type(policy).__name__)


def _upto(batch: list[Recorded], position: int) -> list[Recorded]:
    return [r for r in batch if r.position <= position]


def _warn_pipelined_only(generation: Generation, error: Exception) -> None:
    """A batch that failed pipelined but was written statement by statement: what only the
    pipelined path does (multi-row inserts, batched updates) refused something the plain path
    took — a defect worth seeing, though the batch is written."""
    log.warning(
        "projection %s (generation %s): a batch failed pipelined and was written statement by"
        " statement: %s: %s",
        generation.name,
        generation.generation,
        type(error).__name__,
        error,
    )


def _without_waiting_for_disk(tx: Tx) -> None:
    """Commits this transaction without waiting for its WAL flush (PostgreSQL).

    A rebuild commits a transaction per projection per batch, and waiting for each flush was a
    quarter of its time. Nothing is lost that matters: a crash can only forget the last few
    commits *whole* — rows and position together — so the projection is back at an earlier
    position with what it had there, and applies those events again. What a commit makes
    visible to readers is visible at once, as before.
    """
    if tx.dialect == "postgres":
        tx.execute("SET LOCAL synchronous_commit TO OFF")
