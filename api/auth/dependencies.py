"""Where the web layer meets authentication: a FastAPI dependency for HTTP requests and a helper
for the `connection_init` payload of GraphQL websockets.

The verifier is built once per app from Settings (`verifier_from_settings`) and kept on
`app.state.token_verifier`, never at import time, so tests and processes each get their own.
"""

from collections.abc import Mapping
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.datastructures import State

from api.auth.errors import AuthenticationError, KeysUnavailable
from api.auth.tokens import TokenVerifier, verifier_from_settings
from api.auth.viewer import Viewer

STATE_ATTRIBUTE = "token_verifier"
RETRY_AFTER_SECONDS = "30"


def token_verifier(state: State) -> TokenVerifier:
    """The app's verifier; its absence is a wiring bug (HTTP 500), not the caller's fault."""
    verifier = getattr(state, STATE_ATTRIBUTE, None)
    if not isinstance(verifier, TokenVerifier):
        msg = "app.state.token_verifier is not set: build it with verifier_from_settings()"
        raise RuntimeError(msg)
    return verifier


def viewer_from_request(request: Request) -> Viewer:
    """The caller of an HTTP request, or 401 with `WWW-Authenticate: Bearer` (RFC 6750: with
    `error="invalid_token"` once a token was presented). A provider whose keys cannot be fetched
    yields 503, so clients retry instead of sending their users back to log in.

    Synchronous on purpose: FastAPI runs it in its thread pool, where fetching a provider's JWKS
    on a key rotation cannot stall the event loop."""
    verifier = token_verifier(request.app.state)
    authorization = request.headers.get("Authorization")
    try:
        return verifier.verify_authorization(authorization)
    except KeysUnavailable as error:
        headers = {"Retry-After": RETRY_AFTER_SECONDS}
        raise HTTPException(503, detail=error.message, headers=headers) from None
    except AuthenticationError as error:
        challenge = "Bearer" if authorization is None else 'Bearer error="invalid_token"'
        headers = {"WWW-Authenticate": challenge}
        raise HTTPException(401, detail=error.message, headers=headers) from None


CurrentViewer = Annotated[Viewer, Depends(viewer_from_request)]
"""Declare `viewer: CurrentViewer` in a route or context getter to require a valid token."""


def viewer_from_connection_params(
    params: Mapping[str, object] | None, verifier: TokenVerifier
) -> Viewer:
    """The caller of a graphql-transport-ws connection, from its `connection_init` payload:
    `{"Authorization": "Bearer <token>"}` (as browsers cannot set websocket headers) or
    `{"authToken": "<token>"}`. Raises `AuthenticationError`; the caller closes with 4403."""
    params = params or {}
    for name in ("Authorization", "authorization"):
        if name in params:
            value = params[name]
            if not isinstance(value, str):
                raise AuthenticationError(f"connection parameter {name!r} must be a string")
            return verifier.verify_authorization(value)
    if "authToken" in params:
        token = params["authToken"]
        if not isinstance(token, str) or not token.strip():
            raise AuthenticationError("connection parameter 'authToken' must be a non-empty string")
        return verifier.verify(token.strip())
    msg = (
        "missing credentials in connection_init: send "
        '{"Authorization": "Bearer <token>"} or {"authToken": "<token>"}'
    )
    raise AuthenticationError(msg)


__all__ = [
    "CurrentViewer",
    "token_verifier",
    "verifier_from_settings",
    "viewer_from_connection_params",
    "viewer_from_request",
]
