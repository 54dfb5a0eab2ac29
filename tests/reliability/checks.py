"""The soak's verdicts, read from the stores themselves once the load has stopped.

- every acknowledged command has its receipt (a row beside the log, one per key by its primary
  key), naming the command and the id the client was given, and there is no other receipt;
  every command's effect (the event carrying that id) is there exactly once, and no effect is
  there that no client was told about (retries recorded nothing);
- the projection worker caught up with the log and no projection failed;
- `parcours audit replay` rebuilds every projection from zero into a scratch schema and finds it
  equal, row by row, to the live one; `parcours audit verify` finds the hash chain intact.
"""

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from api.bootstrap import Parcours, build
from domain.ledger.chain.tables import StoredTables
from domain.ledger.fingerprints import parts
from domain.ledger.receipt import receipt_id
from projections.outage import is_outage
from projections.positions import FAILED
from tests.reliability.client import KINDS, Ack, Kind
from tests.reliability.processes import BUSY_SERVER_PATIENCE_SECONDS, Instance, run_cli

STORE_UNAVAILABLE_EXIT = 3


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def __str__(self) -> str:
        return f"[{'ok' if self.ok else 'FAILED'}] {self.name}: {self.detail}"


@dataclass(frozen=True)
class Stored:
    """One row of the events table, decoded."""

    position: int
    stream: UUID
    version: int
    topic: str
    event: Any


def stored_events(parcours: Parcours) -> list[Stored]:
    """Every row of the schema's events table, in log order, decoded by the ledger's mapper."""
    tables = StoredTables.of(parcours.ledger.recorder)
    rows = tables.run(
        f"SELECT {tables.position}, originator_id, originator_version, topic, state"
        f" FROM {tables.events} ORDER BY {tables.position}"
    )
    mapper = parcours.ledger.mapper
    return [
        Stored(
            position,
            stream,
            version,
            topic,
            mapper.to_domain_event(StoredEvent(stream, version, topic, bytes(state))),
        )
        for position, stream, version, topic, state in rows
    ]


def _effect_id(kind: Kind, stored: Stored) -> UUID:
    found: UUID = stored.stream if kind.event_id is None else getattr(stored.event, kind.event_id)
    return found


def _is_effect(kind: Kind, stored: Stored) -> bool:
    return stored.topic.rsplit(".", 1)[-1] == kind.event


def stored_receipts(parcours: Parcours) -> dict[UUID, tuple[str, UUID]]:
    """Every row of the schema's receipts table: its command's name (without the arguments'
    fingerprint) and outcome, by receipt id."""
    tables = StoredTables.of(parcours.ledger.recorder)
    rows = tables.run(f"SELECT receipt_id, command, outcome FROM {tables.receipts}")
    return {
        UUID(str(key)): (parts(str(command))[0], UUID(str(outcome)))
        for key, command, outcome in rows
    }


def receipts_exactly_once(receipts: dict[UUID, tuple[str, UUID]], acks: list[Ack]) -> Check:
    """Each acknowledged key has its receipt naming its command and its outcome; no other."""
    problems = []
    expected = {receipt_id(ack.command.actor, ack.command.key): ack for ack in acks}
    for key, ack in expected.items():
        found = receipts.get(key)
        if found is None:
            problems.append(f"{ack.command.key}: no receipt")
        elif found != (ack.command.kind.command, ack.outcome):
            problems.append(f"{ack.command.key}: receipt says {found}")
    unknown = len(set(receipts) - set(expected))
    if unknown:
        problems.append(f"{unknown} receipt(s) of commands no client was told about")
    detail = f"{len(expected)} receipts, one each" if not problems else "; ".join(problems[:5])
    return Check("every acknowledged command has exactly one receipt", not problems, detail)


def effects_exactly_once(events: list[Stored], acks: list[Ack]) -> Check:
    """For each kind, the ids in the store's events equal the ids clients were given, each
    once: nothing acknowledged is missing, nothing is doubled, nothing unacknowledged."""
    problems = []
    counted = 0
    for kind in KINDS.values():
        given = Counter(ack.outcome for ack in acks if ack.command.kind is kind)
        stored = Counter(_effect_id(kind, e) for e in events if _is_effect(kind, e))
        counted += sum(stored.values())
        if stored != given:
            missing = len(given - stored)
            extra = len(stored - given)
            problems.append(f"{kind.name}: {missing} missing, {extra} extra or doubled")
    detail = f"{counted} effects, each once" if not problems else "; ".join(problems)
    return Check("every acknowledged command's event exactly once", not problems, detail)


def caught_up(parcours: Parcours, timeout: float) -> Check:
    """Waits (bounded) until every served projection reached the log's head."""
    deadline = time.monotonic() + timeout
    while True:
        head = parcours.projections.source.head()
        generations = [g for g in parcours.projections.generations() if g.served]
        failed = [g.name for g in generations if g.status == FAILED]
        behind = [f"{g.name} at {g.position}" for g in generations if g.position < head]
        if failed or (generations and not behind):
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    ok = bool(generations) and not failed and not behind
    detail = f"log head {head}; failed: {failed or 'none'}; behind: {behind or 'none'}"
    return Check("the projection worker caught up, nothing failed", ok, detail)


def cli_check(instance: Instance, name: str, *arguments: str) -> Check:
    """A `parcours` command whose exit status is the verdict; its last line is the detail.
    Exit 3 means "the store is busy or unreachable, try again" (README), so it is retried."""
    deadline = time.monotonic() + BUSY_SERVER_PATIENCE_SECONDS
    done = run_cli(instance, *arguments)
    while done.returncode == STORE_UNAVAILABLE_EXIT and time.monotonic() < deadline:
        time.sleep(1.0)
        done = run_cli(instance, *arguments)
    lines = (done.stdout + done.stderr).strip().splitlines()
    return Check(name, done.returncode == 0, lines[-1] if lines else f"exit {done.returncode}")


def _opened(instance: Instance) -> Parcours:
    """The instance in this process, waiting (bounded) while the server is saturated."""
    deadline = time.monotonic() + BUSY_SERVER_PATIENCE_SECONDS
    while True:
        try:
            return build(instance.settings())
        except Exception as error:
            if not is_outage(error) or time.monotonic() > deadline:
                raise
            time.sleep(1.0)


def verify_all(instance: Instance, acks: list[Ack], catch_up_timeout: float = 120.0) -> list[Check]:
    """Every verdict, in the order a person would check them."""
    parcours = _opened(instance)
    try:
        checks = [caught_up(parcours, catch_up_timeout)]
        events = stored_events(parcours)
        receipts = stored_receipts(parcours)
    finally:
        parcours.close()
    return [
        *checks,
        receipts_exactly_once(receipts, acks),
        effects_exactly_once(events, acks),
        cli_check(
            instance, "`parcours audit replay`: a rebuild from zero equals live", "audit", "replay"
        ),
        cli_check(instance, "`parcours audit verify`: the hash chain is intact", "audit", "verify"),
    ]
