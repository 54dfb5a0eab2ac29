"""One young person's path through the network, from enrolment to (sometimes) closure.

Enrolled by a worker of a lead association, who becomes the referent; a general consent; a
welcome interview; an assessment that identifies needs; an action plan with one goal per main
need, reviewed every couple of months; regular follow-ups by the referent, denser at first; and
the episodes (referrals, programmes, mentors, handovers) that the needs call for. A case whose
goals are all met may be closed, and now and then reopened.
"""

from datetime import datetime, timedelta
from functools import partial

from api.simulation import names, texts
from api.simulation.agenda import working_moment
from api.simulation.catalogue import NEED_WEIGHTS
from api.simulation.episodes import CONTACT_CORRECTED, REFERENT_CHANGES, EpisodeSteps
from api.simulation.path import Goal, Need, Path
from api.simulation.run import Run
from domain.vocabulary import Domain, GoalStatus, Sensitivity

LEAD_WEIGHTS = {"rebonds93": 3, "horizon94": 3, "passerelles": 2, "missionest": 2, "tremplin": 1}
LIVES_ELSEWHERE = 0.1
MENTORED = 0.2
HANDED_OVER = 0.25
NEW_NEED = 0.12
NEW_NEED_WHEN_ALL_MET = 0.35
GOAL_DROPPED = 0.03
GIVES_UP = 0.01
CLOSES_WHEN_DONE = 0.2
MONTHS_BEFORE_CLOSING = 6
REOPENED = 0.12
WELCOME = "Premier entretien : présentation de l'association et recueil de la demande."


def enrol(run: Run, serial: int) -> None:
    """The first step of a path: a worker of a lead association enrols the young person."""
    rng = run.rng
    leads = run.world.leads()
    lead = rng.choices(leads, [LEAD_WEIGHTS.get(p.spec.key, 1) for p in leads])[0]
    territory = lead.territory
    if rng.random() < LIVES_ELSEWHERE:
        territory = rng.choice(
            [p.territory for p in run.world.partners if p.territory != territory]
        )
    referent = rng.choice(lead.workers[: max(1, len(lead.workers) - 1)])
    first_name, last_name = names.full_name(rng)
    born_on = names.birth_date(rng, run.now.date())
    young_person_id = run.attempt(
        "enrol_young_person",
        lambda: run.ledger.enrol_young_person(
            referent.actor,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=born_on,
            territory=territory,
            contact=names.contact_address(first_name, last_name, serial),
        ),
    )
    if young_person_id is None:
        return
    identity = (first_name, last_name, serial)
    path = Path(young_person_id, territory, born_on, run.now, lead, referent, identity=identity)
    run.paths.append(path)
    run.note("young person enrolled")
    Story(run, path).welcome()


