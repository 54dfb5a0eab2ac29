"""Episodes of a path beside the referrals: the lead handed over, programmes, the team.

A handover follows a move or a change of main need: the addressee usually accepts (the lead and
the referent move together), sometimes declines, and sometimes the lead thinks better of it and
cancels. Young people with a need a programme focuses on are enrolled while it has places, take
part in its partners' sessions, and many leave it when their cycle ends. Around them the team
changes: mentors come and go, a referent leaves, a contact address is corrected.
"""

from functools import partial
from uuid import UUID

from api.simulation import names, texts
from api.simulation.cast import Member
from api.simulation.referrals import ReferralSteps
from api.simulation.world import Partner, ProgrammeRun
from domain.vocabulary import Domain, HandoverStatus, ReferralStatus

HANDOVER_ACCEPTED = 0.72
HANDOVER_DECLINED = 0.16
PROGRAMME_UPTAKE = 0.6
LEAVES_PROGRAMME = 0.5
MENTOR_UNASSIGNED = 0.25
REFERENT_CHANGES = 0.06
CONTACT_CORRECTED = 0.03


class EpisodeSteps(ReferralSteps):
    # --- handovers -----------------------------------------------------------------------------

    def propose_handover(self) -> None:
        path, run = self.path, self.run
        if path.closed or path.handover_pending:
            return
        providers = [r.to for r in path.referrals if r.status is ReferralStatus.ACCEPTED]
        movers = [p for p in run.world.leads() if p.territory != path.lead.territory]
        preferred = providers if providers and run.chance(0.4) else movers
        to = run.rng.choice([p for p in preferred if p.id != path.lead.id] or movers)
        proposer = path.referent
        handover_id = self.act(
            "propose_handover",
            lambda: self.ledger.propose_handover(
                proposer.actor,
                path.id,
                to_association_id=to.id,
                summary=run.rng.choice(texts.HANDOVER_SUMMARIES),
            ),
        )
        if handover_id is None:
            return
        path.handover_pending = True
        run.note("handover proposed")
        roll = run.rng.random()
        if roll < HANDOVER_ACCEPTED:
            run.later(2, 12, partial(self._accept_handover, handover_id, to))
        elif roll < HANDOVER_ACCEPTED + HANDOVER_DECLINED:
            addressee = self.worker_of(to)
            run.later(2, 12, partial(self._end_handover, handover_id, addressee, "DECLINED"))
        else:
            run.later(1, 4, partial(self._end_handover, handover_id, proposer, "CANCELLED"))

    def _accept_handover(self, handover_id: UUID, to: Partner) -> None:
        path = self.path
        referent = self.worker_of(to)
        if self.act(
            "accept_handover",
            lambda: self.ledger.accept_handover(
                referent.actor, path.id, handover_id=handover_id, referent_user_id=referent.user_id
            ),
        ):
            path.lead, path.referent = to, referent
            path.handover_pending = False
            self.run.note("handover accepted")

    def _end_handover(self, handover_id: UUID, member: Member, status: str) -> None:
        if self.act(
            "end_handover",
            lambda: self.ledger.end_handover(
                member.actor, self.path.id, handover_id=handover_id, status=HandoverStatus[status]
            ),
        ):
            self.path.handover_pending = False
            self.run.note(f"handover {status.lower()}")

    # --- programmes ----------------------------------------------------------------------------

    def consider_programmes(self) -> None:
        """A young person whose needs a programme focuses on is offered a place, if one is left."""
        path, run = self.path, self.run
        if path.closed:
            return
        today = run.now.date()
        domains = {n.domain for n in path.open_needs()}
        for programme in run.world.programmes:
            if programme in path.programmes or not domains.intersection(programme.spec.focus):
                continue
            if not programme.has_place(today):
                run.note(f"no place in programme {programme.spec.key}")
            elif run.chance(PROGRAMME_UPTAKE):
                self._enrol(programme)

    def _enrol(self, programme: ProgrammeRun) -> None:
        path, run = self.path, self.run
        if not self.act(
            "enrol_in_programme",
            lambda: self.ledger.enrol_in_programme(
                path.referent.actor, path.id, programme_id=programme.id
            ),
        ):
            return
        programme.enrolled += 1
        path.programmes.append(programme)
        run.note(f"enrolled in programme {programme.spec.key}")
        components = run.rng.sample(programme.components, k=min(2, len(programme.components)))
        for partner, domain in components:
            sessions = run.rng.randint(3, 6)
            run.later(3, 15, partial(self._programme_session, programme, partner, domain, sessions))

    def _programme_session(
        self, programme: ProgrammeRun, partner: Partner, domain: Domain, sessions: int
    ) -> None:
        if self.path.closed or programme not in self.path.programmes:
            return
        self.record(self.worker_of(partner), domain, programme=programme)
        if sessions > 1:
            step = partial(self._programme_session, programme, partner, domain, sessions - 1)
            self.run.later(10, 20, step)
        elif self.run.chance(LEAVES_PROGRAMME):
            self.run.later(5, 20, partial(self.leave_programme, programme))

    def leave_programme(self, programme: ProgrammeRun) -> None:
        path = self.path
        if programme not in path.programmes:
            return
        if self.act(
            "leave_programme",
            lambda: self.ledger.leave_programme(
                path.referent.actor, path.id, programme_id=programme.id
            ),
        ):
            programme.enrolled -= 1
            path.programmes.remove(programme)
            self.run.note(f"left programme {programme.spec.key}")

    # --- mentors -------------------------------------------------------------------------------

    def assign_mentor(self) -> None:
        """A mentor from an involved association that mentors, else a colleague of the lead."""
        path, run = self.path, self.run
        if path.closed:
            return
        mentoring = [p for p in path.involved() if p.serves(Domain.MENTORING)]
        partner = run.rng.choice(mentoring) if mentoring else path.lead
        mentor = self.worker_of(partner)
        if mentor.user_id in path.mentors:
            return
        if self.act(
            "assign_mentor",
            lambda: self.ledger.assign_mentor(
                path.referent.actor,
                path.id,
                mentor_user_id=mentor.user_id,
                mentor_association_id=partner.id,
            ),
        ):
            path.mentors[mentor.user_id] = mentor
            run.note("mentor assigned")
            if run.chance(MENTOR_UNASSIGNED):
                run.later(60, 180, partial(self._unassign_mentor, mentor))

    def _unassign_mentor(self, mentor: Member) -> None:
        path = self.path
        if mentor.user_id not in path.mentors:
            return
        if self.act(
            "unassign_mentor",
            lambda: self.ledger.unassign_mentor(
                path.referent.actor, path.id, mentor_user_id=mentor.user_id
            ),
        ):
            del path.mentors[mentor.user_id]
            self.run.note("mentor unassigned")

    # --- the referent and the record ----------------------------------------------------------

    def correct_contact(self) -> None:
        """A new address given at a later interview: personal data is corrected, never edited."""
        path = self.path
        first_name, last_name, serial = path.identity
        if self.act(
            "correct_personal_data",
            lambda: self.ledger.correct_personal_data(
                path.referent.actor,
                path.id,
                first_name=first_name,
                last_name=last_name,
                date_of_birth=path.born_on,
                contact=names.contact_address(first_name, last_name, serial + 100_000),
            ),
        ):
            self.run.note("personal data corrected")

    def change_referent(self) -> None:
        """Staff turnover: another worker of the lead association becomes the referent."""
        path, run = self.path, self.run
        colleagues = [w for w in path.lead.workers if w != path.referent]
        if path.closed or not colleagues:
            return
        referent = run.rng.choice(colleagues)
        if self.act(
            "change_referent",
            lambda: self.ledger.change_referent(
                path.referent.actor, path.id, referent_user_id=referent.user_id
            ),
        ):
            path.referent = referent
            run.note("referent changed")
