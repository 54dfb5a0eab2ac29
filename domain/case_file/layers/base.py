"""The case file's foundation: enrolment, personal data, involvement and shared checks.

`YoungPerson` is built as a chain of layers, one concern per module (lifecycle, consents, needs,
plan, interventions, referrals, handovers, programmes). Each layer's public methods decide; its
private `@event` methods only assign state. Event topics name the layer that defines them.
"""

from datetime import date, datetime
from typing import Self, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.case_file.case_time import CaseTime
from domain.case_file.consent import Consent
from domain.case_file.handover import Handover
from domain.case_file.intervention import Intervention
from domain.case_file.need import Need
from domain.case_file.personal_data import PersonalData
from domain.case_file.plan import Goal
from domain.case_file.referral import Referral
from domain.errors import InvalidInput, NotFound, NotPermitted, RuleViolation
from domain.rules import SHORT_TEXT, require_range, require_text, require_user_id

NO_PARTNERS: frozenset[UUID] = frozenset()
T = TypeVar("T")


class CaseFile(Aggregate):
    @classmethod
    def enrol(
        cls,
        *,
        id: UUID,
        actor: Actor,
        personal: PersonalData,
        territory: str,
        referent_user_id: str | None,
        occurred_at: datetime,
        time: CaseTime,
    ) -> Self:
        if actor.association_id is None:
            raise NotPermitted("only a worker of an association may enrol a young person")
        time.occurred(occurred_at)
        return cls(
            id=id,
            actor=actor,
            personal=personal,
            territory=require_text(territory, "territory", SHORT_TEXT),
            lead_association_id=actor.association_id,
            referent_user_id=require_user_id(
                actor.user_id if referent_user_id is None else referent_user_id, "referent_user_id"
            ),
            occurred_at=occurred_at,
        )

    @event("Enrolled")
    def __init__(
        self,
        *,
        id: UUID,
        actor: Actor,
        personal: PersonalData,
        territory: str,
        lead_association_id: UUID,
        referent_user_id: str,
        occurred_at: datetime,
    ) -> None:
        self.personal = personal
        self.territory = territory
        self.lead_association_id = lead_association_id
        self.referent_user_id = referent_user_id
        self.enrolled_at = occurred_at
        self.closed_at: datetime | None = None
        self.erased_at: datetime | None = None
        self.mentors: dict[str, UUID] = {}
        self.consents: dict[str, Consent] = {}
        self.needs: dict[str, Need] = {}
        self.plan_agreed_at: datetime | None = None
        self.goals: dict[str, Goal] = {}
        self.interventions: dict[str, Intervention] = {}
        self.referrals: dict[str, Referral] = {}
        self.handovers: dict[str, Handover] = {}
        self.programmes: dict[str, datetime] = {}

    def correct_personal_data(
        self,
        *,
        actor: Actor,
        personal: PersonalData,
        born_on: date,
        occurred_at: datetime,
        time: CaseTime,
    ) -> None:
        """`born_on` is the corrected date of birth in clear (`personal` holds it sealed): no
        fact the case file already holds may come to lie before the birth."""
        self._require_lead(actor)
        self.require_not_erased()
        earliest = self.earliest_fact().date()
        if born_on > earliest:
            raise InvalidInput(
                "date_of_birth must not be after a fact already recorded for the young person"
                f" (the earliest, on {earliest.isoformat()})",
                field="date_of_birth",
            )
        self._personal_data_corrected(
            actor=actor, personal=personal, occurred_at=time.occurred(occurred_at)
        )

    @event("PersonalDataCorrected")
    def _personal_data_corrected(
        self, actor: Actor, personal: PersonalData, occurred_at: datetime
    ) -> None:
        self.personal = personal

    def earliest_fact(self) -> datetime:
        """The business time of the earliest fact the case file holds."""
        dated = [
            self.enrolled_at,
            *(i.occurred_at for i in self.interventions.values()),
            *(n.identified_at for n in self.needs.values()),
            *(g.added_at for g in self.goals.values()),
            *(r.made_at for r in self.referrals.values()),
            *(c.given_at for c in self.consents.values()),
            *(h.proposed_at for h in self.handovers.values()),
            *self.programmes.values(),
        ]
        return min(dated)

    def involved_associations(self, partners: frozenset[UUID] = NO_PARTNERS) -> frozenset[UUID]:
        """Who is involved now, per DESIGN.md; `partners` are those of enrolled programmes."""
        involved = {self.lead_association_id, *partners}
        involved.update(r.to_association for r in self.referrals.values() if r.is_open)
        involved.update(h.to_association for h in self.handovers.values() if h.is_pending)
        return frozenset(involved)

    @property
    def programme_ids(self) -> tuple[UUID, ...]:
        return tuple(UUID(key) for key in self.programmes)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def _require_lead(self, actor: Actor) -> None:
        if not actor.acts_for(self.lead_association_id):
            raise NotPermitted("only the lead association may do this")

    def _require_involved(self, actor: Actor, partners: frozenset[UUID]) -> None:
        if actor.association_id not in self.involved_associations(partners):
            raise NotPermitted("the association is not involved with this young person")

    def _require_open(self) -> None:
        self.require_not_erased()
        if self.closed_at is not None:
            raise RuleViolation("the case is closed: reopen it first", code="CASE_CLOSED")

    def require_not_erased(self) -> None:
        """An erased case takes no new fact. The ledger asks before every command on a case
        (`CaseFileCommands.on_case`), so a command that seals nothing is refused as well."""
        if self.erased_at is not None:
            raise RuleViolation("the young person's data was erased", code="ERASED")

    @staticmethod
    def _find(items: dict[str, T], item_id: UUID, field: str) -> T:
        try:
            return items[str(item_id)]
        except KeyError:
            what = field.removesuffix("_id")
            raise NotFound(f"no such {what} in this case file", field=field) from None


def association_of(actor: Actor) -> UUID:
    assert actor.association_id is not None, "decided before the event: actor acts for one"
    return actor.association_id


def acts_for_any(actor: Actor, associations: frozenset[UUID]) -> bool:
    return actor.association_id is not None and actor.association_id in associations


def checked_duration(minutes: int | None) -> int | None:
    return None if minutes is None else require_range(minutes, "duration_minutes", 1, 24 * 60)