class Story(EpisodeSteps):
    def welcome(self) -> None:
        self.consent(Sensitivity.GENERAL)
        run = self.run
        run.later(0, 4, self._welcome_interview)
        run.later(3, 20, self.assess)
        run.later(14, 35, self.agree_plan)
        run.later(10, 20, self.follow_up)
        if run.chance(CONTACT_CORRECTED):
            run.later(5, 60, self.correct_contact)

    def _welcome_interview(self) -> None:
        if not self.path.closed:
            self.record(
                self.path.referent, Domain.PSYCHOSOCIAL, kind="entretien d'accueil", summary=WELCOME
            )

    def assess(self) -> None:
        """The assessment: one to four needs, in distinct domains, each routed a few days later."""
        count = self.run.rng.choices((1, 2, 3, 4), (2, 4, 3, 1))[0]
        for domain in self._draw_domains(count):
            need = self.identify(domain)
            if need is not None:
                self.run.later(1, 10, partial(self.route, need))

    def identify(self, domain: Domain) -> Need | None:
        path, rng = self.path, self.run.rng
        need_id = self.act(
            "identify_need",
            lambda: self.ledger.identify_need(
                path.referent.actor,
                path.id,
                domain=domain,
                severity=rng.choices((1, 2, 3, 4, 5), (1, 3, 4, 3, 1))[0],
                description=texts.NEEDS[domain],
            ),
        )
        if need_id is None:
            return None
        need = Need(need_id, domain)
        path.needs.append(need)
        self.run.note("need identified")
        if path.plan_agreed:
            self.add_goal(domain)
        return need

    def agree_plan(self) -> None:
        path, run = self.path, self.run
        if path.closed or not self.act(
            "agree_action_plan",
            lambda: self.ledger.agree_action_plan(path.referent.actor, path.id),
        ):
            return
        path.plan_agreed = True
        for need in path.open_needs()[:3]:
            self.add_goal(need.domain)
        run.later(35, 60, self.review)
        run.later(5, 30, self.consider_programmes)
        if run.chance(MENTORED):
            run.later(10, 60, self.assign_mentor)
        if run.chance(HANDED_OVER):
            run.later(20, 180, self.propose_handover)
        if run.chance(REFERENT_CHANGES):
            run.later(60, 360, self.change_referent)

    def add_goal(self, domain: Domain) -> None:
        path, run = self.path, self.run
        if path.goal_for(domain) is not None:
            return
        goal_id = self.act(
            "add_goal",
            lambda: self.ledger.add_goal(
                path.referent.actor,
                path.id,
                domain=domain,
                description=texts.GOALS[domain],
                target_date=run.now.date() + timedelta(days=run.rng.choice((90, 180, 270))),
            ),
        )
        if goal_id is not None:
            path.goals.append(Goal(goal_id, domain))

    def follow_up(self) -> None:
        """The referent's regular contact: weekly at first, then every few weeks."""
        path, run = self.path, self.run
        if path.closed:
            return
        domain = Domain.PSYCHOSOCIAL if path.lead.serves(Domain.PSYCHOSOCIAL) else None
        self.record(path.referent, domain or next(iter(path.lead.capacities)))
        early = run.now - path.enrolled_at < timedelta(days=90)
        run.later(7 if early else 14, 16 if early else 35, self.follow_up)

    def review(self) -> None:
        """The plan review: each open goal moves on, ends, or is dropped; then what is next."""
        path, run = self.path, self.run
        if path.closed:
            return
        settled = {n.domain for n in path.needs if not n.open}
        for goal in path.open_goals():
            step = run.rng.randint(25, 50) if goal.domain in settled else run.rng.randint(5, 20)
            self._review_goal(goal, min(100, goal.progress + step))
        if run.chance(NEW_NEED if path.open_needs() else NEW_NEED_WHEN_ALL_MET):
            self._new_need()
        if self._should_close():
            return
        run.later(35, 70, self.review)

    def _review_goal(self, goal: Goal, progress: int) -> None:
        path, run = self.path, self.run
        if not self.act(
            "review_goal",
            lambda: self.ledger.review_goal(
                path.referent.actor, path.id, goal_id=goal.id, progress=progress
            ),
        ):
            return
        goal.progress = progress
        if progress >= 100 or (progress >= 80 and run.chance(0.5)):
            status = GoalStatus.ACHIEVED
        elif run.chance(GOAL_DROPPED):
            status = GoalStatus.DROPPED
        else:
            return
        if self.act(
            "end_goal",
            lambda: self.ledger.end_goal(
                path.referent.actor, path.id, goal_id=goal.id, status=status
            ),
        ):
            goal.open = False
            run.note(f"goal {status.value.lower()}")

    def _new_need(self) -> None:
        known = {n.domain for n in self.path.open_needs()}
        fresh = [d for d in self._draw_domains(2) if d not in known]
        if fresh:
            need = self.identify(fresh[0])
            if need is not None:
                self.run.later(1, 10, partial(self.route, need))
                self.run.later(10, 30, self.consider_programmes)

    def _should_close(self) -> bool:
        """Done (no open goal nor need, some months in) or the young person gives up."""
        path, run = self.path, self.run
        months_in = (run.now - path.enrolled_at).days / 30
        done = not path.open_goals() and not path.open_needs()
        done = done and months_in >= MONTHS_BEFORE_CLOSING
        if done and run.chance(CLOSES_WHEN_DONE):
            return self.close(texts.CLOSING_REASONS[0])
        if months_in >= 3 and run.chance(GIVES_UP):
            return self.close(run.rng.choice(texts.CLOSING_REASONS[1:]))
        return False

    def close(self, reason: str) -> bool:
        """Open referrals are withdrawn and programmes left before the lead closes the case."""
        path, run = self.path, self.run
        if path.handover_pending:
            return False
        for referral in path.open_referrals():
            self.withdraw(referral)
        for programme in list(path.programmes):
            self.leave_programme(programme)
        if not self.act(
            "close_case",
            lambda: self.ledger.close_case(path.referent.actor, path.id, reason=reason),
        ):
            return False
        path.closed = True
        run.note("case closed")
        if run.chance(REOPENED):
            run.later(30, 90, self.reopen)
        return True

    def reopen(self) -> None:
        path, run = self.path, self.run
        if self.act("reopen_case", lambda: self.ledger.reopen_case(path.referent.actor, path.id)):
            path.closed = False
            run.note("case reopened")
            run.later(1, 5, self.follow_up)
            run.later(1, 10, self._new_need)
            run.later(30, 60, self.review)

    def _draw_domains(self, count: int) -> list[Domain]:
        domains, weights = zip(*NEED_WEIGHTS, strict=True)
        drawn: list[Domain] = []
        while len(drawn) < count:
            domain = self.run.rng.choices(domains, weights)[0]
            if domain not in drawn:
                drawn.append(domain)
        return drawn


def intake_moment(run: Run, start: datetime, days: int) -> datetime:
    """When the next young person arrives: more in the first months, when the network opens."""
    offset = int(days * run.rng.random() ** 1.6)
    return working_moment(run.rng, start.date() + timedelta(days=1 + offset), start)
