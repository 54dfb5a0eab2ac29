"""How a link of the chain is computed: domain-separated, length-prefixed, over ciphertext.

The hash covers the sequence, the stream id, the version, the topic, the *stored* state (the
encrypted form, so erasing a key never breaks the chain) and the previous link's hash. Each
variable-length part is prefixed by its length, so no two different records encode the same.
"""

import hashlib
import struct
from dataclasses import dataclass
from uuid import UUID

TAG = b"parcours/event-chain/v1\x00"
GENESIS = bytes(32)


@dataclass(frozen=True)
class Link:
    seq: int
    position: int
    stream_id: UUID
    version: int
    hash: bytes


def link_hash(
    seq: int, stream_id: UUID, version: int, topic: str, state: bytes, previous: bytes
) -> bytes:
    digest = hashlib.sha256(TAG)
    digest.update(struct.pack(">QQ", seq, version))
    digest.update(stream_id.bytes)
    for part in (topic.encode("utf-8"), state):
        digest.update(struct.pack(">Q", len(part)))
        digest.update(part)
    digest.update(previous)
    return digest.digest()
