"""`python -m tests.reliability.soak --minutes N`: the reliability harness for as long as asked,
against the local PostgreSQL (what `scripts/soak` runs).

The tests run it for half a minute; a soak runs it for minutes, to find what only shows with
time (leaks, slow drifts, rare races). The same checks end both; the exit status is theirs.
"""

import argparse
import sys
import tempfile
from pathlib import Path

import psycopg

from tests.conftest import test_database_url
from tests.reliability.faults import KillWorker
from tests.reliability.harness import Fault, Plan, soak
from tests.reliability.processes import fresh_schema


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=5.0, help="load duration (default 5)")
    parser.add_argument("--clients", type=int, default=16, help="client threads (default 16)")
    parser.add_argument("--servers", type=int, default=2, help="API processes (default 2)")
    parser.add_argument(
        "--kill-worker-every",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="SIGKILL the projection worker this often, restarting it (default: never)",
    )
    parser.add_argument(
        "--database-url", default=test_database_url(), help="PostgreSQL (default: the tests')"
    )
    return parser.parse_args(argv)


def _fault(seconds: float, every: float) -> Fault | None:
    if every <= 0:
        return None
    return KillWorker(times=max(int(seconds // every) - 1, 1), every=every)


def main(argv: list[str] | None = None) -> int:
    """Runs the soak; 0 when every check passed, 1 when one failed, 2 without PostgreSQL."""
    options = _arguments(argv)
    try:
        psycopg.connect(options.database_url, connect_timeout=5).close()
    except psycopg.Error as error:
        print(f"error: PostgreSQL at {options.database_url} unreachable: {error}", file=sys.stderr)
        return 2
    seconds = options.minutes * 60
    plan = Plan(seconds=seconds, clients=options.clients, servers=options.servers)
    fault = _fault(seconds, options.kill_worker_every)
    print(
        f"soak: {plan.clients} clients, {plan.servers} servers, {options.minutes:g} min", flush=True
    )
    with (
        tempfile.TemporaryDirectory(prefix="parcours-soak-") as directory,
        fresh_schema(options.database_url, Path(directory) / "var") as instance,
    ):
        report = soak(instance, plan, fault, progress=lambda line: print(line, flush=True))
    print(report.summary())
    if not report.ok:
        print(report.logs)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
