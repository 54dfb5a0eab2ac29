"""The base of every story: acting through the ledger for one young person, and consents.

A story is built in layers like the case file it feeds (base, referrals, episodes, the path
itself), one concern per module; this one holds what all of them need: who acts, recording an
intervention, and giving or withdrawing the consents a sensitive referral needs first.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import TypeVar
from uuid import UUID

from api.simulation import texts
from api.simulation.cast import Member
from api.simulation.path import Path
from api.simulation.run import Run
from api.simulation.world import Partner, ProgrammeRun
from domain.ledger import Ledger
from domain.vocabulary import ConsentGiver, Domain, Sensitivity

T = TypeVar("T")
LATE_ENTRY = 0.12
"""Share of interventions typed in a few days after they happened: late entries are normal."""
AMENDED = 0.03
RETRACTED = 0.01
CONSENT_WITHDRAWN = 0.08


class StoryBase:
    def __init__(self, run: Run, path: Path) -> None:
        self.run = run
        self.path = path

    @property
    def ledger(self) -> Ledger:
        return self.run.ledger

    def act(self, command: str, call: Callable[[], T]) -> T | None:
        done = self.run.attempt(command, call)
        if done is not None:
            self.path.commands += 1
        return done

    def worker_of(self, partner: Partner) -> Member:
        return self.run.rng.choice(partner.workers)

    def record(
        self,
        member: Member,
        domain: Domain,
        *,
        need_id: UUID | None = None,
        programme: ProgrammeRun | None = None,
        kind: str | None = None,
        summary: str | None = None,
    ) -> UUID | None:
        """One intervention, sometimes entered late, sometimes corrected afterwards."""
        rng, path = self.run.rng, self.path
        drawn_kind, minutes, drawn_summary = texts.intervention(rng, domain)
        occurred_at = self.run.now
        if self.run.chance(LATE_ENTRY):
            occurred_at = max(path.enrolled_at, occurred_at - timedelta(days=rng.randint(1, 4)))
        goal = path.goal_for(domain)
        intervention_id = self.act(
            "record_intervention",
            lambda: self.ledger.record_intervention(
                member.actor,
                path.id,
                domain=domain,
                kind=kind or drawn_kind,
                occurred_at=occurred_at,
                duration_minutes=minutes,
                summary=summary or drawn_summary,
                goal_id=None if goal is None else goal.id,
                need_id=need_id,
                programme_id=None if programme is None else programme.id,
            ),
        )
        if intervention_id is not None:
            if self.run.chance(AMENDED):
                self.run.later(1, 5, partial(self._amend, member, intervention_id, domain))
            elif self.run.chance(RETRACTED):
                self.run.later(0, 2, partial(self._retract, member, intervention_id))
        return intervention_id

    def _amend(self, member: Member, intervention_id: UUID, domain: Domain) -> None:
        _, minutes, summary = texts.intervention(self.run.rng, domain)
        if self.act(
            "amend_intervention",
            lambda: self.ledger.amend_intervention(
                member.actor,
                self.path.id,
                intervention_id=intervention_id,
                reason=texts.AMENDMENT_REASON,
                summary=summary,
                duration_minutes=minutes,
            ),
        ):
            self.run.note("intervention amended")

    def _retract(self, member: Member, intervention_id: UUID) -> None:
        if self.act(
            "retract_intervention",
            lambda: self.ledger.retract_intervention(
                member.actor,
                self.path.id,
                intervention_id=intervention_id,
                reason=texts.RETRACTION_REASON,
            ),
        ):
            self.run.note("intervention retracted")

    # --- consents ------------------------------------------------------------------------------

    def consent(self, sensitivity: Sensitivity, recipient: Partner | None = None) -> None:
        """The young person (or, for a minor, often a guardian) agrees to share; rarely revoked."""
        path, rng = self.path, self.run.rng
        today = self.run.now.date()
        minor = path.is_minor(today)
        giver = ConsentGiver.GUARDIAN if minor and rng.random() < 0.7 else ConsentGiver.YOUNG_PERSON
        consent_id = self.act(
            "give_consent",
            lambda: self.ledger.give_consent(
                path.referent.actor,
                path.id,
                sensitivities=(sensitivity,),
                purpose=texts.CONSENT_PURPOSES[sensitivity],
                given_by=giver,
                recipients=None if recipient is None else (recipient.id,),
                expires_on=today + timedelta(days=rng.choice((365, 548, 730))),
            ),
        )
        if consent_id is None:
            return
        path.consented.add(sensitivity.value)
        named = "named" if recipient is not None else "all involved"
        self.run.note(f"consent {sensitivity.value} ({named})")
        if self.run.chance(CONSENT_WITHDRAWN):
            self.run.later(30, 180, partial(self._withdraw_consent, consent_id, sensitivity))

    def ensure_consent(self, domain: Domain, recipient: Partner) -> None:
        """Sensitive information goes nowhere without a consent of that sensitivity."""
        sensitivity = domain.sensitivity
        if sensitivity is Sensitivity.GENERAL or sensitivity.value in self.path.consented:
            return
        self.consent(sensitivity, recipient if self.run.chance(0.6) else None)

    def _withdraw_consent(self, consent_id: UUID, sensitivity: Sensitivity) -> None:
        path = self.path
        if self.act(
            "withdraw_consent",
            lambda: self.ledger.withdraw_consent(
                path.referent.actor, path.id, consent_id=consent_id
            ),
        ):
            path.consented.discard(sensitivity.value)
            self.run.note(f"consent {sensitivity.value} withdrawn")
