"""The development keyring: key-encryption keys as files in the data dir, rotated in place.

Production configures its KEK through `PARCOURS_MASTER_KEY` (kept in a secret manager, not on
the database's disks) and, during a rotation, the previous ones through
`PARCOURS_PREVIOUS_MASTER_KEYS`; outside production the instance keeps them here so the
commands work out of the box.
"""

import base64
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from domain.durable_files import write_whole
from domain.privacy import cipher
from domain.privacy.keyring import KeyEncryptionKey, Keyring

DIRECTORY = "keyring"
CURRENT = "current"


def development_keyring(data_dir: Path) -> Keyring:
    """The keyring in the data dir, created (one fresh KEK) on first use — under an exclusive
    lock, as several server processes may start at once on a fresh data dir."""
    directory = data_dir / DIRECTORY
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _exclusive(directory / ".lock"):
        if not (directory / CURRENT).exists():
            add_key(directory)
        current = (directory / CURRENT).read_text().strip()
    keys = {path.stem: _load(path) for path in directory.glob("*.key")}
    return Keyring(keys[current], {k: v for k, v in keys.items() if k != current})


def add_key(directory: Path) -> str:
    """Creates a new KEK file (0600) and makes it current; returns its id.

    Both written whole (`write_whole`): a key file cut short by a full disk or a crash was
    loaded as an empty key and stopped every command, and a rotation re-wraps every subject key
    under the new KEK and then destroys the old one — the new one must be on disk by then."""
    kek_id = "kek-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    secret = base64.b64encode(cipher.new_key())
    write_whole(directory / f"{kek_id}.key", secret, replace=False)
    write_whole(directory / CURRENT, kek_id.encode("ascii"), replace=True)
    return kek_id


def destroy_previous(data_dir: Path, keyring: Keyring) -> list[str]:
    """Overwrites then removes every KEK file but the current one (after a re-wrap)."""
    directory = data_dir / DIRECTORY
    destroyed = []
    for kek_id in keyring.previous:
        path = directory / f"{kek_id}.key"
        if path.exists():
            size = path.stat().st_size
            with path.open("r+b") as handle:
                handle.write(os.urandom(size))
                handle.flush()
                os.fsync(handle.fileno())
            path.unlink()
            destroyed.append(kek_id)
    return destroyed


@contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _load(path: Path) -> KeyEncryptionKey:
    """A KEK file, or an error naming it (a damaged file was a bare "must be 32 bytes")."""
    try:
        return KeyEncryptionKey(path.stem, base64.b64decode(path.read_text().strip()))
    except ValueError as error:
        msg = f"{path} is not a key-encryption key ({error}): restore it from the secret store"
        raise ValueError(msg) from None
