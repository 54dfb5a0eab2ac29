"""A PostgreSQL server of the test's own, so it can be stopped and started under load.

The shared server on 5432 serves other runs and must never be restarted; this one is made with
`initdb` in a temporary directory (its unix socket there too), listens on a free loopback port
with trust authentication, and is removed afterwards. PostgreSQL refuses to run as root, so as
root every server command runs as the `postgres` user (`runuser`).
"""

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.reliability.processes import free_port

COMMAND_TIMEOUT_SECONDS = 60
SERVER_USER = "postgres"


class PrivatePostgresUnavailable(Exception):
    """This machine cannot run a private PostgreSQL (no binaries, no `postgres` user…)."""


def _binaries() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_major)
    if not found:
        raise PrivatePostgresUnavailable("no initdb under /usr/lib/postgresql/*/bin")
    return found[-1].parent


def _major(initdb: Path) -> int:
    version = initdb.parent.parent.name
    return int(version) if version.isdigit() else 0


class PrivatePostgres:
    """One private cluster: `start`, `stop` (fast shutdown: clients are cut off) and `url`."""

    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.port = port
        self.data = root / "data"
        self.log = root / "server.log"
        self.bin = _binaries()
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def _run(self, *command: str) -> None:
        as_server_user = ["runuser", "-u", SERVER_USER, "--"] if os.geteuid() == 0 else []
        try:
            done = subprocess.run(
                [*as_server_user, *command],
                capture_output=True,
                text=True,
                timeout=COMMAND_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PrivatePostgresUnavailable(f"cannot run {command[0]}: {error}") from error
        if done.returncode != 0:
            raise PrivatePostgresUnavailable(
                f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()[-500:]}"
            )

    def initialise(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._run(
            str(self.bin / "pg_ctl"),
            "start",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            str(COMMAND_TIMEOUT_SECONDS - 5),
        )

    def stop(self) -> None:
        """`pg_ctl stop -m fast`: open sessions are terminated, the server shuts down cleanly."""
        self._run(
            str(self.bin / "pg_ctl"),
            "stop",
            "-D",
            str(self.data),
            "-m",
            "fast",
            "-w",
            "-t",
            str(COMMAND_TIMEOUT_SECONDS - 5),
        )

    def stop_quietly(self) -> None:
        """The last resort of a clean-up: an immediate stop, whatever state it is in."""
        if (self.data / "postmaster.pid").exists():
            with suppress(PrivatePostgresUnavailable):
                self._run(str(self.bin / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate")


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """Initialises and starts a cluster in a fresh directory; stops and removes it afterwards.

    The directory is made outside pytest's tmp_path, whose parents are private to root, and
    given to the server's user."""
    root = Path(tempfile.mkdtemp(prefix="parcours-private-pg-"))
    try:
        if os.geteuid() == 0:
            _give_to_server_user(root)
        server = PrivatePostgres(root, free_port())
        server.initialise()
        server.start()
        try:
            yield server
        finally:
            server.stop_quietly()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _give_to_server_user(root: Path) -> None:
    try:
        user = pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise PrivatePostgresUnavailable(f"no {SERVER_USER!r} user to run the server") from None
    os.chown(root, user.pw_uid, user.pw_gid)
    root.chmod(0o700)
