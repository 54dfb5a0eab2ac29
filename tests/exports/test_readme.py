"""The README's DuckDB query runs over a real export, and the codebook describes every column
of every file the export writes (no more, no less)."""

import getpass
import json
import re
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from api.access_log import AccessLog
from api.cli import app
from tests.conftest import cli_environment
from tests.exports.conftest import Simulated, read_csv

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_query() -> str:
    section = README.read_text().split("## Evaluation exports", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```sql\n(.*?)```", section, re.DOTALL)
    assert found, "the README's Evaluation exports section shows a DuckDB query"
    return found.group(1)


def test_the_readme_duckdb_query_runs_over_an_export_made_by_the_cli(
    simulated: Simulated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = str(tmp_path / "export-2026")
    arguments = ["export", "evaluation", "--out", out, "--study", "study-a", "--k", "1"]
    env = cli_environment(simulated.parcours.settings)

    made = CliRunner().invoke(app, arguments, env=env)
    refused = CliRunner().invoke(app, arguments, env=env)

    assert made.exit_code == 0, made.output
    assert "exported study study-a as at position" in made.output
    assert refused.exit_code == 2
    assert "OUT_NOT_EMPTY: --out:" in refused.output
    position = made.output.split("as at position ", 1)[1].split()[0]
    logged = AccessLog(simulated.parcours.read_store).page(first=500)
    assert {(r.user_id, r.role, r.what) for _, r in logged.items} == {
        (
            f"cli:{getpass.getuser()}",
            "NETWORK_ADMIN",
            f"evaluation export of study study-a as at position {position}",
        )
    }
    assert {r.young_person_id for _, r in logged.items} == {
        str(p) for p in simulated.young_people if p not in simulated.erased
    }
    monkeypatch.chdir(tmp_path)

    with duckdb.connect() as db:
        rows = db.sql(readme_query()).fetchall()

    referrals = read_csv(tmp_path / "export-2026" / "data" / "referrals.csv")
    assert rows
    assert sum(row[2] for row in rows) == len(referrals)
    assert all(0 <= row[3] <= 1 for row in rows)


def test_the_codebook_describes_every_column_of_every_file(
    simulated: Simulated, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    simulated.export(out, k=5)
    codebook = json.loads((out / "codebook.json").read_text())
    described = {
        file: [c["name"] for c in table["columns"]]
        for table in codebook["datasets"] + codebook["aggregates"]
        for file in table["files"]
    }
    markdown = (out / "codebook.md").read_text()

    written = sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.suffix in (".csv", ".parquet")
    )
    assert sorted(described) == written
    for name in written:
        path = out / name
        if path.suffix == ".csv":
            header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        else:
            header = pq.read_schema(path).names
        assert header == described[name], name
        assert f"`{path.parent.name}/{path.stem}`" in markdown
    for table in codebook["datasets"] + codebook["aggregates"]:
        assert all(column["description"] for column in table["columns"]), table["name"]
