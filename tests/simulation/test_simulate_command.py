"""`parcours simulate`: seeds the instance, projects it, and ends with a JSON line.

The command's code does not depend on the backend (the simulation tests run on both), so its
end-to-end run stays on SQLite: a PostgreSQL commit per command would double the suite's time.
"""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.bootstrap import build
from api.cli import app
from api.settings import Settings
from projections.positions import LIVE


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_simulate_seeds_projects_and_prints_json_last(
    settings: Settings, environment: dict[str, str]
) -> None:
    result = CliRunner().invoke(
        app, ["simulate", "--young-people", "10", "--months", "3", "--json"], env=environment
    )

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["young_people"] == 10
    assert summary["events"]["YoungPerson.Enrolled"] == 10
    assert len(summary["cast"]["associations"]) >= 8
    assert summary["projected"] >= summary["total_events"]
    parcours = build(settings)
    try:
        runner = parcours.projections
        assert runner.served_position() == runner.source.head()
        assert all(g.status == LIVE for g in runner.generations() if g.served)
    finally:
        parcours.close()


def test_bad_settings_are_refused_naming_the_variable(environment: dict[str, str]) -> None:
    environment = {**environment, "PARCOURS_REFERRAL_EXPIRY_DAYS": "0"}

    result = CliRunner().invoke(app, ["simulate", "--young-people", "1"], env=environment)

    assert result.exit_code == 2
    assert "error: PARCOURS_REFERRAL_EXPIRY_DAYS: " in result.output


def test_an_unreachable_store_is_said_plainly_with_exit_3(tmp_path: Path) -> None:
    """The simulator opened the instance its own way, without the outage's plain line: a
    store that could not be reached ended in a traceback."""
    environment = {
        "PARCOURS_DATA_DIR": str(tmp_path),
        "PARCOURS_ENV": "test",
        "PARCOURS_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/test?connect_timeout=2",
    }

    result = CliRunner().invoke(app, ["simulate", "--young-people", "1"], env=environment)

    assert result.exit_code == 3
    assert "UNAVAILABLE" in result.output
