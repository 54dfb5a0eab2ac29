"""The ways authentication can fail, kept apart so every layer can catch exactly what it handles.

Messages are written to be shown to the caller as they are: they name the rule that failed and
never repeat the token, a claim's raw value or a secret.
"""


class AuthenticationError(Exception):
    """The request does not prove who is calling (HTTP 401); `message` says precisely why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class KeysUnavailable(AuthenticationError):
    """The identity provider's keys could not be fetched: the caller is not at fault (HTTP 503),
    so it is told to retry rather than to log in again."""


class InvalidTokenRequest(ValueError):
    """A token was asked for a principal no token may carry; `field` names the input at fault
    (`user`, `role`, `association`, `ttl`) so the CLI and tests can point at it."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class AuthConfigurationError(ValueError):
    """The settings cannot yield a working verifier (an unreadable JWKS file, a corrupt secret
    file): the process must refuse to start rather than refuse every caller later."""
