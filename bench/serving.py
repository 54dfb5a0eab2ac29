"""Servers on loopback for the HTTP measurements, and a bounded load generator for them.

Load comes from threads with one keep-alive connection each (the stdlib client: the cheapest
in CPU, which matters when client and server share two cores). Every generator stops by itself
after its duration.
"""

import http.client
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from api.settings import Settings
from bench.processes import ROOT, environment


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    latencies: list[float]
    failures: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(argv: Sequence[str], settings: Settings, port: int, ready: str) -> Iterator[int]:
    """Runs `argv` (a uvicorn app on `port`) until the block ends; waits until `ready` answers."""
    child = subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, *argv],
        cwd=ROOT,
        env=environment(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_ready(port, ready, child)
        yield port
    finally:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(10)


def _wait_ready(port: int, path: str, child: "subprocess.Popen[bytes]") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            errors = b"" if child.stderr is None else child.stderr.read()
            msg = f"server exited ({child.returncode}): {errors.decode()[-2000:]}"
            raise RuntimeError(msg)
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    msg = f"server on port {port} not ready after 60 s"
    raise RuntimeError(msg)


def send(connection: http.client.HTTPConnection, request: Request) -> bytes:
    connection.request(request.method, request.path, request.body, request.headers)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        msg = f"{request.method} {request.path}: HTTP {response.status}: {body[:300]!r}"
        raise RuntimeError(msg)
    return body


def load(port: int, requests: Sequence[Request], clients: int, seconds: float) -> Load:
    """`clients` threads send `requests` round robin for `seconds`; latencies in seconds."""
    latencies: list[float] = []
    failures = [0]
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        start.wait()
        n = offset
        while time.perf_counter() < stop_at[0]:
            began = time.perf_counter()
            try:
                send(connection, requests[n % len(requests)])
            except (OSError, RuntimeError, http.client.HTTPException):
                failures[0] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - began)
            n += clients
        latencies.extend(mine)
        connection.close()

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.perf_counter() - began
    return Load(len(latencies), elapsed, latencies, failures[0])
