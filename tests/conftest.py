"""Backends for persistence tests: one test body, SQLite and PostgreSQL.

PostgreSQL comes from PARCOURS_TEST_DATABASE_URL (default: the local `test` database). Each test
gets a schema of its own, dropped afterwards, so runs never collide. Without a reachable server
the PostgreSQL cases are skipped with a loud line, except when CI=true, where they fail.
"""

import os
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from api.bootstrap import Parcours, build
from api.settings import Environment, Settings
from domain.privacy.vault import Vault
from tests.support import FrozenClock

DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
_postgres_problem: str | None = None
_postgres_checked = False


def test_database_url() -> str:
    return os.environ.get("PARCOURS_TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL)


def _postgres_unavailable() -> str | None:
    global _postgres_checked, _postgres_problem  # noqa: PLW0603 - probed once per session
    if not _postgres_checked:
        _postgres_checked = True
        try:
            with psycopg.connect(test_database_url(), connect_timeout=3) as db:
                db.execute("SELECT 1")
        except psycopg.Error as error:
            _postgres_problem = f"PostgreSQL at {test_database_url()} unreachable: {error}"
    return _postgres_problem


def require_postgres() -> None:
    problem = _postgres_unavailable()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {problem}", pytrace=False)
    pytest.skip(f"!!! POSTGRESQL TESTS SKIPPED !!! {problem}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _postgres_problem is not None:
        terminalreporter.write_sep("!", "PostgreSQL tests did not run", red=True, bold=True)
        terminalreporter.write_line(_postgres_problem, red=True)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == "postgres":
        require_postgres()
    return name


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Iterator[Settings]:
    with backend_settings(backend, tmp_path / "var") as made:
        yield made


@contextmanager
def backend_settings(backend: str, data_dir: Path) -> Iterator[Settings]:
    """An empty instance on that backend; on PostgreSQL a schema of its own in the test
    database, dropped afterwards — also when the code using it raised (a probe or a script
    that failed left its schema behind)."""
    if backend == "sqlite":
        yield Settings(env=Environment.TEST, data_dir=data_dir)
        return
    require_postgres()
    schema = f"t_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    try:
        yield Settings(
            env=Environment.TEST,
            data_dir=data_dir,
            database_url=test_database_url(),
            database_schema=schema,
        )
    finally:
        _drop_schema(schema)


def _drop_schema(schema: str) -> None:
    """Drops a test's schema without waiting long for a lock a failed test's open connection
    may hold, and without hiding that test's own error: a schema left behind is reported."""
    try:
        with psycopg.connect(test_database_url(), autocommit=True, connect_timeout=5) as db:
            db.execute("SET lock_timeout = '5s'")
            db.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
    except psycopg.Error as error:
        warnings.warn(f"test schema {schema} left behind: {error}", stacklevel=2)


def cli_environment(settings: Settings) -> dict[str, str]:
    """The `PARCOURS_*` variables a CLI run needs to open the same instance."""
    env = {"PARCOURS_DATA_DIR": str(settings.data_dir), "PARCOURS_ENV": "test"}
    if settings.database_url is not None:
        env["PARCOURS_DATABASE_URL"] = settings.database_url
        env["PARCOURS_DATABASE_SCHEMA"] = settings.database_schema
    return env


@pytest.fixture
def environment(settings: Settings) -> dict[str, str]:
    return cli_environment(settings)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


class Instances:
    """Builds instances on one store, as processes or restarts would, and closes them all."""

    def __init__(self, settings: Settings, clock: FrozenClock) -> None:
        self.settings = settings
        self.clock = clock
        self._open: list[Parcours] = []

    def start(self, vault: Vault | None = None) -> Parcours:
        parcours = build(self.settings, vault=vault, clock=self.clock)
        self._open.append(parcours)
        return parcours

    def close_all(self) -> None:
        for parcours in self._open:
            parcours.close()
        self._open.clear()


@pytest.fixture
def instances(settings: Settings, clock: FrozenClock) -> Iterator[Instances]:
    made = Instances(settings, clock)
    yield made
    made.close_all()


@pytest.fixture
def parcours(instances: Instances) -> Parcours:
    return instances.start()
