"""Authentication: bearer JWTs in, a `Viewer` (and its domain `Actor`) out.

Authorization is not decided here: the policy module decides what a viewer may do. The web
layer's pieces (`viewer_from_request`, `viewer_from_connection_params`) live in
`api.auth.dependencies` and are not re-exported, so the CLI does not pay for importing FastAPI.
"""

from api.auth.durations import DEFAULT_TTL, MAX_TTL, parse_duration, parse_ttl
from api.auth.errors import (
    AuthConfigurationError,
    AuthenticationError,
    InvalidTokenRequest,
    KeysUnavailable,
)
from api.auth.tokens import (
    AUDIENCE,
    InstanceTokens,
    TokenVerifier,
    instance_tokens_from_settings,
    verifier_from_settings,
)
from api.auth.viewer import Viewer

__all__ = [
    "AUDIENCE",
    "DEFAULT_TTL",
    "MAX_TTL",
    "AuthConfigurationError",
    "AuthenticationError",
    "InstanceTokens",
    "InvalidTokenRequest",
    "KeysUnavailable",
    "TokenVerifier",
    "Viewer",
    "instance_tokens_from_settings",
    "parse_duration",
    "parse_ttl",
    "verifier_from_settings",
]
