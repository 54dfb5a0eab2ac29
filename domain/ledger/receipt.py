"""Command receipts: what makes a retried command have exactly one effect.

A receipt's id is derived from the actor and their idempotency key. It is written as a row of
the `command_receipts` table by the very append that saves the command's events, in the same
transaction (ADR 0006): a retry that decides the same again collides on the receipt's primary
key and finds the first result; two concurrent first attempts collide and only one commits.
Receipts are how the ledger remembers requests, not facts about young people, so they sit beside
the log rather than in it; the commands' effects are in the log, and chained.

Stores written before ADR 0006 hold receipts as `CommandReceipt` events: they are copied into
the table once, when the table is created, and any still written as events later (by a process
of the older version, or a restored older backup) become rows through a trigger
(`receipt_rows.py`); the class stays so that those events still decode.
"""

from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import IdempotencyConflict, InvalidInput
from domain.ledger.fingerprints import differ, parts
from domain.rules import require_plain

_NAMESPACE = uuid5(NAMESPACE_URL, "urn:parcours:command-receipt")
MAX_KEY_LENGTH = 200


def receipt_id(actor: Actor, key: str) -> UUID:
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        msg = f"idempotency_key must be 1 to {MAX_KEY_LENGTH} characters"
        raise InvalidInput(msg, field="idempotency_key")
    require_plain(key, "idempotency_key")
    return uuid5(_NAMESPACE, f"{actor.user_id}\x00{key}")


@dataclass(frozen=True)
class Receipt:
    """The first outcome of a keyed command, and what it was for."""

    id: UUID
    command: str
    target: UUID | None
    outcome: UUID

    def outcome_for(
        self, command: str, target: UUID | None, fingerprint: str | None = None
    ) -> UUID:
        """The first outcome, if this is a retry of the same command on the same target, with
        the same arguments (when both the receipt and the retry have a fingerprint made under
        the same secret)."""
        name, first = parts(self.command)
        on = "" if self.target is None else f" on {self.target}"
        if (command, target) != (name, self.target):
            raise IdempotencyConflict(
                f"this idempotency key was already used for {name}{on}",
                field="idempotency_key",
            )
        if first is not None and fingerprint is not None and differ(first, fingerprint):
            raise IdempotencyConflict(
                f"this idempotency key was already used for {name}{on} with other arguments:"
                " a retry sends the same request, a new request needs a new key",
                field="idempotency_key",
            )
        return self.outcome


class CommandReceipt(Aggregate):
    """A receipt as an event, as stores written before ADR 0006 hold them: read, never saved."""

    @event("Issued")
    def __init__(
        self,
        *,
        id: UUID,
        command: str,
        target: UUID | None,
        outcome: UUID,
    ) -> None:
        self.command = command
        self.target = target
        self.outcome = outcome
