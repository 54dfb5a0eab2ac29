"""Properties over random command sequences: one lead, lawful referral moves, replay equals live.

Each example builds its own network (hypothesis does not reset function-scoped fixtures). Every
command is predicted by a small model of DESIGN.md; the ledger must agree with the model, and a
refused command must record nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from hypothesis import event, given, settings
from hypothesis import strategies as st

from domain.actor import Actor
from domain.case_file.young_person import YoungPerson
from domain.errors import DomainError
from domain.vocabulary import (
    ConsentGiver,
    DeclineReason,
    Domain,
    HandoverStatus,
    ReferralStatus,
    Sensitivity,
)
from tests.domain.givens import (
    EXPIRY_DAYS,
    LiveLedger,
    case_of,
    fresh_network,
    programme,
    programme_of,
    replayed,
)
from tests.support import Network

S = ReferralStatus
LETTERS = ("a", "b", "c")
# DESIGN.md, "referral": MADE → ACCEPTED → COMPLETED, MADE → DECLINED, MADE|ACCEPTED → WITHDRAWN,
# MADE → EXPIRED. Written out here, not imported, so the domain cannot grade its own homework.
LAWFUL_MOVES = {
    (S.MADE, S.ACCEPTED),
    (S.ACCEPTED, S.COMPLETED),
    (S.MADE, S.DECLINED),
    (S.MADE, S.WITHDRAWN),
    (S.ACCEPTED, S.WITHDRAWN),
    (S.MADE, S.EXPIRED),
}
SETTINGS = settings(max_examples=50, deadline=None)


def association(network: Network, letter: str) -> UUID:
    found: UUID = getattr(network, letter)
    return found


def worker(network: Network, letter: str) -> Actor:
    found: Actor = getattr(network, f"worker_{letter}")
    return found


def attempt(network: Network, command: Callable[[], object]) -> bool:
    """Runs a command; True if it was recorded, False if refused (and then nothing was)."""
    before = network.position()
    try:
        command()
    except DomainError:
        assert network.position() == before, "a refused command recorded something"
        return False
    return True


# --- (1) exactly one lead ------------------------------------------------------------------------


@dataclass
class Handovers:
    """The model: who leads, the one pending handover (from, to) if any, the last proposed."""

    network: Network
    young_person: UUID
    lead: str = "a"
    last_accepted_target: str = "a"
    pending: tuple[str, str] | None = None
    last: UUID | None = None

    def propose(self, by: str, to: str) -> None:
        network, proposed = self.network, []
        expected = by == self.lead and to != self.lead and self.pending is None

        def command() -> None:
            proposed.append(
                network.ledger.propose_handover(
                    worker(network, by),
                    self.young_person,
                    to_association_id=association(network, to),
                )
            )

        assert attempt(network, command) == expected, ("propose", by, to, self)
        if expected:
            self.last, self.pending = proposed[0], (by, to)

    def answer(self, verb: str, by: str) -> None:
        if self.last is None:
            return
        ledger, actor, handover = self.network.ledger, worker(self.network, by), self.last
        party = None if self.pending is None else self.pending[0 if verb == "cancel" else 1]
        expected = by == party

        def command() -> None:
            if verb == "accept":
                ledger.accept_handover(actor, self.young_person, handover_id=handover)
            else:
                status = HandoverStatus.DECLINED if verb == "decline" else HandoverStatus.CANCELLED
                ledger.end_handover(actor, self.young_person, handover_id=handover, status=status)

        assert attempt(self.network, command) == expected, (verb, by, self)
        if expected:
            event(f"handover: {verb}")
        if expected and verb == "accept":
            assert self.pending is not None
            self.lead = self.last_accepted_target = self.pending[1]
        if expected:
            self.pending = None


WHO = st.sampled_from(["party", "party", "a", "b", "c"])
"""An actor: a letter, or "party", the one DESIGN.md names for the move (so moves happen often)."""

handover_steps = st.lists(
    st.tuples(
        st.sampled_from(["propose", "propose", "accept", "decline", "cancel"]),
        WHO,
        st.sampled_from(LETTERS),
    ),
    min_size=8,
    max_size=30,
)


@SETTINGS
@given(handover_steps)
def test_a_case_always_has_exactly_one_lead(steps: list[tuple[str, str, str]]) -> None:
    network = fresh_network()
    model = Handovers(network, network.enrol())

    for verb, who, to in steps:
        if verb == "propose":
            model.propose(model.lead if who == "party" else who, to)
        else:
            pending = model.pending or ("a", "b")  # nothing pending: any actor is refused
            party = pending[0 if verb == "cancel" else 1]
            model.answer(verb, party if who == "party" else who)

        case = case_of(network, model.young_person)
        assert case.lead_association_id == association(network, model.last_accepted_target)
        assert case.referent_user_id == worker(network, model.lead).user_id
        assert sum(h.is_pending for h in case.handovers.values()) == (model.pending is not None)


# --- (2) lawful referral moves ------------------------------------------------------------------


@dataclass
class ReferralModel:
    sender: str
    addressee: str
    made_at: datetime
    status: S = S.MADE


@dataclass
class Referrals:
    network: Network
    young_person: UUID
    known: dict[UUID, ReferralModel] = field(default_factory=dict)

    def involved(self) -> set[str]:
        open_ = {r.addressee for r in self.known.values() if r.status in (S.MADE, S.ACCEPTED)}
        return {"a"} | open_

    def statuses(self) -> dict[UUID, S]:
        case = case_of(self.network, self.young_person)
        return {UUID(key): referral.status for key, referral in case.referrals.items()}

    def make(self, by: str, to: str) -> None:
        network, made = self.network, []
        expected = by in self.involved() and by != to

        def command() -> None:
            made.append(
                network.ledger.make_referral(
                    worker(network, by),
                    self.young_person,
                    to_association_id=association(network, to),
                    domain=Domain.HOUSING,
                )
            )

        assert attempt(network, command) == expected, ("make", by, to)
        if expected:
            self.known[made[0]] = ReferralModel(by, to, network.clock.now)

    def move(self, verb: str, who: str, pick: int) -> None:
        if not self.known:
            return
        referral_id = list(self.known)[pick % len(self.known)]
        referral = self.known[referral_id]
        party = referral.sender if verb == "withdraw" else referral.addressee
        by = party if who == "party" else who
        before = self.statuses()
        target, expected, command = referral_move(
            self.network, self.young_person, verb, worker(self.network, by), referral, referral_id
        )
        position = self.network.position()

        assert attempt(self.network, command) == expected, (verb, by, referral)

        after = self.statuses()
        if expected and target is not referral.status:
            assert (referral.status, after[referral_id]) in LAWFUL_MOVES
            assert after[referral_id] is target
            referral.status = target
            event(f"referral: {target.value}")
        else:
            assert after == before
            assert self.network.position() == position  # a retried expiry: no new fact


referral_steps = st.lists(
    st.tuples(
        st.sampled_from(["make", "accept", "decline", "withdraw", "complete", "expire", "wait"]),
        WHO,
        st.sampled_from(LETTERS),
        st.integers(min_value=0, max_value=7),
    ),
    min_size=8,
    max_size=30,
)


@SETTINGS
@given(referral_steps)
def test_a_referral_only_ever_moves_as_design_allows(
    steps: list[tuple[str, str, str, int]],
) -> None:
    network = fresh_network()
    model = Referrals(network, network.enrol())
    model.make("a", "b")

    for verb, who, to, pick in steps:
        if verb == "wait":
            network.clock.advance(days=pick * 6)
        elif verb == "make":
            model.make("a" if who == "party" else who, to)
        else:
            model.move(verb, who, pick)
        assert {k: m.status for k, m in model.known.items()} == model.statuses()


def referral_move(
    network: Network,
    young_person: UUID,
    verb: str,
    actor: Actor,
    referral: ReferralModel,
    referral_id: UUID,
) -> tuple[S, bool, Callable[[], object]]:
    """What the verb asks for, whether DESIGN.md allows it now, and the ledger command."""
    ledger, by = network.ledger, actor.association_id
    is_sender = by == association(network, referral.sender)
    is_addressee = by == association(network, referral.addressee)
    status = referral.status
    if verb == "accept":
        return (
            S.ACCEPTED,
            status is S.MADE and is_addressee,
            lambda: ledger.accept_referral(actor, young_person, referral_id=referral_id),
        )
    if verb == "decline":
        return (
            S.DECLINED,
            status is S.MADE and is_addressee,
            lambda: ledger.decline_referral(
                actor, young_person, referral_id=referral_id, reason=DeclineReason.DUPLICATE
            ),
        )
    if verb == "withdraw":
        return (
            S.WITHDRAWN,
            status in (S.MADE, S.ACCEPTED) and is_sender,
            lambda: ledger.withdraw_referral(actor, young_person, referral_id=referral_id),
        )
    if verb == "complete":
        return (
            S.COMPLETED,
            status is S.ACCEPTED and is_addressee,
            lambda: ledger.complete_referral(actor, young_person, referral_id=referral_id),
        )
    due = (network.clock.now - referral.made_at).days >= EXPIRY_DAYS
    # A second run of the expiry policy is a retry of the first: answered, nothing recorded.
    return (
        S.EXPIRED,
        (status is S.MADE and due) or status is S.EXPIRED,
        lambda: ledger.expire_referral(
            young_person, referral_id=referral_id, expiry_days=EXPIRY_DAYS
        ),
    )


# --- (3) replay equals live ---------------------------------------------------------------------

CASE_VERBS = (
    "intervene",
    "amend",
    "retract",
    "need",
    "consent",
    "refer",
    "accept_referral",
    "complete_referral",
    "propose",
    "accept_handover",
    "plan",
    "goal",
    "review",
    "close",
    "reopen",
    "programme",
    "referent",
)
case_steps = st.lists(
    st.tuples(
        st.sampled_from(CASE_VERBS),
        WHO,
        st.integers(min_value=0, max_value=9),
    ),
    min_size=8,
    max_size=30,
)


def party_to(network: Network, young_person: UUID, verb: str, last: dict[str, UUID]) -> str:
    """The association a verb is for: the addressee of an answer, the lead otherwise."""
    case = case_of(network, young_person)
    chosen = case.lead_association_id
    if verb in ("accept_referral", "complete_referral") and "refer" in last:
        chosen = case.referral(last["refer"]).to_association
    if verb == "accept_handover" and "propose" in last:
        chosen = case.handover(last["propose"]).to_association
    return next(letter for letter in LETTERS if association(network, letter) == chosen)


def run_case_step(
    network: Network, young_person: UUID, last: dict[str, UUID], step: tuple[str, str, int]
) -> None:
    verb, who, n = step
    by = party_to(network, young_person, verb, last) if who == "party" else who
    ledger, actor = network.ledger, worker(network, by)
    other = association(network, LETTERS[(LETTERS.index(by) + 1 + n % 2) % 3])
    now = network.clock.now
    commands: dict[str, Any] = {
        "intervene": lambda: ledger.record_intervention(
            actor,
            young_person,
            domain=list(Domain)[n],
            kind="workshop",
            occurred_at=now - timedelta(days=n),
            duration_minutes=n * 10 or None,
            summary=f"Session {n}",
            programme_id=last.get("programme") if n % 2 else None,
        ),
        "amend": lambda: ledger.amend_intervention(
            actor, young_person, intervention_id=last["intervene"], summary="Fixed.", reason="Typo"
        ),
        "retract": lambda: ledger.retract_intervention(
            actor, young_person, intervention_id=last["intervene"], reason="Wrong file."
        ),
        "need": lambda: ledger.identify_need(
            actor, young_person, domain=list(Domain)[n], severity=n % 6, description="Needs help"
        ),
        "consent": lambda: ledger.give_consent(
            actor,
            young_person,
            sensitivities=tuple(list(Sensitivity)[: n % 4]),
            purpose="Follow-up.",
            given_by=ConsentGiver.GUARDIAN,
            recipients=(other,) if n % 2 else None,
            expires_on=now.date() + timedelta(days=n * 30) if n else None,
        ),
        "refer": lambda: ledger.make_referral(
            actor, young_person, to_association_id=other, domain=list(Domain)[n], reason="See you"
        ),
        "accept_referral": lambda: ledger.accept_referral(
            actor, young_person, referral_id=last["refer"]
        ),
        "complete_referral": lambda: ledger.complete_referral(
            actor, young_person, referral_id=last["refer"], outcome="Housed."
        ),
        "propose": lambda: ledger.propose_handover(
            actor, young_person, to_association_id=other, summary="Moving."
        ),
        "accept_handover": lambda: ledger.accept_handover(
            actor, young_person, handover_id=last["propose"]
        ),
        "plan": lambda: ledger.agree_action_plan(actor, young_person),
        "goal": lambda: ledger.add_goal(
            actor,
            young_person,
            domain=list(Domain)[n],
            description="A goal.",
            target_date=now.date() + timedelta(days=n) if n else None,
        ),
        "review": lambda: ledger.review_goal(
            actor, young_person, goal_id=last["goal"], progress=n * 11
        ),
        "close": lambda: ledger.close_case(actor, young_person, reason="Done." if n else None),
        "reopen": lambda: ledger.reopen_case(actor, young_person),
        "programme": lambda: ledger.enrol_in_programme(
            actor, young_person, programme_id=last["passerelle"]
        ),
        "referent": lambda: ledger.change_referent(
            actor, young_person, referent_user_id=f"worker-{by}-{n}"
        ),
    }
    try:
        outcome = commands[verb]()
    except (DomainError, KeyError):
        return
    last[verb] = outcome
    event(f"case: {verb}")
    if verb == "programme":
        last["programme"] = outcome
    network.clock.advance(minutes=n)


@SETTINGS
@given(case_steps)
def test_replay_equals_live(steps: list[tuple[str, str, int]]) -> None:
    network = fresh_network()
    ledger = network.ledger
    assert isinstance(ledger, LiveLedger)
    young_person = network.enrol(network.worker_a, contact=None)
    last = {
        "passerelle": programme(network, (network.b, network.c), capacity=1),
        "refer": network.ledger.make_referral(
            network.worker_a, young_person, to_association_id=network.c, domain=Domain.HOUSING
        ),
    }

    for step in steps:
        run_case_step(network, young_person, last, step)

    live = ledger.live[young_person]
    assert isinstance(live, YoungPerson)
    assert vars(ledger.young_person(young_person)) == vars(live)
    assert vars(replayed(ledger, young_person)) == vars(live)
    passerelle = last["passerelle"]
    assert vars(programme_of(network, passerelle)) == vars(ledger.live[passerelle])
