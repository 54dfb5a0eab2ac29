"""Child processes for the measurements whose memory must be their own (rebuild, export)."""

import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Finished:
    stdout: str
    seconds: float


def environment(settings: Settings, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PARCOURS_ENV": settings.env.value,
            "PARCOURS_DATA_DIR": str(settings.data_dir),
            "PARCOURS_DATABASE_URL": settings.database_url or "",
            "PARCOURS_DATABASE_SCHEMA": settings.database_schema,
        }
    )
    env.update(extra or {})
    return env


def run(argv: Sequence[str], settings: Settings, timeout: float = 3600) -> Finished:
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and CLI
        argv, cwd=ROOT, env=environment(settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        out, errors = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        raise
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        msg = f"{' '.join(argv)} failed ({child.returncode}): {errors.decode()[-2000:]}"
        raise RuntimeError(msg)
    return Finished(out.decode(), seconds)


def python_child(job: str, settings: Settings, *args: str) -> dict[str, float]:
    """Runs a `bench.child` job; its result includes the child's own peak RSS (`peak_rss_mb`)."""
    done = run([sys.executable, "-m", "bench.child", job, *args], settings)
    result: dict[str, float] = orjson.loads(done.stdout.strip().splitlines()[-1])
    return result


def parcours(args: Sequence[str], settings: Settings) -> Finished:
    return run([sys.executable, "-m", "api.cli", *args], settings)
