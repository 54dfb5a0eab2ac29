"""`manifest.json`: what an export is a function of, and the fingerprint of every file.

Re-running the same code on the same ledger position with the same study and k must give the
same CSV bytes; the manifest names each of those inputs (the code by a digest of the modules
that shape the output, as a package version alone does not change with each commit) and the
SHA-256 of each file, so a reproduction is checked by comparing hashes.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from projections.exports.ledger_point import LedgerPoint
from projections.exports.snapshot import Snapshot
from projections.exports.values import BIRTH_BAND_YEARS
from projections.exports.writing import Written

FORMAT = "parcours-evaluation-export/1"
FILE = "manifest.json"
PROJECTIONS_DIR = Path(__file__).resolve().parent.parent
SHAPING = ("exports/*.py", "cases/*.py", "directory.py", "projection.py", "runner.py")
"""The modules whose code decides what an export holds (read models and the export itself)."""


@dataclass(frozen=True)
class Manifest:
    path: Path
    content: dict[str, object]
    files: dict[str, dict[str, object]]
    """`content["files"]`: each file's sha256, bytes (and rows), by path in the export."""


def write_manifest(
    root: Path, study: str, k: int, snapshot: Snapshot, point: LedgerPoint, files: list[Written]
) -> Manifest:
    fingerprints = {w.path: w.as_dict() for w in sorted(files, key=lambda w: w.path)}
    content: dict[str, object] = {
        "format": FORMAT,
        "study": study,
        "k": k,
        "ledger": point.as_dict(),
        "read_models": "replayed from the log" if snapshot.replayed else "live",
        "projections": {
            name: {"version": number, "position": snapshot.position}
            for name, number in sorted(snapshot.versions.items())
        },
        "code": {"parcours": _package_version(), "sha256": code_digest()},
        "birth_year_band_years": BIRTH_BAND_YEARS,
        "files": fingerprints,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path = root / FILE
    path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    return Manifest(path, content, fingerprints)


def code_digest() -> str:
    """SHA-256 over the path and bytes of every module that shapes an export."""
    digest = hashlib.sha256()
    found = sorted({p for pattern in SHAPING for p in PROJECTIONS_DIR.glob(pattern)})
    for path in found:
        digest.update(path.relative_to(PROJECTIONS_DIR).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _package_version() -> str:
    try:
        return version("parcours")
    except PackageNotFoundError:
        return "unknown"
