"""Signed checkpoints: the chain's head at a moment, signed with Ed25519, kept outside the
database (a file an auditor or a partner keeps). A checkpoint turns "the chain is consistent"
into "the chain is the one we saw", which catches a truncated tail and a recomputed chain."""

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from domain.durable_files import write_whole

SUFFIX = ".checkpoint.json"


class CheckpointError(ValueError):
    """A checkpoint that cannot be trusted: unreadable, or not signed by our key."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    position: int
    hash: bytes
    created_at: str

    def payload(self) -> bytes:
        return json.dumps(
            {
                "seq": self.seq,
                "position": self.position,
                "hash": self.hash.hex(),
                "created_at": self.created_at,
            },
            sort_keys=True,
            separators=(",", ":"),
        ).encode()


def signing_key(path: Path) -> Ed25519PrivateKey:
    """The instance's audit key, created once (mode 0600) beside the data, never in it."""
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        raw = key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        write_whole(path, base64.b64encode(raw), replace=False)
    return _loaded(path)


def verifying_key(path: Path) -> Ed25519PublicKey:
    """The public half of the instance's audit key, for checking checkpoints. Never creates
    one: a verification that made a new key when the old one was missing would then check
    nothing it could trust, and the next checkpoint would be signed with that new key."""
    if not path.exists():
        msg = f"the audit key {path} is missing: checkpoints cannot be checked without it"
        raise CheckpointError(msg)
    return _loaded(path).public_key()


def _loaded(path: Path) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(path.read_bytes()))


def public_key_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def write(checkpoint: Checkpoint, key: Ed25519PrivateKey, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    signature = key.sign(checkpoint.payload())
    document = {
        **json.loads(checkpoint.payload()),
        "public_key": public_key_text(key),
        "signature": base64.b64encode(signature).decode("ascii"),
    }
    path = directory / f"{checkpoint.seq:012d}{SUFFIX}"
    write_whole(path, (json.dumps(document, indent=2) + "\n").encode(), replace=True)
    return path


def read_all(directory: Path, public_key: Ed25519PublicKey) -> list[Checkpoint]:
    """Every checkpoint in the directory, each checked against *our* public key (a key inside
    the file proves nothing: whoever forged the file would have put theirs)."""
    return [_read(path, public_key) for path in sorted(directory.glob(f"*{SUFFIX}"))]


def read_given(directory: Path, public_key: Ed25519PublicKey) -> list[Checkpoint]:
    """The checkpoints an auditor asked to verify against: a directory that is missing or
    holds none is an error, not "0 checkpoints matched" — a mistyped path would otherwise
    turn a check against checkpoints into a plain one, and say the ledger is intact."""
    if not directory.is_dir():
        raise CheckpointError(f"{directory} is not a directory")
    found = read_all(directory, public_key)
    if not found:
        raise CheckpointError(f"{directory} holds no checkpoint (*{SUFFIX})")
    return found


def _read(path: Path, public_key: Ed25519PublicKey) -> Checkpoint:
    try:
        document = json.loads(path.read_text())
        checkpoint = Checkpoint(
            seq=int(document["seq"]),
            position=int(document["position"]),
            hash=bytes.fromhex(document["hash"]),
            created_at=str(document["created_at"]),
        )
        public_key.verify(base64.b64decode(document["signature"]), checkpoint.payload())
    except InvalidSignature:
        raise CheckpointError(f"{path.name}: not signed by this instance's audit key") from None
    except (KeyError, ValueError, TypeError) as error:
        raise CheckpointError(f"{path.name}: unreadable checkpoint ({error})") from None
    return checkpoint


def now_text() -> str:
    return datetime.now(UTC).isoformat()
