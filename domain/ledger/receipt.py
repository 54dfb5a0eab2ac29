"""Command receipts: what makes a retried command have exactly one effect.

A receipt is an aggregate whose id is derived from the actor and their idempotency key, saved in
the same `save()` as the command's events. A retry finds the receipt and gets the first result;
two concurrent first attempts collide on the receipt's version 1 and only one commits. Because it
lives in the event store, it survives restarts and works the same on SQLite and PostgreSQL.
"""

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import IdempotencyConflict, InvalidInput

_NAMESPACE = uuid5(NAMESPACE_URL, "urn:parcours:command-receipt")
MAX_KEY_LENGTH = 200


def receipt_id(actor: Actor, key: str) -> UUID:
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        msg = f"idempotency_key must be 1 to {MAX_KEY_LENGTH} characters"
        raise InvalidInput(msg, field="idempotency_key")
    return uuid5(_NAMESPACE, f"{actor.user_id}\x00{key}")


class CommandReceipt(Aggregate):
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

    def outcome_for(self, command: str, target: UUID | None) -> UUID:
        """The first outcome, if this is a retry of the same command on the same target."""
        if (command, target) != (self.command, self.target):
            on = "" if self.target is None else f" on {self.target}"
            raise IdempotencyConflict(
                f"this idempotency key was already used for {self.command}{on}",
                field="idempotency_key",
            )
        return self.outcome
