"""P7: from a command's acknowledgement to its entry being served by the timeline, with the
projection worker in its own process, as deployed, while commands arrive at a steady rate."""

import subprocess
import sys
import threading
import time
from pathlib import Path

from api.bootstrap import Parcours, build
from bench.processes import ROOT, environment
from bench.report import AT_MOST, Row, row
from bench.stats import median, percentile, spread
from bench.store import scratch
from bench.writes import Case, new_case
from projections import positions
from projections.store import ReadStore

RATE = 200.0
BOUND_MS = 50.0


def _served_position(store: ReadStore) -> int:
    with store.transaction() as tx:
        served = [
            g.position for g in positions.all_generations(tx) if g.served and g.name == "timeline"
        ]
    return min(served, default=0)


def _run(seconds: float, work: Path) -> list[float]:
    with scratch("visibility", work / "visibility") as settings:
        parcours = build(settings)
        worker = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "projections", "run"],
            cwd=ROOT,
            env=environment(settings),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            case = new_case(parcours.ledger, people=20)
            while _served_position(parcours.read_store) < (parcours.projections.source.head()):
                time.sleep(0.05)
            return _paced(case, parcours, seconds)
        finally:
            worker.terminate()
            worker.wait(10)
            parcours.close()


def _paced(case: Case, parcours: Parcours, seconds: float) -> list[float]:
    """Writes at RATE per second; a watcher notes when each write's position is served."""
    pending: list[tuple[int, float]] = []
    latencies: list[float] = []
    lock = threading.Lock()
    done = threading.Event()
    store = parcours.read_store
    source = parcours.projections.source

    def watch() -> None:
        while not done.is_set() or pending:
            reached = _served_position(store)
            seen = time.perf_counter()
            with lock:
                while pending and pending[0][0] <= reached:
                    latencies.append(seen - pending.pop(0)[1])
            time.sleep(0.0005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.perf_counter()
    count = int(seconds * RATE)
    for n in range(count):
        wait = started + n / RATE - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        case.record(n, f"p7-{started}-{n}")
        acknowledged = time.perf_counter()
        position = source.head()
        with lock:
            pending.append((position, acknowledged))
    done.set()
    watcher.join(60)
    return latencies


def visibility_row(seconds: float, runs: int, work: Path) -> Row:
    p99s = [percentile(_run(seconds, work), 99) * 1000 for _ in range(runs)]
    p99 = median(p99s)
    return row(
        "P7",
        f"command committed -> visible in the timeline, at {RATE:g} commands/s",
        p99,
        BOUND_MS,
        "ms (p99)",
        p99 / BOUND_MS,
        (AT_MOST, 1.0),
        spread=spread(p99s),
    )
