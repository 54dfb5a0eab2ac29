"""Faults injected while the clients write: a projection worker crashing, a database restart.

Each fault runs in a thread of its own beside the clients (the load goes on until it is done),
repairs what it broke before returning, bounds every wait, and writes down what it saw for the
summary and for the tests' assertions.
"""

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.reliability.client import Ack, Client, Command
from tests.reliability.processes import Fleet, Instance, connect
from tests.reliability.workload import Network, command, worker

LEADERSHIP_TIMEOUT_SECONDS = 60.0
RECOVERY_TIMEOUT_SECONDS = 90.0
READ = {"query": "{ associations(first: 1) { edges { cursor } } }"}
ME = {"query": "{ me { userId } }"}


def leader(instance: Instance) -> str | None:
    """The application name of the session holding the projection workers' advisory lock on
    this schema (see projections/leadership.py), if any; pg_locks shows a bigint key as two
    32-bit halves."""
    query = """
        SELECT activity.application_name
        FROM pg_locks AS held
        JOIN pg_stat_activity AS activity ON activity.pid = held.pid,
             (SELECT hashtext(%s)::bigint AS key) AS lock
        WHERE held.locktype = 'advisory' AND held.granted AND held.objsubid = 1
          AND held.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND held.classid = ((lock.key >> 32) & 4294967295)::oid
          AND held.objid = (lock.key & 4294967295)::oid
    """
    key = f"parcours-projections:{instance.schema}"
    with connect(instance.database_url) as db:
        row = db.execute(query, (key,)).fetchone()
    return None if row is None else str(row[0])


def _until_leading(fleet: Fleet) -> bool:
    """Until this incarnation of the first worker holds the lock (bounded)."""
    deadline = time.monotonic() + LEADERSHIP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if leader(fleet.instance) == fleet.worker.application_name:
            return True
        time.sleep(0.1)
    return False


@dataclass
class KillWorker:
    """SIGKILLs the projection worker `times` times, at least `every` seconds apart, each time
    shortly after it took the lead (so in the middle of its work: the clients keep writing),
    and restarts it as a supervisor would."""

    times: int = 4
    every: float = 2.5
    name: str = "kill the projection worker"
    kills: int = 0
    killed_while_leading: int = 0

    def inject(self, fleet: Fleet, network: Network) -> None:
        for _ in range(self.times):
            next_kill = time.monotonic() + self.every
            leading = _until_leading(fleet)
            time.sleep(max(next_kill - time.monotonic(), random.uniform(0.2, 0.8)))
            fleet.worker.crash_and_restart()
            self.kills += 1
            self.killed_while_leading += int(leading)

    def notes(self) -> list[str]:
        return [f"worker SIGKILLed {self.kills} time(s), {self.killed_while_leading} while leading"]

    def acknowledged(self) -> list[Ack]:
        return []


@dataclass(frozen=True)
class Probe:
    """One request sent while the database was down, and what came back (status None: no
    answer within the probe's timeout)."""

    what: str
    status: int | None
    body: Any
    retry_after: str | None


@dataclass
class RestartDatabase:
    """`after` seconds into the load, stops the database (`pg_ctl stop -m fast`), probes every
    server while it is down (a read, a write, an operation needing no store, /readyz), starts it
    again once `down_for` seconds passed, and times how long the API takes to recover."""

    stop_database: Callable[[], None]
    start_database: Callable[[], None]
    after: float = 4.0
    down_for: float = 4.0
    probe_timeout: float = 8.0
    name: str = "restart the database"
    probes: list[Probe] = field(default_factory=list)
    recovered_after: float | None = None
    sent_while_down: list[Command] = field(default_factory=list)
    _acks: list[Ack] = field(default_factory=list)

    def inject(self, fleet: Fleet, network: Network) -> None:
        time.sleep(self.after)
        token = fleet.instance.token(worker(0, network))
        self.stop_database()
        try:
            until = time.monotonic() + self.down_for
            self._probe_all(fleet, network, token)
            time.sleep(max(until - time.monotonic(), 0))
        finally:
            self.start_database()
        restarted = time.monotonic()
        _until_answering(fleet, token)
        self.recovered_after = time.monotonic() - restarted
        self._resolve(Client(fleet.urls, token, network.tally))

    def _probe_all(self, fleet: Fleet, network: Network, token: str) -> None:
        """Every probe at once (each bounded by `probe_timeout`), so the outage stays short."""
        threads = []
        for number, url in enumerate(fleet.urls):
            write = _enrolment(network, f"{network.run}:outage-probe:{number}")
            self.sent_while_down.append(write)
            for what, send in (
                ("read", lambda u=url: self._post(u, token, READ)),
                ("write", lambda u=url, w=write: self._post(u, token, _body(w))),
                ("me", lambda u=url: self._post(u, token, ME)),
                ("readyz", lambda u=url: httpx.get(f"{u}/readyz", timeout=self.probe_timeout)),
            ):
                threads.append(threading.Thread(target=self._probe, args=(what, send)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=self.probe_timeout + 10)

    def _post(self, url: str, token: str, body: dict[str, Any]) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"}
        return httpx.post(f"{url}/graphql", json=body, headers=headers, timeout=self.probe_timeout)

    def _probe(self, what: str, send: Callable[[], httpx.Response]) -> None:
        try:
            response = send()
        except httpx.TransportError as error:
            self.probes.append(Probe(what, None, type(error).__name__, None))
            return
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text[:200]
        retry_after = response.headers.get("retry-after")
        self.probes.append(Probe(what, response.status_code, body, retry_after))

    def _resolve(self, client: Client) -> None:
        """The writes sent while the database was down, sent again with the same keys: each
        must now be recorded once (and is checked with every other acknowledged command)."""
        try:
            for sent in self.sent_while_down:
                answer = client.send(sent)
                if isinstance(answer, Ack):
                    self._acks.append(answer)
        finally:
            client.close()

    def notes(self) -> list[str]:
        seen = sorted({f"{p.what} {p.status or 'no answer'}" for p in self.probes})
        recovery = "never" if self.recovered_after is None else f"{self.recovered_after:.1f}s"
        return [
            f"database stopped; probes while down: {seen}",
            f"the API recovered by itself {recovery} after the restart",
            f"writes sent while down, then recorded: {len(self._acks)}/{len(self.sent_while_down)}",
        ]

    def acknowledged(self) -> list[Ack]:
        return list(self._acks)


def _enrolment(network: Network, key: str) -> Command:
    personal = {"firstName": "Outage", "lastName": "Probe", "dateOfBirth": "2009-01-01"}
    return command("enrol", worker(0, network), key, personalData=personal, territory="93")


def _body(sent: Command) -> dict[str, Any]:
    return {"query": sent.kind.document(), "variables": {"input": sent.input}}


def _until_answering(fleet: Fleet, token: str) -> None:
    """Until a read succeeds on every server, bounded; nobody restarts them: they recover."""
    deadline = time.monotonic() + RECOVERY_TIMEOUT_SECONDS
    headers = {"Authorization": f"Bearer {token}"}
    for url in fleet.urls:
        while True:
            try:
                response = httpx.post(f"{url}/graphql", json=READ, headers=headers, timeout=5)
                if response.status_code == 200 and "errors" not in response.json():
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not recover within {RECOVERY_TIMEOUT_SECONDS}s")
            time.sleep(0.2)
