"""Small files that must be whole or absent: keys, pointers, signed checkpoints.

Written in place, a file cut short by a full disk or a crash — an empty key, half a
checkpoint — was read back as damaged and stopped every later command that loads it, and no
rerun replaced it. Here the content goes to a private name, is flushed to disk, and is put in
place in one step (a link, which never replaces a file, or a rename, which does), the directory
flushed too, so that a file other steps rely on — a new key-encryption key before the old one
is destroyed — is on disk by then.
"""

import os
from pathlib import Path


def write_whole(path: Path, content: bytes, *, replace: bool) -> None:
    """`content` at `path` (mode 0600), whole or not at all. `replace=False` refuses to replace
    an existing file (`FileExistsError`)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            partial.replace(path)
        else:
            os.link(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
