"""The simulator's own view of one case file: what it needs to plan the next plausible step.

Kept beside the ledger rather than read back from it, because a story decides hundreds of steps
and loading the aggregate for each choice would double the cost of a run. It only ever records
what the ledger accepted.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from api.simulation.cast import Member
from api.simulation.world import Partner, ProgrammeRun
from domain.vocabulary import Domain, ReferralStatus


@dataclass
class Need:
    id: UUID
    domain: Domain
    tried: list[Partner] = field(default_factory=list)
    """Associations already asked to serve it, so a new referral goes elsewhere."""
    attempts: int = 0
    """Referrals made for it: after a few, the referent stops asking and closes the need."""
    open: bool = True


@dataclass
class Goal:
    id: UUID
    domain: Domain
    progress: int = 0
    open: bool = True


@dataclass
class Referral:
    id: UUID
    need: Need
    sender: Member
    to: Partner
    status: ReferralStatus = ReferralStatus.MADE

    @property
    def is_open(self) -> bool:
        return self.status in (ReferralStatus.MADE, ReferralStatus.ACCEPTED)


@dataclass
class Path:
    id: UUID
    territory: str
    born_on: date
    enrolled_at: datetime
    lead: Partner
    referent: Member
    needs: list[Need] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    consented: set[str] = field(default_factory=set)
    """Sensitivities (by value) with a consent in force."""
    programmes: list[ProgrammeRun] = field(default_factory=list)
    mentors: dict[str, Member] = field(default_factory=dict)
    plan_agreed: bool = False
    handover_pending: bool = False
    closed: bool = False
    identity: tuple[str, str, int] = ("", "", 0)
    """First name, last name and serial: what a correction of personal data must restate."""
    commands: int = 1
    """Commands the ledger accepted for this young person: the richest make good demo stories."""

    def is_minor(self, on: date) -> bool:
        birthday_to_come = (on.month, on.day) < (self.born_on.month, self.born_on.day)
        return on.year - self.born_on.year - birthday_to_come < 18

    def open_needs(self) -> list[Need]:
        return [n for n in self.needs if n.open]

    def open_goals(self) -> list[Goal]:
        return [g for g in self.goals if g.open]

    def open_referrals(self) -> list[Referral]:
        return [r for r in self.referrals if r.is_open]

    def involved(self) -> list[Partner]:
        """Who the ledger counts as involved: lead, open referrals' addressees, partners."""
        found = {self.lead.id: self.lead}
        for referral in self.open_referrals():
            found.setdefault(referral.to.id, referral.to)
        for programme in self.programmes:
            for partner in programme.partners:
                found.setdefault(partner.id, partner)
        return list(found.values())

    def goal_for(self, domain: Domain) -> Goal | None:
        return next((g for g in self.goals if g.open and g.domain is domain), None)
