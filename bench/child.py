"""Work run in a child process, so that its peak memory is its own (`python -m bench.child`).

Settings come from the environment (PARCOURS_*), as for `parcours` itself; the result is one
JSON line on stdout.
"""

import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from api.bootstrap import build
from api.settings import Settings
from bench import ceilings
from domain.actor import Actor
from domain.vocabulary import Role


def rebuild() -> dict[str, float]:
    """Every projection from zero: what a new instance, or a version change, has to do."""
    parcours = build(Settings())
    try:
        runner = parcours.projections
        runner.prepare()
        for name in runner.projections:
            if any(g.name == name and g.position > 0 for g in runner.generations()):
                runner.request_rebuild(name)
        started, cpu = time.perf_counter(), time.process_time()
        read = runner.catch_up()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        parcours.close()
    return {"events": read, "seconds": elapsed, "cpu_seconds": cpu}


def export(study: str, out: str) -> dict[str, float]:
    """The evaluation export, as `parcours export evaluation` runs it."""
    from api.evaluation import run_export  # noqa: PLC0415 - pyarrow loads lazily

    parcours = build(Settings())
    try:
        started = time.perf_counter()
        evaluator = Actor("bench-evaluator", Role.EVALUATOR)
        manifest = run_export(parcours, study, Path(out), reader=evaluator)
        elapsed = time.perf_counter() - started
    finally:
        parcours.close()
    rows = sum(
        int(str(fingerprint.get("rows", 0)))
        for path, fingerprint in manifest.files.items()
        if path.endswith(".parquet")
    )
    return {"seconds": elapsed, "rows": float(rows)}


def decode() -> dict[str, float]:
    """P4's ceiling: the log read and decoded as a rebuild does, nothing applied."""
    events, seconds = ceilings.read_and_decoded(Settings())
    return {"events": events, "seconds": seconds}


def import_in_memory(events: str) -> dict[str, float]:
    """P3's ceiling: the bench's history imported into an in-memory ledger."""
    stored, seconds = ceilings.imported_in_memory(int(events))
    return {"events": stored, "seconds": seconds}


def peak_rss_mb() -> float:
    """This process's own peak resident memory. Not `getrusage`'s maxrss: on Linux a child
    inherits its parent's peak through fork, so a big parent would be reported instead."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    jobs: dict[str, Callable[..., dict[str, float]]] = {
        "rebuild": rebuild,
        "export": export,
        "decode": decode,
        "import-in-memory": import_in_memory,
    }
    result = jobs[sys.argv[1]](*sys.argv[2:])
    result["peak_rss_mb"] = peak_rss_mb()
    sys.stdout.write(orjson.dumps(result).decode() + "\n")


if __name__ == "__main__":
    main()
