"""The soak harness: a deployment under concurrent load, an optional fault, then the verdicts.

Shared by the pytest tests (`tests/reliability/test_*.py`, ~30 s runs) and `scripts/soak`
(minutes), so what the script proves is exactly what CI proves, only for longer.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from tests.reliability.checks import Check, verify_all
from tests.reliability.client import Ack, Client, Tally
from tests.reliability.processes import Fleet, Instance, running_fleet
from tests.reliability.workload import Desk, Journal, Network, register_network, worker

FAULT_JOIN_SECONDS = 120.0


class Fault(Protocol):
    """Something that goes wrong while the clients write; it runs in a thread of its own."""

    name: str

    def inject(self, fleet: Fleet, network: Network) -> None:
        """Does its damage, and repairs it, before returning; every wait in it is bounded."""

    def notes(self) -> list[str]:
        """What it did and saw, for the summary."""

    def acknowledged(self) -> list[Ack]:
        """Commands it sent itself and saw acknowledged (they are checked like the others)."""


@dataclass(frozen=True)
class Plan:
    seconds: float
    clients: int = 16
    servers: int = 2
    workers: int = 1
    """Projection worker processes: one leads, the others wait as standbys."""
    associations: int = 4
    replay_share: float = 0.1
    """Acknowledged commands sent once more with the same key, as after a lost answer."""


@dataclass
class Report:
    plan: Plan
    tally: Tally
    journal: Journal
    checks: list[Check] = field(default_factory=list)
    fault_notes: list[str] = field(default_factory=list)
    fault_error: str | None = None
    load_seconds: float = 0.0
    logs: str = ""

    @property
    def problems(self) -> list[str]:
        """Everything that makes the run a failure, in words."""
        found = [str(c) for c in self.checks if not c.ok]
        if self.tally.errors:
            found.append(f"unexpected answers: {dict(self.tally.errors)}")
        if self.tally.refusals:  # the clients only send commands the rules allow
            found.append(f"refused: {dict(self.tally.refusals)}")
        if self.tally.abandoned:
            found.append(f"{len(self.tally.abandoned)} command(s) never answered")
        if self.journal.replay_mismatches:
            found.append(f"same key, other answer: {self.journal.replay_mismatches[:3]}")
        if self.fault_error is not None:
            found.append(f"the fault injector failed: {self.fault_error}")
        return found

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        tally, journal = self.tally, self.journal
        lines = [
            f"load: {self.plan.clients} clients on {self.plan.servers} servers for "
            f"{self.load_seconds:.0f}s",
            f"commands acknowledged: {len(journal.acks)} {dict(journal.kinds())}",
            f"retried commands: {sum(1 for a in journal.acks if a.attempts > 1)}; "
            f"attempts retried: {dict(tally.retries)}",
            f"replayed with the same key: {journal.replays}",
            f"refused (business rules): {dict(tally.refusals)}",
            f"errors by kind: {dict(tally.errors) or 'none'}",
            f"503 messages: {dict(tally.unavailable_messages) or 'none'}",
            f"never answered: {len(tally.abandoned)}",
            *[f"fault: {note}" for note in self.fault_notes],
            *[str(check) for check in self.checks],
            "verdict: " + ("OK" if self.ok else "FAILED"),
        ]
        return "\n".join(lines)

    def explain(self) -> str:
        """The summary and the processes' last log lines, for a failing assertion."""
        return f"\n{self.summary()}\n{self.logs}"


Progress = Callable[[str], None]
PROGRESS_EVERY_SECONDS = 30.0


def soak(
    instance: Instance, plan: Plan, fault: Fault | None = None, progress: Progress | None = None
) -> Report:
    """Starts the deployment, loads it (with the fault, if any), stops the load, checks."""
    report = Report(plan, Tally(), Journal())
    with running_fleet(instance, plan.servers, plan.workers) as fleet:
        try:
            network = register_network(fleet, plan.associations, report.journal, report.tally)
            started = time.monotonic()
            _load(fleet, network, plan, fault, report, progress)
            report.load_seconds = time.monotonic() - started
            fleet.stop_servers()
            report.checks = verify_all(instance, report.journal.acks)
        finally:
            report.logs = fleet.logs()
    return report


def _load(
    fleet: Fleet,
    network: Network,
    plan: Plan,
    fault: Fault | None,
    report: Report,
    progress: Progress | None,
) -> None:
    """The client threads for `plan.seconds`, and until the fault (if any) is over, so it always
    strikes under load; every thread is joined with a bound, after the command in flight."""
    stop = threading.Event()
    actors = [worker(n, network) for n in range(plan.clients)]
    clients = [Client(fleet.urls, fleet.instance.token(a), report.tally) for a in actors]
    desks = [Desk(a, network, c, plan.replay_share) for a, c in zip(actors, clients, strict=True)]
    threads = [threading.Thread(target=d.work, args=(stop,), name=d.actor.user_id) for d in desks]
    faulty = _FaultThread(fault, fleet, network) if fault is not None else None
    try:
        for thread in threads:
            thread.start()
        if faulty is not None:
            faulty.start()
        _wait(plan.seconds, report, progress)
        if faulty is not None:
            faulty.join(timeout=FAULT_JOIN_SECONDS)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=clients[0].patience + 30)
        for client in clients:
            client.close()
    if faulty is not None:
        report.fault_error = faulty.finish()
        report.fault_notes = faulty.fault.notes()
        report.journal.acks.extend(faulty.fault.acknowledged())


def _wait(seconds: float, report: Report, progress: Progress | None) -> None:
    """Lets the load run, saying every half minute how it goes (a soak lasts minutes)."""
    started = time.monotonic()
    while (left := seconds - (time.monotonic() - started)) > 0:
        time.sleep(min(left, PROGRESS_EVERY_SECONDS))
        if progress is not None:
            tally = report.tally
            progress(
                f"{time.monotonic() - started:.0f}s: {len(report.journal.acks)} acknowledged, "
                f"{sum(tally.retries.values())} attempts retried, "
                f"{sum(tally.errors.values())} errors"
            )


class _FaultThread(threading.Thread):
    """Runs a fault's `inject` and keeps what it raised, for the report."""

    def __init__(self, fault: Fault, fleet: Fleet, network: Network) -> None:
        super().__init__(name=fault.name, daemon=True)
        self.fault = fault
        self.arguments = (fleet, network)
        self.error: str | None = None

    def run(self) -> None:
        try:
            self.fault.inject(*self.arguments)
        except Exception as error:  # reported, and fails the run
            self.error = f"{type(error).__name__}: {error}"

    def finish(self) -> str | None:
        self.join(timeout=1)
        return "still running after the load" if self.is_alive() else self.error
