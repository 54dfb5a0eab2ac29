"""The app's switches: GraphiQL in development only; health and readiness probes."""

import base64
import dataclasses
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from api.access_log import AccessLog
from api.app import create_app
from api.bootstrap import Parcours
from api.graphql.context import Context, Loaders
from api.settings import Environment, Settings
from domain.actor import Actor
from domain.errors import NotPermitted
from domain.vocabulary import Role


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


def test_a_context_refuses_its_viewer_once_the_socket_s_token_ran_out(
    parcours: Parcours,
) -> None:
    """Belt and braces beside the close at expiry: an operation still running on the
    connection's token is refused once the token has run out."""
    now = datetime.now(UTC)
    shared = Context(
        authenticated=Actor("worker-b", Role.WORKER, uuid4()),
        parcours=parcours,
        access_log=AccessLog(parcours.read_store),
        loaders=Loaders.over(parcours.read_store),
        connection_scoped=True,
    )
    live = dataclasses.replace(shared, expires_at=now + timedelta(minutes=1)).for_operation()
    expired = dataclasses.replace(shared, expires_at=now - timedelta(seconds=1)).for_operation()

    assert live.viewer == shared.authenticated
    assert live.loaders is not shared.loaders
    with pytest.raises(NotPermitted, match="expired"):
        _ = expired.viewer
