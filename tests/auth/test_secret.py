"""The development secret: created once, owner-only, shared by every process on the data dir."""

import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from api.auth.errors import AuthConfigurationError
from api.auth.secret import JWT_SECRET_FILE, MIN_SECRET_BYTES, development_secret


def test_the_secret_is_created_once_with_mode_0600_and_reused(tmp_path: Path) -> None:
    data_dir = tmp_path / "not-yet-created"

    first = development_secret(data_dir)
    path = data_dir / JWT_SECRET_FILE
    created = os.stat(path)
    second = development_secret(data_dir)

    assert first == second
    assert len(first) >= MIN_SECRET_BYTES
    assert stat.S_IMODE(created.st_mode) == 0o600
    after = os.stat(path)
    assert (after.st_ino, after.st_mtime_ns) == (created.st_ino, created.st_mtime_ns)
    assert sorted(p.name for p in data_dir.iterdir()) == [JWT_SECRET_FILE]


def test_concurrent_first_uses_agree_on_one_secret(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        secrets = set(pool.map(lambda _: development_secret(tmp_path), range(16)))

    assert len(secrets) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [JWT_SECRET_FILE]


def test_a_corrupt_secret_file_is_refused_naming_it(tmp_path: Path) -> None:
    (tmp_path / JWT_SECRET_FILE).write_text("short")

    with pytest.raises(AuthConfigurationError, match=JWT_SECRET_FILE):
        development_secret(tmp_path)
