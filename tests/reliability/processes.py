"""Real `parcours` processes for the reliability harness, always stopped afterwards.

Every process is started from one `Instance` (the same schema, data dir, key-encryption key and
token secret, as a deployment gives its servers and its worker), logs to a file of its own, is
awaited with a bound, and is stopped with SIGTERM then SIGKILL, so no run leaves one behind.
"""

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg import sql

from api.auth.tokens import instance_tokens_from_settings
from api.settings import Environment, Settings
from domain.actor import Actor

REPOSITORY = Path(__file__).resolve().parents[2]
STOP_GRACE_SECONDS = 15.0
TOKEN_LIFETIME = timedelta(days=2)
BUSY_SERVER_PATIENCE_SECONDS = 60.0
"""How long the harness's own connections wait for a saturated server ("too many clients")."""


def free_port() -> int:
    """A port nobody listens on now; the kernel picks it, so parallel runs do not collide."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Instance:
    """What every process of one deployment shares: the database schema and the secrets."""

    database_url: str
    schema: str
    data_dir: Path
    master_key: str = field(default_factory=lambda: base64.b64encode(os.urandom(32)).decode())
    jwt_secret: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    batch_size: int = 50

    def environment(self) -> dict[str, str]:
        """The child's environment: explicit keys, so no process generates its own."""
        return {
            **os.environ,
            "PARCOURS_ENV": "test",
            "PARCOURS_DATA_DIR": str(self.data_dir),
            "PARCOURS_DATABASE_URL": self.database_url,
            "PARCOURS_DATABASE_SCHEMA": self.schema,
            "PARCOURS_MASTER_KEY": self.master_key,
            "PARCOURS_JWT_SECRET": self.jwt_secret,
            "PARCOURS_PROJECTION_BATCH_SIZE": str(self.batch_size),
        }

    def settings(self) -> Settings:
        """The same settings in this process, to decode the store and to mint tokens."""
        return Settings(
            env=Environment.TEST,
            data_dir=self.data_dir,
            database_url=self.database_url,
            database_schema=self.schema,
            master_key=self.master_key,
            jwt_secret=self.jwt_secret,
        )

    def token(self, actor: Actor) -> str:
        tokens = instance_tokens_from_settings(self.settings())
        assert tokens is not None, "the instance has a token secret"
        return tokens.issue(actor.user_id, actor.role, actor.association_id, ttl=TOKEN_LIFETIME)


def connect(database_url: str, *, autocommit: bool = False) -> psycopg.Connection[Any]:
    """A connection for the harness itself, waiting (bounded) while the server is saturated:
    the shared server's connection slots are also used by other runs, and a harness that fails
    on a busy server would report the machine, not the product."""
    deadline = time.monotonic() + BUSY_SERVER_PATIENCE_SECONDS
    while True:
        try:
            return psycopg.connect(database_url, autocommit=autocommit, connect_timeout=5)
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)


@contextmanager
def fresh_schema(database_url: str, data_dir: Path) -> Iterator[Instance]:
    """An instance on a schema of its own, dropped afterwards whatever happened."""
    schema = f"soak_{os.getpid()}_{secrets.token_hex(5)}"
    try:
        yield Instance(database_url=database_url, schema=schema, data_dir=data_dir)
    finally:
        with connect(database_url, autocommit=True) as db:
            db.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


class Process:
    """One `parcours …` child process and its log file."""

    def __init__(self, name: str, arguments: list[str], instance: Instance) -> None:
        self.name = name
        self.arguments = arguments
        self.instance = instance
        self.log_path = instance.data_dir / f"{name}.log"
        self.starts = 0
        self._child: subprocess.Popen[bytes] | None = None

    @property
    def application_name(self) -> str:
        """How this incarnation's database sessions introduce themselves (libpq's PGAPPNAME),
        so a test can tell which process holds a lock."""
        return f"{self.name}#{self.starts}"

    def start(self) -> None:
        self.instance.data_dir.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        environment = self.instance.environment() | {"PGAPPNAME": self.application_name}
        with self.log_path.open("ab") as log:
            self._child = subprocess.Popen(
                [sys.executable, "-m", "api.cli", *self.arguments],
                cwd=REPOSITORY,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    @property
    def running(self) -> bool:
        return self._child is not None and self._child.poll() is None

    def kill(self) -> None:
        """SIGKILL: no cleanup, no goodbye, as a crash or the OOM killer would do it."""
        if self._child is not None:
            self._child.send_signal(signal.SIGKILL)
            self._child.wait(timeout=STOP_GRACE_SECONDS)

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL after a grace period; the exit code (None if never started)."""
        child = self._child
        if child is None:
            return None
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(timeout=STOP_GRACE_SECONDS)
        return child.returncode

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        text = self.log_path.read_text(errors="replace").splitlines()
        return f"--- {self.name} log (last {lines} lines) ---\n" + "\n".join(text[-lines:])


class Server(Process):
    """`parcours serve` on a free loopback port, without the embedded worker: the projections
    are the separate worker's job, as in a deployment of several stateless API processes."""

    def __init__(self, name: str, instance: Instance) -> None:
        self.port = free_port()
        arguments = ["serve", "--port", str(self.port), "--no-embedded-projections"]
        super().__init__(name, arguments, instance)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float) -> None:
        """Until /readyz answers 200 (the store answers and the read models are prepared)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"{self.name} exited while starting\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} not ready after {timeout:.0f}s\n{self.log_tail()}")


class Worker(Process):
    """`parcours projections run`: keeps the read models current while it leads (the others
    wait, as standbys)."""

    def __init__(self, name: str, instance: Instance) -> None:
        super().__init__(name, ["projections", "run"], instance)
        self.kills = 0

    def crash_and_restart(self) -> None:
        self.kill()
        self.kills += 1
        self.start()


@dataclass
class Fleet:
    """The deployment under test: API servers and projection workers on one instance."""

    instance: Instance
    servers: list[Server]
    workers: list[Worker]

    @property
    def urls(self) -> list[str]:
        return [server.url for server in self.servers]

    @property
    def worker(self) -> Worker:
        """The first worker: the one started first, which leads unless it is killed."""
        return self.workers[0]

    def processes(self) -> list[Process]:
        return [*self.workers, *self.servers]

    def stop_servers(self) -> None:
        """Once the clients are done: the checks need the worker, not the servers' connections."""
        for server in self.servers:
            server.stop()

    def logs(self) -> str:
        return "\n".join(p.log_tail() for p in self.processes())


@contextmanager
def running_fleet(
    instance: Instance, servers: int, workers: int = 1, timeout: float = 90.0
) -> Iterator[Fleet]:
    """Starts the workers, then the servers (start-ups on one schema are serialised by the
    product), waits until every server is ready, and stops them all on the way out."""
    fleet = Fleet(
        instance,
        [Server(f"server-{n}", instance) for n in range(servers)],
        [Worker(f"worker-{n}", instance) for n in range(workers)],
    )
    processes = fleet.processes()
    try:
        for process in processes:
            process.start()
        for server in fleet.servers:
            server.wait_ready(timeout)
        yield fleet
    finally:
        for process in processes:
            process.stop()


def run_cli(
    instance: Instance, *arguments: str, timeout: float = 120.0
) -> subprocess.CompletedProcess[str]:
    """A `parcours` command on the instance, bounded in time; its output is captured."""
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *arguments],
        cwd=REPOSITORY,
        env=instance.environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
