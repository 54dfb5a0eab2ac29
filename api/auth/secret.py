"""The development signing secret: generated once into the data dir, like `master.key`.

Production refuses this convenience (Settings demands PARCOURS_JWT_SECRET or OIDC there), because
a secret that lives next to the data is copied with every backup of it.
"""

import contextlib
import os
import secrets
from pathlib import Path

from api.auth.errors import AuthConfigurationError

JWT_SECRET_FILE = "jwt.secret"  # noqa: S105 - a file name, not a secret
MIN_SECRET_BYTES = 32
"""HS256 keys shorter than the hash output (32 bytes) weaken it (RFC 7518 §3.2)."""


def development_secret(data_dir: Path) -> bytes:
    """The secret in `data_dir/jwt.secret`, created on first use with mode 0600.

    Created by linking a fully written temporary file into place: of several processes starting
    at once exactly one wins, and no process can read a half-written secret.
    """
    path = data_dir / JWT_SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        _create(path)
    secret = path.read_bytes().strip()
    if len(secret) < MIN_SECRET_BYTES:
        msg = f"{path} holds fewer than {MIN_SECRET_BYTES} bytes; delete it to generate a new one"
        raise AuthConfigurationError(msg)
    return secret


def _create(path: Path) -> None:
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
            handle.flush()
            os.fsync(handle.fileno())
        # Another process may win the race: its secret is then the one everybody uses.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)
