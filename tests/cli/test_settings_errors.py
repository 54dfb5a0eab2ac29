"""A bad setting stops every command with the variable the operator set named, and exit 2."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.cli.app import variable

COMMANDS = [
    ["projections", "status"],
    ["token", "issue", "--user", "someone", "--role", "auditor"],
    ["serve", "--port", "1"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_setting_out_of_range_is_named_as_its_variable(
    tmp_path: Path, command: list[str]
) -> None:
    environment = {
        "PARCOURS_ENV": "test",
        "PARCOURS_DATA_DIR": str(tmp_path),
        "PARCOURS_KEY_CACHE_SECONDS": "-1",
    }

    result = CliRunner().invoke(app, command, env=environment)

    assert result.exit_code == 2, result.output
    assert "error: PARCOURS_KEY_CACHE_SECONDS: " in result.output
    assert "greater than or equal to 0" in result.output
    assert list(tmp_path.iterdir()) == [], "nothing is opened or written on bad settings"


@pytest.mark.parametrize(
    ("name", "value"),
    [("PARCOURS_CORS_ORIGINS", "https://x.example"), ("PARCOURS_PREVIOUS_MASTER_KEYS", "k1=abc")],
)
def test_a_list_or_a_mapping_that_is_not_json_is_named(
    tmp_path: Path, name: str, value: str
) -> None:
    environment = {"PARCOURS_ENV": "test", "PARCOURS_DATA_DIR": str(tmp_path), name: value}

    result = CliRunner().invoke(app, ["projections", "status"], env=environment)

    assert result.exit_code == 2, result.output
    assert f"error: {name}: must be JSON" in result.output


def test_an_item_of_a_list_setting_and_a_rule_over_several_are_named() -> None:
    assert variable(("cors_origins", 1)) == "PARCOURS_CORS_ORIGINS[1]"
    assert variable(()) == "settings"
