"""End-to-end: a real server on a loopback port, real HTTP, real signed tokens.

The server runs uvicorn in a thread of the test process (its own event loop), with the
projections embedded, over the same backends as the other tests.
"""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from api.app import create_app
from api.auth.tokens import verifier_from_settings
from api.bootstrap import Parcours
from domain.actor import Actor
from domain.vocabulary import Role
from tests.conftest import Instances
from tests.support import Network, build_network


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Api:
    """A partner front end's view of the server: GraphQL over HTTP with a bearer token."""

    url: str
    parcours: Parcours
    network: Network

    def token(self, actor: Actor) -> str:
        verifier = verifier_from_settings(self.parcours.settings)
        assert verifier.instance is not None
        return verifier.instance.issue(actor.user_id, actor.role, actor.association_id)

    def post(self, token: str | None, body: Any, **headers: str) -> httpx.Response:
        auth = {} if token is None else {"Authorization": f"Bearer {token}"}
        return httpx.post(f"{self.url}/graphql", json=body, headers={**auth, **headers}, timeout=30)

    def gql(self, actor: Actor, query: str, **variables: Any) -> dict[str, Any]:
        """Runs an operation as `actor`; fails the test on any GraphQL error."""
        response = self.post(self.token(actor), {"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def raw(self, actor: Actor, query: str, **variables: Any) -> dict[str, Any]:
        response = self.post(self.token(actor), {"query": query, "variables": variables})
        body: dict[str, Any] = response.json()
        return body

    def auditor(self) -> Actor:
        return Actor("auditor-1", Role.AUDITOR)

    def evaluator(self) -> Actor:
        return Actor("evaluator-1", Role.EVALUATOR)


def global_id(kind: str, key: UUID | str) -> str:
    import base64  # noqa: PLC0415

    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode()


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serves `app` on a loopback port from a thread of the test process; yields its URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the test server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture
def api(instances: Instances) -> Iterator[Api]:
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    with serving(create_app(parcours=parcours)) as url:
        yield Api(url=url, parcours=parcours, network=network)
