"""The app's switches: GraphiQL in development only; health and readiness probes."""

import base64
import os
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Environment, Settings


def settings(tmp_path: Path, env: Environment) -> Settings:
    return Settings(
        env=env,
        data_dir=tmp_path,
        master_key=base64.b64encode(os.urandom(32)).decode(),
        jwt_secret="s" * 48,
    )


def test_graphiql_is_served_in_development(tmp_path: Path) -> None:
    with TestClient(create_app(settings(tmp_path, Environment.DEVELOPMENT))) as client:
        page = client.get("/graphql", headers={"Accept": "text/html"})

    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


def test_graphiql_is_off_in_production(tmp_path: Path) -> None:
    with TestClient(create_app(settings(tmp_path, Environment.PRODUCTION))) as client:
        page = client.get("/graphql", headers={"Accept": "text/html"})
        health = client.get("/healthz")
        ready = client.get("/readyz")

    assert page.status_code == 404
    assert health.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
