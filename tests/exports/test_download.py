"""`GET /exports/{study}.zip`: evaluators only (401 without a token, 403 for any other role),
a zip of a fresh export, the same archive for the same position."""

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth.tokens import verifier_from_settings
from api.evaluation import study_secrets
from domain.vocabulary import Role
from tests.exports.conftest import Simulated


@pytest.fixture
def client(simulated: Simulated) -> Iterator[TestClient]:
    app = create_app(parcours=simulated.parcours, embedded_projections=False)
    with TestClient(app) as made:
        yield made


def bearer(simulated: Simulated, role: Role) -> dict[str, str]:
    instance = verifier_from_settings(simulated.parcours.settings).instance
    assert instance is not None
    association = uuid4() if role in (Role.WORKER, Role.COORDINATOR) else None
    return {
        "Authorization": f"Bearer {instance.issue(f'{role.value.lower()}-1', role, association)}"
    }


def test_without_a_token_the_download_is_refused_with_401(client: TestClient) -> None:
    response = client.get("/exports/study-a.zip")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_every_other_role_is_refused_with_403(client: TestClient, simulated: Simulated) -> None:
    for role in (Role.WORKER, Role.COORDINATOR, Role.NETWORK_ADMIN, Role.AUDITOR):
        response = client.get("/exports/study-a.zip", headers=bearer(simulated, role))

        assert response.status_code == 403, role
        assert "evaluators" in response.json()["detail"]


def test_an_evaluator_downloads_a_zip_of_a_fresh_export(
    client: TestClient, simulated: Simulated
) -> None:
    evaluator = bearer(simulated, Role.EVALUATOR)

    response = client.get("/exports/study-a.zip", headers=evaluator)
    unknown = client.get("/exports/no-such-study.zip", headers=evaluator)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert 'filename="study-a.zip"' in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"study-a/manifest.json", "study-a/report.html", "study-a/codebook.md"} <= names
    assert "study-a/data/referrals.parquet" in names
    manifest = json.loads(archive.read("study-a/manifest.json"))
    assert manifest["k"] == 5
    position = manifest["ledger"]["position"]
    assert unknown.status_code == 404
    again = client.get(f"/exports/study-a.zip?at_position={position}", headers=evaluator)
    assert again.status_code == 200
    replayed = zipfile.ZipFile(io.BytesIO(again.content))
    assert replayed.read("study-a/data/young_people.csv") == archive.read(
        "study-a/data/young_people.csv"
    )
    lowered = client.get("/exports/study-a.zip?k=2", headers=evaluator)
    assert lowered.status_code == 422, "evaluators cannot lower k below the default"


def test_an_archive_stream_cut_short_removes_its_directory(tmp_path: Path) -> None:
    """Only a stream sent whole (or cut by the client) ran the response's clean-up: an error
    while streaming, or a server stopping, left the pseudonymised rows on disk."""
    from api.export_route import _chunks  # noqa: PLC0415

    directory = tmp_path / "parcours-download-x"
    directory.mkdir()
    archive = directory / "study-a.zip"
    archive.write_bytes(b"z" * (3 * (1 << 16)))

    stream = _chunks(archive, directory)
    first = next(stream)
    stream.close()  # what a failing or stopping server does to the generator

    assert len(first) == 1 << 16
    assert not directory.exists()


def test_a_download_is_in_the_access_log_under_each_young_person_it_holds(
    client: TestClient, simulated: Simulated
) -> None:
    """Pseudonymised, the rows still belong to people the study's secret links them to: an
    auditor asking who took a young person's data out finds the evaluator and the study —
    for exactly the people whose rows the archive holds."""
    response = client.get("/exports/study-a.zip", headers=bearer(simulated, Role.EVALUATOR))
    assert response.status_code == 200, response.text
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    position = json.loads(archive.read("study-a/manifest.json"))["ledger"]["position"]
    held = {
        row["young_person"]
        for name in archive.namelist()
        if name.startswith("study-a/data/") and name.endswith(".csv")
        for row in csv.DictReader(io.StringIO(archive.read(name).decode()))
        if row.get("young_person")
    }
    pseudonym = study_secrets(simulated.parcours).pseudonymiser("study-a").of

    query = """query($id: ID!) { accessLog(youngPersonId: $id) { edges { node {
        userId role associationId what } } } }"""
    auditor = bearer(simulated, Role.AUDITOR)
    recorded: set[str] = set()
    for person in simulated.young_people:
        answer = client.post(
            "/graphql", json={"query": query, "variables": {"id": str(person)}}, headers=auditor
        ).json()
        nodes = [e["node"] for e in answer["data"]["accessLog"]["edges"]]
        if nodes:
            recorded.add(pseudonym("young_person", str(person)))
        assert nodes in (
            [],
            [
                {
                    "userId": "evaluator-1",
                    "role": "EVALUATOR",
                    "associationId": None,
                    "what": f"evaluation export of study study-a as at position {position}",
                }
            ],
        ), person
    assert recorded == held
    assert len(held) == len(simulated.young_people) - len(simulated.erased)


def test_a_download_whose_record_meets_a_store_outage_is_a_503_without_an_archive(
    client: TestClient, simulated: Simulated, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(accesses: object) -> None:
        msg = "server closed the connection unexpectedly"
        raise psycopg.OperationalError(msg)

    monkeypatch.setattr(client.app.state.access_log, "record", unreachable)  # type: ignore[attr-defined]

    response = client.get("/exports/study-a.zip", headers=bearer(simulated, Role.EVALUATOR))

    assert response.status_code == 503
    assert "unavailable" in response.text
    assert response.headers["content-type"] != "application/zip"
