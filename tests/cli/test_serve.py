"""`parcours serve`: what it hands the ASGI server."""

import pytest
import uvicorn
from typer.testing import CliRunner

from api.cli import app


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_websocket_message_is_bounded_like_a_request_body(
    environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn's own bound is 16 MiB, and every message is parsed and walked, the
    `connection_init` before any authentication included."""
    given: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *_, **kwargs: given.update(kwargs))

    result = CliRunner().invoke(
        app, ["serve"], env={**environment, "PARCOURS_MAX_BODY_BYTES": "65536"}
    )

    assert result.exit_code == 0, result.output
    assert given["ws_max_size"] == 65536
