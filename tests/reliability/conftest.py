"""Fixtures of the reliability tests: an instance on the shared PostgreSQL (a schema of its
own), or on a private PostgreSQL server the test may stop and start.

Both follow `require_postgres()`: without the server (or the binaries for a private one) the
tests are skipped loudly, except with CI=true, where they fail.
"""

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.conftest import require_postgres, test_database_url
from tests.reliability.private_postgres import (
    PrivatePostgres,
    PrivatePostgresUnavailable,
    private_postgres,
)
from tests.reliability.processes import Instance, fresh_schema


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    """A deployment's shared settings on the local PostgreSQL, in a schema dropped afterwards."""
    require_postgres()
    with fresh_schema(test_database_url(), tmp_path / "var") as made:
        yield made


@pytest.fixture(scope="module")
def private_server() -> Iterator[PrivatePostgres]:
    """A PostgreSQL server of this module's own; fails instead of skipping when CI=true."""
    with ExitStack() as stack:
        try:
            server = stack.enter_context(private_postgres())
        except PrivatePostgresUnavailable as problem:
            if os.environ.get("CI") == "true":
                pytest.fail(f"CI=true and no private PostgreSQL: {problem}", pytrace=False)
            pytest.skip(f"!!! PRIVATE POSTGRESQL TESTS SKIPPED !!! {problem}")
        yield server
