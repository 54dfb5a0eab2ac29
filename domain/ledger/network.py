"""Commands on the network itself: associations, programmes, shared resources, practice notes."""

from datetime import date
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError

from domain.actor import Actor
from domain.errors import RuleViolation
from domain.ledger.core import LedgerCore
from domain.ledger.group_commit import Decision
from domain.network.association import Association, Competence
from domain.network.practice_note import PracticeNote
from domain.network.programme import Component, Programme
from domain.network.shared_resource import SharedResource
from domain.network.study import Study, study_id
from domain.privacy.sealed import Sealed
from domain.vocabulary import Domain, ResourceKind


class NetworkCommands(LedgerCore):
    # --- associations --------------------------------------------------------------------------

    def register_association(
        self,
        actor: Actor,
        *,
        name: str,
        territory: str,
        competences: tuple[Competence, ...] = (),
        idempotency_key: str | None = None,
    ) -> UUID:
        def decide() -> Decision:
            association = Association.register(
                actor=actor, name=name, territory=territory, competences=competences
            )
            return association.id, [association]

        return self.execute("register_association", actor, idempotency_key, decide)

    def declare_competence(
        self,
        actor: Actor,
        association_id: UUID,
        *,
        competence: Competence,
        idempotency_key: str | None = None,
    ) -> UUID:
        def decide() -> Decision:
            association = self.load(Association, association_id, "association_id")
            association.declare_competence(actor=actor, competence=competence)
            return association_id, [association]

        return self.execute(
            "declare_competence", actor, idempotency_key, decide, target=association_id
        )

    def withdraw_competence(
        self,
        actor: Actor,
        association_id: UUID,
        *,
        domain: Domain,
        idempotency_key: str | None = None,
    ) -> UUID:
        def decide() -> Decision:
            association = self.load(Association, association_id, "association_id")
            association.withdraw_competence(actor=actor, domain=domain)
            return association_id, [association]

        return self.execute(
            "withdraw_competence", actor, idempotency_key, decide, target=association_id
        )

    # --- shared resources ----------------------------------------------------------------------

    def offer_resource(
        self,
        actor: Actor,
        association_id: UUID,
        *,
        kind: ResourceKind,
        name: str,
        capacity: int,
        idempotency_key: str | None = None,
    ) -> UUID:
        """The resource and the association's list of offers are saved together."""

        def decide() -> Decision:
            association = self.load(Association, association_id, "association_id")
            resource = SharedResource.offer(
                actor=actor, association_id=association_id, kind=kind, name=name, capacity=capacity
            )
            association.offer_resource(actor=actor, resource_id=resource.id)
            return resource.id, [association, resource]

        return self.execute("offer_resource", actor, idempotency_key, decide, target=association_id)

    def withdraw_resource(
        self, actor: Actor, resource_id: UUID, *, idempotency_key: str | None = None
    ) -> UUID:
        def decide() -> Decision:
            resource = self.load(SharedResource, resource_id, "resource_id")
            association = self.load(Association, resource.association_id, "association_id")
            now = self.clock()
            resource.withdraw(actor=actor, at=now)
            association.withdraw_resource(actor=actor, resource_id=resource_id, at=now)
            return resource_id, [resource, association]

        return self.execute("withdraw_resource", actor, idempotency_key, decide, target=resource_id)

    def allocate_resource(
        self,
        actor: Actor,
        resource_id: UUID,
        *,
        starts_on: date,
        ends_on: date,
        quantity: int,
        programme_id: UUID | None = None,
        association_id: UUID | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def decide() -> Decision:
            resource = self.load(SharedResource, resource_id, "resource_id")
            resource.require_owner(actor)  # before anything about the programme is told
            if programme_id is not None:
                programme = self.load(Programme, programme_id, "programme_id")
                programme.require_takes_allocation(starts_on, ends_on)
            if association_id is not None:
                self.load(Association, association_id, "association_id")
            allocation_id = uuid4()
            resource.allocate(
                actor=actor,
                allocation_id=allocation_id,
                programme_id=programme_id,
                association_id=association_id,
                starts_on=starts_on,
                ends_on=ends_on,
                quantity=quantity,
            )
            return allocation_id, [resource]

        return self.execute("allocate_resource", actor, idempotency_key, decide, target=resource_id)

    def release_allocation(
        self,
        actor: Actor,
        resource_id: UUID,
        *,
        allocation_id: UUID,
        idempotency_key: str | None = None,
    ) -> UUID:
        def decide() -> Decision:
            resource = self.load(SharedResource, resource_id, "resource_id")
            resource.release(actor=actor, allocation_id=allocation_id)
            return allocation_id, [resource]

        return self.execute(
            "release_allocation", actor, idempotency_key, decide, target=resource_id
        )

    # --- programmes ----------------------------------------------------------------------------

    def launch_programme(
        self,
        actor: Actor,
        *,
        name: str,
        components: tuple[Component, ...],
        capacity: int | None = None,
        starts_on: date | None = None,
        ends_on: date | None = None,
        partners: tuple[UUID, ...] | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        """Partners default to the associations delivering the components."""

        def decide() -> Decision:
            # Each association named by its place in the input (an empty list of partners is
            # refused, not taken as "the default").
            named = (
                [
                    (c.association_id, f"components[{i}].association_id")
                    for i, c in enumerate(components)
                ]
                if partners is None
                else [(p, f"partner_ids[{i}]") for i, p in enumerate(partners)]
            )
            chosen = partners if partners is not None else tuple(dict.fromkeys(a for a, _ in named))
            for association_id, field in named:
                self.load(Association, association_id, field)
            programme = Programme.launch(
                actor=actor,
                name=name,
                partners=chosen,
                components=components,
                capacity=capacity,
                starts_on=starts_on,
                ends_on=ends_on,
                launched_on=self.clock().date(),
            )
            return programme.id, [programme]

        return self.execute("launch_programme", actor, idempotency_key, decide)

    def join_programme(
        self,
        actor: Actor,
        programme_id: UUID,
        *,
        association_id: UUID,
        domains: tuple[Domain, ...] = (),
        idempotency_key: str | None = None,
    ) -> UUID:
        def decide() -> Decision:
            programme = self.load(Programme, programme_id, "programme_id")
            self.load(Association, association_id, "association_id")
            programme.join(actor=actor, association_id=association_id, components=domains)
            return programme_id, [programme]

        return self.execute("join_programme", actor, idempotency_key, decide, target=programme_id)

    def leave_partnership(
        self,
        actor: Actor,
        programme_id: UUID,
        *,
        association_id: UUID,
        idempotency_key: str | None = None,
    ) -> UUID:
        def decide() -> Decision:
            programme = self.load(Programme, programme_id, "programme_id")
            programme.leave(actor=actor, association_id=association_id)
            return programme_id, [programme]

        return self.execute(
            "leave_partnership", actor, idempotency_key, decide, target=programme_id
        )

    def close_programme(
        self, actor: Actor, programme_id: UUID, *, idempotency_key: str | None = None
    ) -> UUID:
        def decide() -> Decision:
            programme = self.load(Programme, programme_id, "programme_id")
            programme.close(actor=actor, at=self.clock())
            return programme_id, [programme]

        return self.execute("close_programme", actor, idempotency_key, decide, target=programme_id)

    # --- practice notes ------------------------------------------------------------------------

    def publish_practice_note(
        self,
        actor: Actor,
        *,
        title: str,
        body: str,
        domains: tuple[Domain, ...],
        programme_id: UUID | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def decide() -> Decision:
            if programme_id is not None:
                self.load(Programme, programme_id, "programme_id")
            note_id = uuid4()
            with self.vault.new_key(note_id) as seal:
                note = PracticeNote.publish(
                    id=note_id,
                    actor=actor,
                    title=title,
                    body=body,
                    domains=domains,
                    programme_id=programme_id,
                    seal=seal,
                    at=self.clock(),
                )
            return note_id, [note]

        return self.execute("publish_practice_note", actor, idempotency_key, decide)

    def revise_practice_note(
        self,
        actor: Actor,
        note_id: UUID,
        *,
        title: str,
        body: str,
        idempotency_key: str | None = None,
    ) -> UUID:
        def seal(text: str) -> Sealed:
            """The key looked up only to seal, once the note has been found revisable: an
            erased note's key is gone, and its lookup failed first, as an unexpected error (a
            note erased by another process an instant ago may still look revisable here)."""
            try:
                sealer = self.vault.sealer(note_id)
            except KeyError:
                raise RuleViolation("the practice note was erased", code="ERASED") from None
            return sealer(text)

        def decide() -> Decision:
            note = self.load(PracticeNote, note_id, "note_id")
            note.revise(actor=actor, title=title, body=body, seal=seal)
            return note_id, [note]

        return self.execute("revise_practice_note", actor, idempotency_key, decide, target=note_id)

    def endorse_practice_note(
        self, actor: Actor, note_id: UUID, *, idempotency_key: str | None = None
    ) -> UUID:
        def decide() -> Decision:
            note = self.load(PracticeNote, note_id, "note_id")
            note.endorse(actor=actor)
            return note_id, [note]

        return self.execute("endorse_practice_note", actor, idempotency_key, decide, target=note_id)

    def erase_practice_note(
        self, actor: Actor, note_id: UUID, *, idempotency_key: str | None = None
    ) -> UUID:
        """Records the erasure, then forgets the fingerprints of the note's commands (a title
        hashed) and destroys its key: its title and body then open nowhere — events, read
        models, backups. Asked again after the key store failed in between, it finishes."""
        note = self.load(PracticeNote, note_id, "note_id")
        if note.erased_at is not None:
            note.require_eraser(actor)
            if self.forget_note(note_id):
                return note_id

        def decide() -> Decision:
            found = self.load(PracticeNote, note_id, "note_id")
            found.erase(actor=actor, at=self.clock())
            return note_id, [found]

        outcome = self.execute(
            "erase_practice_note", actor, idempotency_key, decide, target=note_id
        )
        self.forget_note(note_id)
        return outcome

    def forget_note(self, note_id: UUID) -> bool:
        """The fingerprints of the note's commands forgotten, then its key destroyed (in that
        order: asked again after a failure, both are done); whether a key was destroyed."""
        self.receipts.forget_fingerprints(note_id)
        return self.vault.destroy_key(note_id)

    # --- evaluation studies --------------------------------------------------------------------

    def register_study(self, actor: Actor, *, name: str) -> UUID:
        """Registers a study once per name (its secret is created by the export side)."""

        def decide() -> Decision:
            study = study_id(name)
            if self._exists(study):
                raise RuleViolation(
                    f"a study named {name!r} already exists", code="STUDY_EXISTS", field="name"
                )
            return study, [Study.register(actor=actor, name=name, at=self.clock())]

        return self.execute("register_study", actor, None, decide)

    def _exists(self, aggregate_id: UUID) -> bool:
        try:
            self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return False
        return True
