"""A practice note: a lesson learned, tagged by domain, that other associations endorse.

Title and body are free text written by workers, so they are sealed like case content, with a
key of the note's own: a note can be erased (a network admin, who carries out erasures, records
it and the ledger destroys the key) without touching anything else — one that named a young
person is not reached by that young person's erasure.
"""

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import InvalidInput, NotPermitted, RuleViolation
from domain.privacy.sealed import Seal, Sealed
from domain.rules import LONG_TEXT, SHORT_TEXT, seal_text
from domain.vocabulary import Domain, Role


class PracticeNote(Aggregate):
    @classmethod
    def publish(
        cls,
        *,
        id: UUID,
        actor: Actor,
        title: str,
        body: str,
        domains: tuple[Domain, ...],
        programme_id: UUID | None,
        seal: Seal,
        at: datetime,
    ) -> "PracticeNote":
        if actor.association_id is None:
            raise NotPermitted("practice notes are published by an association")
        if not domains:
            raise InvalidInput("tag the note with at least one domain", field="domains")
        return cls(
            id=id,
            actor=actor,
            title=seal_text(seal, title, "title", SHORT_TEXT),
            body=seal_text(seal, body, "body", LONG_TEXT),
            domains=tuple(dict.fromkeys(domains)),
            programme_id=programme_id,
            published_at=at,
        )

    @event("Published")
    def __init__(
        self,
        *,
        id: UUID,
        actor: Actor,
        title: Sealed,
        body: Sealed,
        domains: tuple[Domain, ...],
        programme_id: UUID | None,
        published_at: datetime,
    ) -> None:
        assert actor.association_id is not None
        self.association_id: UUID = actor.association_id
        self.title = title
        self.body = body
        self.domains = list(domains)
        self.programme_id = programme_id
        self.published_at = published_at
        self.revisions = 0
        self.endorsements: list[UUID] = []
        self.erased_at: datetime | None = None

    def require_eraser(self, actor: Actor) -> None:
        if actor.role is not Role.NETWORK_ADMIN:
            raise NotPermitted("only a network admin erases a practice note")

    def erase(self, *, actor: Actor, at: datetime) -> None:
        self.require_eraser(actor)
        self._require_not_erased()
        self._erased(actor=actor, erased_at=at)

    @event("Erased")
    def _erased(self, actor: Actor, erased_at: datetime) -> None:
        self.erased_at = erased_at

    def _require_not_erased(self) -> None:
        if self.erased_at is not None:
            raise RuleViolation("the practice note was erased", code="ERASED")

    def revise(self, *, actor: Actor, title: str, body: str, seal: Seal) -> None:
        if not actor.acts_for(self.association_id):
            raise NotPermitted("only the publishing association revises its note")
        self._require_not_erased()
        self._revised(
            actor=actor,
            title=seal_text(seal, title, "title", SHORT_TEXT),
            body=seal_text(seal, body, "body", LONG_TEXT),
        )

    @event("Revised")
    def _revised(self, actor: Actor, title: Sealed, body: Sealed) -> None:
        self.title = title
        self.body = body
        self.revisions += 1

    def endorse(self, *, actor: Actor) -> None:
        if actor.association_id is None or actor.acts_for(self.association_id):
            raise NotPermitted("a note is endorsed by another association")
        self._require_not_erased()
        if actor.association_id in self.endorsements:
            raise RuleViolation("the association already endorsed this note", code="ENDORSED")
        self._endorsed(actor=actor, association_id=actor.association_id)

    @event("Endorsed")
    def _endorsed(self, actor: Actor, association_id: UUID) -> None:
        self.endorsements.append(association_id)
