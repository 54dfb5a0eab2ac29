"""Random but mostly valid command sequences over a small network, for property-based tests."""

import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

from hypothesis import strategies as st

from domain.actor import Actor
from domain.errors import DomainError
from domain.network.programme import Component
from domain.vocabulary import (
    ConsentGiver,
    DeclineReason,
    Domain,
    GoalStatus,
    HandoverStatus,
    Sensitivity,
)
from tests.support import Network

STEPS = (
    "visit",
    "refer",
    "accept",
    "complete",
    "need",
    "consent",
    "propose",
    "accept_handover",
    "enrol",
    "consent",
    "withdraw_consent",
    "need",
    "meet_need",
    "plan",
    "goal",
    "review_goal",
    "visit",
    "amend",
    "retract",
    "refer",
    "accept",
    "decline",
    "complete",
    "withdraw",
    "propose",
    "accept_handover",
    "decline_handover",
    "programme",
    "enrol_programme",
    "leave_programme",
    "close",
    "reopen",
    "join_programme",
    "partner_leaves",
    "competence",
)
steps = st.lists(
    st.tuples(st.sampled_from(STEPS), st.integers(0, 2), st.integers(0, 50)),
    min_size=10,
    max_size=60,
)


class Scenario:
    """Plays steps against the ledger, remembering ids; refused commands are simply skipped."""

    def __init__(self, network: Network) -> None:
        self.n = network
        self.people: list[UUID] = []
        self.ids: dict[str, list[tuple[UUID, UUID]]] = {}
        self.programmes: list[UUID] = []

    def play(self, step: str, who: int, pick: int) -> None:
        with contextlib.suppress(DomainError):
            getattr(self, f"_{step}")(who, pick)

    # helpers --------------------------------------------------------------------------------
    def _actor(self, who: int) -> Actor:
        return (self.n.worker_a, self.n.worker_b, self.n.worker_c)[who]

    def _worker_of(self, association: UUID, who: int) -> Actor:
        """Mostly the right party (so most commands land), sometimes anyone (refusals too)."""
        if who == 2:
            return self._actor(who)
        workers = {self.n.a: self.n.worker_a, self.n.b: self.n.worker_b, self.n.c: self.n.worker_c}
        return workers[association]

    def _lead(self, person: UUID, who: int) -> Actor:
        return self._worker_of(self.n.ledger.young_person(person).lead_association_id, who)

    def _person(self, pick: int) -> UUID:
        if not self.people:
            self._enrol(0, 0)
        return self.people[pick % len(self.people)]

    def _remember(self, kind: str, person: UUID, thing: UUID) -> None:
        self.ids.setdefault(kind, []).append((person, thing))

    def _recall(self, kind: str, pick: int) -> tuple[UUID, UUID]:
        known = self.ids.get(kind)
        if not known:
            raise DomainError("nothing to act on yet")
        return known[pick % len(known)]

    def _when(self, pick: int) -> datetime:
        return self.n.clock.now - timedelta(hours=pick)

    def _on(
        self,
        kind: str,
        who: int,
        pick: int,
        command: Callable[..., UUID],
        party: str = "lead",
        **kw: object,
    ) -> None:
        """Acts on a remembered thing as `party`: the lead, or a side of the thing itself."""
        person, thing = self._recall(kind, pick)
        case = self.n.ledger.young_person(person)
        sides = {
            "lead": case.lead_association_id,
            "to": getattr(getattr(case, f"{kind}s").get(str(thing)), "to_association", None),
            "from": getattr(getattr(case, f"{kind}s").get(str(thing)), "from_association", None),
            "author": getattr(getattr(case, f"{kind}s").get(str(thing)), "association_id", None),
        }
        actor = self._worker_of(sides[party] or case.lead_association_id, who)
        command(actor, person, **{f"{kind}_id": thing}, **kw)

    # steps ----------------------------------------------------------------------------------
    def _enrol(self, who: int, pick: int) -> None:
        self.people.append(self.n.enrol(self._actor(who), occurred_at=self._when(pick + 100)))

    def _consent(self, who: int, pick: int) -> None:
        person = self._person(pick)
        consent = self.n.ledger.give_consent(
            self._lead(person, who),
            person,
            sensitivities=(Sensitivity.HEALTH,),
            purpose="care",
            given_by=ConsentGiver.YOUNG_PERSON,
            recipients=None if pick % 2 else (self.n.b,),
        )
        self._remember("consent", person, consent)

    def _withdraw_consent(self, who: int, pick: int) -> None:
        self._on("consent", who, pick, self.n.ledger.withdraw_consent)

    def _need(self, who: int, pick: int) -> None:
        person = self._person(pick)
        need = self.n.ledger.identify_need(
            self._lead(person, who),
            person,
            domain=list(Domain)[pick % 12],
            severity=1 + pick % 5,
            description="needs help" if pick % 3 else None,
        )
        self._remember("need", person, need)

    def _meet_need(self, who: int, pick: int) -> None:
        self._on("need", who, pick, self.n.ledger.meet_need)

    def _plan(self, who: int, pick: int) -> None:
        person = self._person(pick)
        self.n.ledger.agree_action_plan(self._lead(person, who), person)

    def _goal(self, who: int, pick: int) -> None:
        person = self._person(pick)
        goal = self.n.ledger.add_goal(
            self._lead(person, who), person, domain=Domain.EDUCATION, description="finish school"
        )
        self._remember("goal", person, goal)

    def _review_goal(self, who: int, pick: int) -> None:
        if pick % 4 == 0:
            self._on("goal", who, pick, self.n.ledger.end_goal, status=GoalStatus.ACHIEVED)
        else:
            self._on("goal", who, pick, self.n.ledger.review_goal, progress=pick * 2)

    def _visit(self, who: int, pick: int) -> None:
        person = self._person(pick)
        visit = self.n.ledger.record_intervention(
            self._lead(person, who),
            person,
            domain=list(Domain)[pick % 12],
            kind="visit",
            occurred_at=self._when(pick),
            summary=f"visit {pick}",
        )
        self._remember("intervention", person, visit)

    def _amend(self, who: int, pick: int) -> None:
        self._on(
            "intervention",
            who,
            pick,
            self.n.ledger.amend_intervention,
            party="author",
            summary="amended",
            occurred_at=self._when(pick + 1),
            reason="typo",
        )

    def _retract(self, who: int, pick: int) -> None:
        self._on(
            "intervention",
            who,
            pick,
            self.n.ledger.retract_intervention,
            party="author",
            reason="wrong",
        )

    def _refer(self, who: int, pick: int) -> None:
        person = self._person(pick)
        to = (self.n.a, self.n.b, self.n.c)[(who + 1 + pick) % 3]
        referral = self.n.ledger.make_referral(
            self._lead(person, who), person, to_association_id=to, domain=Domain.HOUSING
        )
        self._remember("referral", person, referral)

    def _accept(self, who: int, pick: int) -> None:
        self._on("referral", who, pick, self.n.ledger.accept_referral, party="to")

    def _decline(self, who: int, pick: int) -> None:
        self._on(
            "referral",
            who,
            pick,
            self.n.ledger.decline_referral,
            party="to",
            reason=list(DeclineReason)[pick % 5],
        )

    def _complete(self, who: int, pick: int) -> None:
        self._on("referral", who, pick, self.n.ledger.complete_referral, party="to")

    def _withdraw(self, who: int, pick: int) -> None:
        self._on("referral", who, pick, self.n.ledger.withdraw_referral, party="from")

    def _propose(self, who: int, pick: int) -> None:
        person = self._person(pick)
        to = (self.n.a, self.n.b, self.n.c)[(who + 1 + pick) % 3]
        handover = self.n.ledger.propose_handover(
            self._lead(person, who), person, to_association_id=to
        )
        self._remember("handover", person, handover)

    def _accept_handover(self, who: int, pick: int) -> None:
        self._on("handover", who, pick, self.n.ledger.accept_handover, party="to")

    def _decline_handover(self, who: int, pick: int) -> None:
        status = HandoverStatus.DECLINED if pick % 2 else HandoverStatus.CANCELLED
        party = "to" if status is HandoverStatus.DECLINED else "from"
        self._on("handover", who, pick, self.n.ledger.end_handover, party=party, status=status)

    def _programme(self, who: int, pick: int) -> None:
        partner = (self.n.a, self.n.b, self.n.c)[who]
        self.programmes.append(
            self.n.ledger.launch_programme(
                self.n.admin,
                name=f"programme {pick}",
                components=(Component(partner, Domain.MENTORING),),
                capacity=1 + pick % 3,
            )
        )

    def _programme_id(self, pick: int) -> UUID:
        if not self.programmes:
            raise DomainError("no programme yet")
        return self.programmes[pick % len(self.programmes)]

    def _enrol_programme(self, who: int, pick: int) -> None:
        person = self._person(pick)
        self.n.ledger.enrol_in_programme(
            self._lead(person, who), person, programme_id=self._programme_id(pick)
        )

    def _leave_programme(self, who: int, pick: int) -> None:
        person = self._person(pick)
        self.n.ledger.leave_programme(
            self._lead(person, who), person, programme_id=self._programme_id(pick)
        )

    def _join_programme(self, who: int, pick: int) -> None:
        association = (self.n.a, self.n.b, self.n.c)[who]
        self.n.ledger.join_programme(
            self.n.admin,
            self._programme_id(pick),
            association_id=association,
            domains=(Domain.LEISURE_CULTURE_SPORT,),
        )

    def _partner_leaves(self, who: int, pick: int) -> None:
        association = (self.n.a, self.n.b, self.n.c)[who]
        self.n.ledger.leave_partnership(
            self.n.admin, self._programme_id(pick), association_id=association
        )

    def _close(self, who: int, pick: int) -> None:
        if pick % 7 != 3:  # closing blocks most other steps: keep it rare
            raise DomainError("not this time")
        person = self._person(pick)
        self.n.ledger.close_case(self._lead(person, who), person, reason="moved away")

    def _reopen(self, who: int, pick: int) -> None:
        person = self._person(pick)
        self.n.ledger.reopen_case(self._lead(person, who), person)

    def _competence(self, who: int, pick: int) -> None:
        from domain.network.association import competence  # noqa: PLC0415

        association = (self.n.a, self.n.b, self.n.c)[who]
        self.n.ledger.declare_competence(
            self.n.admin, association, competence=competence(list(Domain)[pick % 12], pick, None)
        )
