"""P1 and P2: recording interventions in process on PostgreSQL, alone and with 16 writers.

Commands carry idempotency keys, as the front ends send them. P2 also checks that every
acknowledged command is in the store exactly once.
"""

import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

from api.bootstrap import build
from api.settings import Settings
from bench import raw
from bench.ceilings import memory_ledger, sequential_ceiling
from bench.report import AT_LEAST, Ceiling, Row, row
from bench.stats import median, spread
from bench.store import scratch
from domain.actor import Actor
from domain.ledger import Ledger
from domain.vocabulary import Domain, Role

WRITERS = 16


@dataclass
class Case:
    ledger: Ledger
    worker: Actor
    people: list[UUID]

    def record(self, serial: int, key: str) -> UUID:
        return self.ledger.record_intervention(
            self.worker,
            self.people[serial % len(self.people)],
            domain=Domain.EDUCATION,
            kind="individual meeting",
            occurred_at=datetime.now(UTC) - timedelta(hours=1),
            duration_minutes=45,
            summary="talked about the training plan and next week's interview",
            idempotency_key=key,
        )


def new_case(ledger: Ledger, people: int = 50) -> Case:
    admin = Actor("bench-admin", Role.NETWORK_ADMIN)
    association = ledger.register_association(admin, name="Bench", territory="93")
    worker = Actor("bench-worker", Role.WORKER, association)
    enrolled = [
        ledger.enrol_young_person(
            worker,
            first_name="Camille",
            last_name=f"Bench{n}",
            date_of_birth=date(2009, 5, 17),
            territory="93",
        )
        for n in range(people)
    ]
    return Case(ledger, worker, enrolled)


def _sequential(case: Case, count: int) -> float:
    run = uuid4().hex
    started = time.perf_counter()
    for n in range(count):
        case.record(n, f"{run}-{n}")
    return count / (time.perf_counter() - started)


def _concurrent(case: Case, per_writer: int) -> tuple[float, list[UUID]]:
    run = uuid4().hex
    acknowledged: list[UUID] = []
    start = threading.Barrier(WRITERS + 1)

    def write(writer: int) -> None:
        start.wait()
        for n in range(per_writer):
            acknowledged.append(case.record(writer * per_writer + n, f"{run}-{writer}-{n}"))

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return len(acknowledged) / (time.perf_counter() - started), acknowledged


def _in_memory_seconds(commands: int) -> float:
    """Seconds per command of P1's command decided on an in-memory ledger, on fresh case files
    of the same shape: shorter than P1's, which have grown over its runs (and no snapshot is
    due), so the time errs low and the ceiling it gives errs high, as a bound should."""
    ledger = memory_ledger()
    try:
        case = new_case(ledger)
        _sequential(case, 200)  # warm up, as P1's own runs are
        return 1 / _sequential(case, commands)
    finally:
        ledger.close()


def _stored_once(settings: Settings, case: Case, acknowledged: list[UUID]) -> bool:
    fresh = build(settings)
    try:
        stored = [
            UUID(i) for yp in case.people for i in fresh.ledger.young_person(yp).interventions
        ]
    finally:
        fresh.close()
    return set(acknowledged) <= set(stored) and len(set(stored)) == len(stored)


def measure(work: Path, commands: int, runs: int) -> list[Row]:
    with scratch("writes", work / "writes") as settings:
        parcours = build(settings)
        try:
            case = new_case(parcours.ledger)
            _sequential(case, 50)  # warm up: connections, prepared statements, working set
            ours: list[float] = []
            raws: list[float] = []
            in_memory: list[float] = []
            for _ in range(runs):
                raws.append(raw.insert_rate(commands))
                ours.append(_sequential(case, commands))
                in_memory.append(_in_memory_seconds(commands))
            ratios = [o / r for o, r in zip(ours, raws, strict=True)]
            _concurrent(case, 20)  # warm up: the writers' first batches, the appender thread
            concurrent: list[float] = []
            all_stored = True
            for _ in range(runs):
                rate, acknowledged = _concurrent(case, max(commands // WRITERS, 20))
                concurrent.append(rate)
                all_stored = all_stored and _stored_once(settings, case, acknowledged)
            grouping = parcours.ledger.committer.largest_batch
            batches = parcours.ledger.committer.batches
        finally:
            parcours.close()
    p1 = median(ours)
    p2_ratios = [c / p1 for c in concurrent]
    deciding = min(in_memory)  # a bound: the fastest run
    grouped = row(
        "P2",
        f"same, {WRITERS} concurrent writers (group commit)",
        median(concurrent),
        p1,
        "commands/s",
        median(p2_ratios),
        (AT_LEAST, 3.0),
        extra=[("no lost or duplicated event", all_stored)],
        spread=spread(p2_ratios),
    )
    grouped.notes.append(f"{batches} commits, up to {grouping} commands in one")
    grouped.ceiling = Ceiling(
        1 / deciding / p1,
        f"one interpreter decides at most {1 / deciding:,.0f} commands/s (in memory)",
    )
    sequential = row(
        "P1",
        "record one intervention, sequential, PostgreSQL, in process",
        p1,
        median(raws),
        "commands/s",
        median(ratios),
        (AT_LEAST, 0.6),
        spread=spread(ratios),
    )
    sequential.ceiling = Ceiling(
        max(sequential_ceiling(r, m) for r, m in zip(raws, in_memory, strict=True)),
        f"a bare INSERT transaction plus the command decided in memory ({deciding * 1e6:,.0f} µs)",
    )
    return [sequential, grouped]
