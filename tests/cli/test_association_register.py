"""`parcours association register`: a thin edge over the ledger, on both backends."""

import json
import os
from pathlib import Path
from uuid import UUID

from typer.testing import CliRunner

from api.bootstrap import build
from api.cli import app
from api.settings import Settings
from domain.network.association import Association
from domain.vocabulary import Domain


def test_register_prints_the_new_id_as_json_on_its_last_line(
    settings: Settings, environment: dict[str, str]
) -> None:
    result = CliRunner().invoke(
        app,
        [
            "association",
            "register",
            "--name",
            "Maison des Jeunes",
            "--territory",
            "93",
            "--competence",
            "HOUSING:12",
            "--competence",
            "mentoring",
            "--json",
        ],
        env=environment,
    )

    assert result.exit_code == 0, result.output
    created = json.loads(result.output.strip().splitlines()[-1])
    parcours = build(settings)
    try:
        association = parcours.ledger.load(Association, UUID(created["id"]), "id")
    finally:
        parcours.close()
    assert association.name == "Maison des Jeunes"
    assert association.competences[Domain.HOUSING.value].monthly_capacity == 12
    assert association.competences[Domain.MENTORING.value].monthly_capacity is None


def test_an_unknown_domain_is_refused_naming_the_option(environment: dict[str, str]) -> None:
    result = CliRunner().invoke(
        app,
        ["association", "register", "--name", "X", "--territory", "93", "--competence", "FOO:3"],
        env=environment,
    )

    assert result.exit_code == 2
    assert "competence" in result.output
    assert "unknown domain 'FOO'" in result.output


def test_bad_settings_are_refused_naming_the_variable(environment: dict[str, str]) -> None:
    environment = {**environment, "PARCOURS_DATABASE_URL": "mysql://nope"}
    result = CliRunner().invoke(
        app, ["association", "register", "--name", "X", "--territory", "9"], env=environment
    )

    assert result.exit_code == 2
    assert "PARCOURS_DATABASE_URL must be a postgresql:// URL" in result.output


def test_version_prints_the_installed_version() -> None:
    result = CliRunner().invoke(app, ["version"], env=dict(os.environ))

    assert result.exit_code == 0
    assert result.output.strip() == "0.1.0"


def test_an_unreachable_store_is_said_plainly_with_exit_3(tmp_path: Path) -> None:
    environment = {
        "PARCOURS_DATA_DIR": str(tmp_path),
        "PARCOURS_ENV": "test",
        "PARCOURS_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/test?connect_timeout=2",
    }
    result = CliRunner().invoke(
        app, ["association", "register", "--name", "X", "--territory", "93"], env=environment
    )

    assert result.exit_code == 3
    assert "UNAVAILABLE" in result.output


def test_a_name_with_brackets_is_printed_as_given_and_registered_once(
    settings: Settings, environment: dict[str, str]
) -> None:
    """Rich read `[/]` in a name as markup and crashed after the association was registered
    (exit 1): an operator running the command again registered it twice."""
    result = CliRunner().invoke(
        app,
        ["association", "register", "--name", "Maison [/] Jeunes", "--territory", "93"],
        env=environment,
    )

    assert result.exit_code == 0, result.output
    assert "registered Maison [/] Jeunes (93)" in result.output
    parcours = build(settings)
    try:
        notes = parcours.ledger.recorder.select_notifications(start=1, limit=100)
    finally:
        parcours.close()
    assert [n.topic.rsplit(".", 1)[-1] for n in notes] == ["Registered"]


def test_the_json_line_gives_the_name_and_territory_as_recorded(
    environment: dict[str, str],
) -> None:
    """It echoed what was typed (`"  Abri  "`) while the ledger recorded it trimmed."""
    result = CliRunner().invoke(
        app,
        ["association", "register", "--name", "  Abri  ", "--territory", " 93 ", "--json"],
        env=environment,
    )

    assert result.exit_code == 0, result.output
    created = json.loads(result.output.strip().splitlines()[-1])
    assert (created["name"], created["territory"]) == ("Abri", "93")
