"""A need served by another association: referral, answer, service, completion or not.

The addressee answers within days, as its declared capacities allow: a service whose monthly
intake in that domain is used up declines AT_CAPACITY, and the referent asks again next month.
Some referrals go unanswered and the ledger expires them after the configured delay; some are
withdrawn by the sender; the rest are accepted, served over weeks, and completed.
"""

from datetime import date, datetime, timedelta
from functools import partial

from api.simulation import texts
from api.simulation.agenda import working_moment
from api.simulation.path import Need, Referral
from api.simulation.run import Run
from api.simulation.steps import StoryBase
from api.simulation.world import Partner
from domain.vocabulary import DeclineReason, ReferralStatus

UNANSWERED = 0.05
WITHDRAWN_BEFORE_ANSWER = 0.04
DUPLICATED = 0.03
DROPPED_OUT = 0.07
SLOW_ANSWER = 0.15
OUT_OF_AREA = 0.2
NOT_ELIGIBLE = 0.05
OTHER_DECLINE = 0.015
MAX_REFERRALS_PER_NEED = 4


class ReferralSteps(StoryBase):
    def route(self, need: Need) -> None:
        """The lead serves what it is competent for; it refers the rest."""
        if self.path.lead.serves(need.domain):
            self.serve_in_house(need, self.run.rng.randint(3, 6))
        else:
            self.refer(need)

    def serve_in_house(self, need: Need, sessions: int) -> None:
        if self.path.closed or not need.open:
            return
        self.record(self.path.referent, need.domain, need_id=need.id)
        if sessions > 1:
            self.run.later(10, 21, partial(self.serve_in_house, need, sessions - 1))
        else:
            self.run.later(1, 7, partial(self.meet_need, need))

    def refer(self, need: Need) -> None:
        path, run = self.path, self.run
        if path.closed or not need.open:
            return
        candidates = [
            p
            for p in run.world.providers(need.domain)
            if p.id != path.lead.id and p not in need.tried
        ]
        if not candidates or need.attempts >= MAX_REFERRALS_PER_NEED:
            self._no_provider(need)
            return
        weights = [3 if p.territory == path.territory else 1 for p in candidates]
        to = run.rng.choices(candidates, weights)[0]
        self.ensure_consent(need.domain, to)
        referral = self._make(need, to)
        if referral is None:
            return
        roll = run.rng.random()
        if roll < UNANSWERED:
            moment = run.now + timedelta(days=run.expiry_days, hours=run.rng.randint(1, 20))
            run.agenda.at(moment, partial(self._expire, referral))
        elif roll < UNANSWERED + WITHDRAWN_BEFORE_ANSWER:
            run.later(1, 5, partial(self._withdraw, referral, "before the answer"))
        else:
            slow = run.chance(SLOW_ANSWER)
            run.later(8 if slow else 1, 25 if slow else 10, partial(self._answer, referral))
        if run.chance(DUPLICATED):
            run.later(1, 4, partial(self._duplicate, referral))

    def meet_need(self, need: Need) -> None:
        if not need.open:
            return
        path = self.path
        if self.act(
            "meet_need",
            lambda: self.ledger.meet_need(path.referent.actor, path.id, need_id=need.id),
        ):
            need.open = False
            self.run.note("need met")

    def close_need(self, need: Need) -> None:
        if not need.open:
            return
        path = self.path
        if self.act(
            "close_need",
            lambda: self.ledger.close_need(path.referent.actor, path.id, need_id=need.id),
        ):
            need.open = False
            self.run.note("need closed")

    def _no_provider(self, need: Need) -> None:
        """Nobody else could take it: the lead keeps it in hand if it can, or closes it."""
        if self.path.lead.serves(need.domain):
            self.serve_in_house(need, self.run.rng.randint(2, 4))
        else:
            self.close_need(need)

    def _make(self, need: Need, to: Partner, sender_index: int = 0) -> Referral | None:
        path = self.path
        sender = path.referent if sender_index == 0 else self.worker_of(path.lead)
        referral_id = self.act(
            "make_referral",
            lambda: self.ledger.make_referral(
                sender.actor,
                path.id,
                to_association_id=to.id,
                domain=need.domain,
                need_id=need.id,
                reason=texts.REFERRAL_REASON,
            ),
        )
        if referral_id is None:
            return None
        referral = Referral(referral_id, need, sender, to)
        path.referrals.append(referral)
        self.run.note("referral made")
        if sender_index == 0:
            need.tried.append(to)
            need.attempts += 1
        return referral

    def _answer(self, referral: Referral) -> None:
        if referral.status is not ReferralStatus.MADE:
            return
        run, domain, to = self.run, referral.need.domain, referral.to
        today = run.now.date()
        if not to.has_room(domain, today):
            self._decline(referral, DeclineReason.AT_CAPACITY)
            run.agenda.at(_next_month(run, today), partial(self._ask_again, referral))
        elif to.territory != self.path.territory and run.chance(OUT_OF_AREA):
            self._decline(referral, DeclineReason.OUT_OF_AREA)
            run.later(2, 7, partial(self.refer, referral.need))
        elif run.chance(NOT_ELIGIBLE + OTHER_DECLINE):
            other = run.chance(OTHER_DECLINE / (NOT_ELIGIBLE + OTHER_DECLINE))
            self._decline(referral, DeclineReason.OTHER if other else DeclineReason.NOT_ELIGIBLE)
            run.later(2, 7, partial(self.refer, referral.need))
        else:
            self._accept(referral)

    def _accept(self, referral: Referral) -> None:
        addressee = self.worker_of(referral.to)
        if not self.act(
            "accept_referral",
            lambda: self.ledger.accept_referral(
                addressee.actor, self.path.id, referral_id=referral.id
            ),
        ):
            return
        referral.status = ReferralStatus.ACCEPTED
        referral.to.take(referral.need.domain, self.run.now.date())
        self.run.note("referral accepted")
        sessions = self.run.rng.randint(3, 8)
        dropout = self.run.rng.randint(1, sessions) if self.run.chance(DROPPED_OUT) else 0
        self.run.later(3, 12, partial(self._serve, referral, sessions, dropout))

    def _serve(self, referral: Referral, sessions: int, dropout: int) -> None:
        """The addressee's sessions; a young person who stops coming is withdrawn by the sender."""
        if referral.status is not ReferralStatus.ACCEPTED:
            return
        if dropout == sessions:
            self._withdraw(referral, "after the young person stopped coming")
            return
        self.record(self.worker_of(referral.to), referral.need.domain, need_id=referral.need.id)
        if sessions > 1:
            next_step = partial(self._serve, referral, sessions - 1, dropout)
            self.run.later(7, 16, next_step)
        else:
            self.run.later(2, 10, partial(self._complete, referral))

    def _complete(self, referral: Referral) -> None:
        if referral.status is not ReferralStatus.ACCEPTED:
            return
        addressee = self.worker_of(referral.to)
        if self.act(
            "complete_referral",
            lambda: self.ledger.complete_referral(
                addressee.actor,
                self.path.id,
                referral_id=referral.id,
                outcome=self.run.rng.choice(texts.REFERRAL_OUTCOMES),
            ),
        ):
            referral.status = ReferralStatus.COMPLETED
            self.run.note("referral completed")
            self.run.later(1, 6, partial(self.meet_need, referral.need))

    def _decline(self, referral: Referral, reason: DeclineReason) -> None:
        addressee = self.worker_of(referral.to)
        if self.act(
            "decline_referral",
            lambda: self.ledger.decline_referral(
                addressee.actor,
                self.path.id,
                referral_id=referral.id,
                reason=reason,
                note=texts.DECLINE_NOTES[reason],
            ),
        ):
            referral.status = ReferralStatus.DECLINED
            self.run.note(f"referral declined {reason.value}")

    def withdraw(self, referral: Referral) -> None:
        self._withdraw(referral, "when the case closed")

    def _withdraw(self, referral: Referral, why: str) -> None:
        """By the sending association, whoever leads the case now."""
        if not referral.is_open:
            return
        if self.act(
            "withdraw_referral",
            lambda: self.ledger.withdraw_referral(
                referral.sender.actor, self.path.id, referral_id=referral.id
            ),
        ):
            referral.status = ReferralStatus.WITHDRAWN
            self.run.note(f"referral withdrawn {why}")
            if why != "when the case closed":
                self.run.later(20, 45, partial(self.refer, referral.need))

    def _expire(self, referral: Referral) -> None:
        """The ledger's own decision once the delay has passed without an answer."""
        if referral.status is not ReferralStatus.MADE:
            return
        run = self.run
        if self.act(
            "expire_referral",
            lambda: self.ledger.expire_referral(
                self.path.id, referral_id=referral.id, expiry_days=run.expiry_days
            ),
        ):
            referral.status = ReferralStatus.EXPIRED
            run.note("referral expired")
            run.later(1, 5, partial(self.refer, referral.need))

    def _duplicate(self, referral: Referral) -> None:
        """A colleague refers the same need again; the addressee spots it and declines."""
        if not referral.is_open or self.path.closed:
            return
        duplicate = self._make(referral.need, referral.to, sender_index=1)
        if duplicate is not None:
            self.run.later(1, 3, partial(self._decline, duplicate, DeclineReason.DUPLICATE))

    def _ask_again(self, referral: Referral) -> None:
        """After a decline for capacity, the same service may have room in the new month."""
        need = referral.need
        if referral.to in need.tried and self.run.chance(0.6):
            need.tried.remove(referral.to)
        self.refer(need)


def _next_month(run: Run, today: date) -> datetime:
    """A working moment in the first week of the month after `today`."""
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return working_moment(run.rng, first + timedelta(days=run.rng.randint(0, 6)), run.now)
