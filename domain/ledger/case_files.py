"""Commands on a young person's case file: the ledger's main entrance.

Each command loads the case file (and whatever it must check across aggregates), lets the
aggregate decide, and saves everything it changed in one atomic `save()`.
"""

from collections.abc import Callable
from datetime import date, datetime
from uuid import UUID, uuid4

from domain.actor import Actor
from domain.case_file.case_time import CaseTime
from domain.case_file.personal_data import seal_personal_data
from domain.case_file.young_person import YoungPerson
from domain.errors import RuleViolation
from domain.ledger.case_context import CaseContext
from domain.ledger.core import LedgerCore
from domain.ledger.group_commit import Decision
from domain.network.association import Association
from domain.network.programme import Programme
from domain.rules import SHORT_TEXT, seal_text

CaseAction = Callable[[YoungPerson, CaseContext], UUID]


class CaseFileCommands(LedgerCore):
    def on_case(
        self,
        command: str,
        actor: Actor,
        young_person_id: UUID,
        idempotency_key: str | None,
        action: CaseAction,
    ) -> UUID:
        def decide() -> Decision:
            young_person = self.young_person(young_person_id)
            young_person.require_not_erased()
            return action(young_person, CaseContext(self, young_person)), [young_person]

        return self.execute(command, actor, idempotency_key, decide, target=young_person_id)

    # --- enrolment and lifecycle ---------------------------------------------------------------

    def enrol_young_person(
        self,
        actor: Actor,
        *,
        first_name: str,
        last_name: str,
        date_of_birth: date,
        territory: str,
        contact: str | None = None,
        referent_user_id: str | None = None,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def decide() -> Decision:
            if actor.association_id is not None:
                self.load(Association, actor.association_id, "association_id")
            young_person_id = uuid4()
            now = self.clock()
            with self.vault.new_key(young_person_id) as seal:
                personal = seal_personal_data(
                    seal, first_name, last_name, date_of_birth, contact, today=now.date()
                )
                young_person = YoungPerson.enrol(
                    id=young_person_id,
                    actor=actor,
                    personal=personal,
                    territory=territory,
                    referent_user_id=referent_user_id,
                    occurred_at=occurred_at or now,
                    time=CaseTime(now, date_of_birth),
                )
            return young_person_id, [young_person]

        return self.execute("enrol_young_person", actor, idempotency_key, decide)

    def correct_personal_data(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        first_name: str,
        last_name: str,
        date_of_birth: date,
        contact: str | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            personal = seal_personal_data(
                ctx.seal, first_name, last_name, date_of_birth, contact, today=ctx.now.date()
            )
            yp.correct_personal_data(
                actor=actor,
                personal=personal,
                born_on=date_of_birth,
                occurred_at=ctx.now,
                time=ctx.time,
            )
            return yp.id

        return self.on_case("correct_personal_data", actor, young_person_id, idempotency_key, act)

    def change_referent(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        referent_user_id: str,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.change_referent(
                actor=actor,
                referent_user_id=referent_user_id,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
            )
            return yp.id

        return self.on_case("change_referent", actor, young_person_id, idempotency_key, act)

    def assign_mentor(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        mentor_user_id: str,
        mentor_association_id: UUID,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.assign_mentor(
                actor=actor,
                mentor_user_id=mentor_user_id,
                mentor_association_id=mentor_association_id,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
                partners=ctx.partners,
            )
            return yp.id

        return self.on_case("assign_mentor", actor, young_person_id, idempotency_key, act)

    def unassign_mentor(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        mentor_user_id: str,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.unassign_mentor(
                actor=actor,
                mentor_user_id=mentor_user_id,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
                partners=ctx.partners,
            )
            return yp.id

        return self.on_case("unassign_mentor", actor, young_person_id, idempotency_key, act)

    def close_case(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        reason: str | None = None,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def decide() -> Decision:
            yp = self.young_person(young_person_id)
            yp.require_not_erased()
            programmes = self._programmes_of(yp)
            ctx = CaseContext(self, yp)
            yp.close_case(
                actor=actor,
                reason=reason,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
                seal=ctx.seal,
            )
            return yp.id, [yp, *self._released(programmes, actor, young_person_id)]

        return self.execute("close_case", actor, idempotency_key, decide, target=young_person_id)

    def _programmes_of(self, young_person: YoungPerson) -> list[Programme]:
        """The programmes whose places the young person holds, loaded before a command that
        leaves them all (a closure, an erasure) decides."""
        return [self.load(Programme, p, "programme_id") for p in young_person.programme_ids]

    @staticmethod
    def _released(
        programmes: list[Programme], actor: Actor, young_person_id: UUID
    ) -> list[Programme]:
        """The programmes, each with the young person's place released."""
        for programme in programmes:
            programme.release(actor=actor, young_person_id=young_person_id)
        return programmes

    def reopen_case(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.reopen_case(actor=actor, occurred_at=occurred_at or ctx.now, time=ctx.time)
            return yp.id

        return self.on_case("reopen_case", actor, young_person_id, idempotency_key, act)

    # --- erasure -------------------------------------------------------------------------------

    def erase_young_person(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        reason: str,
        idempotency_key: str | None = None,
    ) -> UUID:
        """Records the erasure, then destroys the young person's key (see `CaseErasure`). The
        places the young person held in programmes are released in the same commit.

        The reason is sealed with a key of the erasure's own, which survives: it documents the
        request without being personal data of the erased person.
        """

        def decide() -> Decision:
            young_person = self.young_person(young_person_id)
            young_person.require_eraser(actor)  # before ERASED: a worker is told they may not
            if young_person.erased_at is not None:
                raise RuleViolation("the young person's data was erased", code="ERASED")
            programmes = self._programmes_of(young_person)
            with self.vault.new_key(uuid4()) as seal:
                reason_sealed = seal_text(seal, reason, "reason", SHORT_TEXT)
                young_person.erase(actor=actor, reason=reason_sealed, now=self.clock())
            released = self._released(programmes, actor, young_person_id)
            return young_person_id, [young_person, *released]

        if self._finish_erasure(actor, young_person_id):
            return young_person_id
        outcome = self.execute(
            "erase_young_person", actor, idempotency_key, decide, target=young_person_id
        )
        self.forget(young_person_id)
        return outcome

    def forget(self, young_person_id: UUID) -> bool:
        """What an erasure removes besides recording it: the fingerprints of the commands'
        arguments in their receipts (a name and a date of birth, hashed, would let a guess be
        confirmed), then the key. In that order, so that asking again after a failure finishes
        both. Whether a key was destroyed."""
        self.receipts.forget_fingerprints(young_person_id)
        return self.vault.destroy_key(young_person_id)

    def _finish_erasure(self, actor: Actor, young_person_id: UUID) -> bool:
        """Whether this was an erasure left unfinished — its event saved, its key not destroyed
        (the key store failed right after) — now finished. Asked again, an erasure completes
        instead of being refused as already done while the data can still be read."""
        young_person = self.young_person(young_person_id)
        if young_person.erased_at is None:
            return False
        young_person.require_eraser(actor)
        return self.forget(young_person_id)
