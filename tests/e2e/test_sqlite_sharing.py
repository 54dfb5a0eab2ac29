"""The embedded SQLite mode shared by a running server and the CLI at the same time: every write
lands (or is refused as busy, plainly), nothing is corrupted, and the history verifies."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import Api

ENROL = """mutation($input: EnrolYoungPersonInput!) { enrolYoungPerson(input: $input) {
    __typename ... on UserError { code message } } }"""


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PARCOURS_DATA_DIR": str(data_dir), "PARCOURS_ENV": "test"}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_server_and_the_cli_write_to_one_sqlite_ledger_together(api: Api) -> None:
    if api.parcours.settings.database_url is not None:
        pytest.skip("this is the embedded SQLite mode's guarantee")
    data_dir = Path(api.parcours.settings.data_dir)
    token = api.token(api.network.worker_a)
    answers: list[str] = []

    def enrol(n: int) -> None:
        response = httpx.post(
            f"{api.url}/graphql",
            json={
                "query": ENROL,
                "variables": {
                    "input": {
                        "personalData": {
                            "firstName": f"P{n}",
                            "lastName": "Test",
                            "dateOfBirth": "2010-01-01",
                        },
                        "territory": "93",
                    }
                },
            },
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        answers.append(response.json()["data"]["enrolYoungPerson"]["__typename"])

    writers = [threading.Thread(target=enrol, args=(n,)) for n in range(12)]
    for thread in writers:
        thread.start()
    registered = [
        cli(data_dir, "association", "register", "--name", f"CLI {n}", "--territory", "75")
        for n in range(3)
    ]
    for thread in writers:
        thread.join()
    verified = cli(data_dir, "audit", "verify")

    assert answers == ["YoungPersonEnrolled"] * 12
    for run in registered:
        assert run.returncode == 0 or "UNAVAILABLE" in run.stderr, run.stderr
    assert sum(run.returncode == 0 for run in registered) >= 1
    assert verified.returncode == 0, verified.stderr
    assert "intact" in verified.stdout
