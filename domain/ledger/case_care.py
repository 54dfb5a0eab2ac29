"""Commands on the care a case file records: consents, needs, the action plan, programmes."""

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from domain.actor import Actor
from domain.case_file.case_time import CaseTime
from domain.case_file.young_person import YoungPerson
from domain.ledger.case_context import CaseContext
from domain.ledger.case_files import CaseFileCommands
from domain.ledger.group_commit import Decision
from domain.network.association import Association
from domain.network.programme import Programme
from domain.vocabulary import ConsentGiver, Domain, GoalStatus, Sensitivity


class CaseCareCommands(CaseFileCommands):
    # --- consents ------------------------------------------------------------------------------

    def give_consent(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        sensitivities: tuple[Sensitivity, ...],
        purpose: str,
        given_by: ConsentGiver,
        recipients: tuple[UUID, ...] | None = None,
        expires_on: date | None = None,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            for index, association_id in enumerate(recipients or ()):
                self.load(Association, association_id, f"association_ids[{index}]")
            consent_id = uuid4()
            yp.give_consent(
                actor=actor,
                consent_id=consent_id,
                sensitivities=sensitivities,
                recipients=recipients,
                purpose=purpose,
                given_by=given_by,
                expires_on=expires_on,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
                seal=ctx.seal,
            )
            return consent_id

        return self.on_case("give_consent", actor, young_person_id, idempotency_key, act)

    def withdraw_consent(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        consent_id: UUID,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.withdraw_consent(
                actor=actor,
                consent_id=consent_id,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
                partners=ctx.partners,
            )
            return consent_id

        return self.on_case("withdraw_consent", actor, young_person_id, idempotency_key, act)

    # --- needs and plan ------------------------------------------------------------------------

    def identify_need(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        domain: Domain,
        severity: int,
        description: str | None = None,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            need_id = uuid4()
            yp.identify_need(
                actor=actor,
                need_id=need_id,
                domain=domain,
                severity=severity,
                description=description,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
                seal=ctx.seal,
                partners=ctx.partners,
            )
            return need_id

        return self.on_case("identify_need", actor, young_person_id, idempotency_key, act)

    def meet_need(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        need_id: UUID,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.meet_need(
                actor=actor,
                need_id=need_id,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
                partners=ctx.partners,
            )
            return need_id

        return self.on_case("meet_need", actor, young_person_id, idempotency_key, act)

    def close_need(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        need_id: UUID,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.close_need(
                actor=actor,
                need_id=need_id,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
                partners=ctx.partners,
            )
            return need_id

        return self.on_case("close_need", actor, young_person_id, idempotency_key, act)

    def agree_action_plan(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.agree_action_plan(actor=actor, occurred_at=occurred_at or ctx.now, time=ctx.time)
            return yp.id

        return self.on_case("agree_action_plan", actor, young_person_id, idempotency_key, act)

    def add_goal(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        domain: Domain,
        description: str,
        target_date: date | None = None,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            goal_id = uuid4()
            yp.add_goal(
                actor=actor,
                goal_id=goal_id,
                domain=domain,
                description=description,
                target_date=target_date,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
                seal=ctx.seal,
                partners=ctx.partners,
            )
            return goal_id

        return self.on_case("add_goal", actor, young_person_id, idempotency_key, act)

    def review_goal(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        goal_id: UUID,
        progress: int,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.review_goal(
                actor=actor,
                goal_id=goal_id,
                progress=progress,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
                partners=ctx.partners,
            )
            return goal_id

        return self.on_case("review_goal", actor, young_person_id, idempotency_key, act)

    def end_goal(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        goal_id: UUID,
        status: GoalStatus,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def act(yp: YoungPerson, ctx: CaseContext) -> UUID:
            yp.end_goal(
                actor=actor,
                goal_id=goal_id,
                status=status,
                occurred_at=occurred_at or ctx.now,
                time=ctx.time,
                partners=ctx.partners,
            )
            return goal_id

        return self.on_case("end_goal", actor, young_person_id, idempotency_key, act)

    # --- programmes ----------------------------------------------------------------------------

    def enrol_in_programme(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        programme_id: UUID,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        """The case file and the programme's places change together, or not at all."""

        def decide() -> Decision:
            young_person = self.young_person(young_person_id)
            programme = self.load(Programme, programme_id, "programme_id")
            now = self.clock()
            young_person.enrol_in_programme(
                actor=actor,
                programme_id=programme_id,
                programme_partners=programme.partner_set,
                occurred_at=occurred_at or now,
                time=CaseTime(now, self.born_on(young_person)),
                partners=self.programme_partners(young_person),
            )
            on = (occurred_at or now).astimezone(UTC).date()
            programme.admit(actor=actor, young_person_id=young_person_id, on=on)
            return programme_id, [young_person, programme]

        return self.execute(
            "enrol_in_programme", actor, idempotency_key, decide, target=young_person_id
        )

    def leave_programme(
        self,
        actor: Actor,
        young_person_id: UUID,
        *,
        programme_id: UUID,
        occurred_at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def decide() -> Decision:
            young_person = self.young_person(young_person_id)
            programme = self.load(Programme, programme_id, "programme_id")
            now = self.clock()
            young_person.leave_programme(
                actor=actor,
                programme_id=programme_id,
                programme_partners=programme.partner_set,
                occurred_at=occurred_at or now,
                time=CaseTime(now, self.born_on(young_person)),
            )
            programme.release(actor=actor, young_person_id=young_person_id)
            return programme_id, [young_person, programme]

        return self.execute(
            "leave_programme", actor, idempotency_key, decide, target=young_person_id
        )
