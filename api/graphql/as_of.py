"""A case file as the ledger knew it at a recorded time, in the read models' shapes.

The ledger folds the stream up to that time (`Ledger.young_person_as_of`); this module maps the
aggregate's state onto the rows the GraphQL types already render, so an as-of case reads exactly
like a current one — and goes through the same policy.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.case_file.young_person import YoungPerson as CaseFile
from domain.privacy.sealed import Sealed
from projections.queries.case_details import CaseDetails, EnrolmentRow, GoalRow, MentorRow, NeedRow
from projections.queries.cases import CaseOverview, ConsentScope
from projections.queries.referrals import HandoverRow, ReferralRow


@dataclass(frozen=True)
class Pinned:
    """What an as-of read shows instead of the current read models."""

    as_of: datetime
    details: CaseDetails
    referrals: tuple[ReferralRow, ...]
    handovers: tuple[HandoverRow, ...]


def _token(sealed: Sealed | None) -> str | None:
    return None if sealed is None else sealed.token


def _id(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def overview(case: CaseFile) -> CaseOverview:
    personal = case.personal
    return CaseOverview(
        young_person_id=str(case.id),
        territory=case.territory,
        lead_association_id=str(case.lead_association_id),
        referent_user_id=case.referent_user_id,
        enrolled_at=case.enrolled_at,
        closed_at=case.closed_at,
        erased_at=case.erased_at,
        plan_agreed_at=case.plan_agreed_at,
        first_name=_token(personal.first_name),
        last_name=_token(personal.last_name),
        date_of_birth=_token(personal.date_of_birth),
        contact=_token(personal.contact),
    )


def pinned(case: CaseFile, as_of: datetime) -> Pinned:
    return Pinned(
        as_of=as_of, details=_details(case), referrals=_referrals(case), handovers=_handovers(case)
    )


def _details(case: CaseFile) -> CaseDetails:
    needs = tuple(
        NeedRow(
            str(n.id),
            n.domain.value,
            n.severity,
            _token(n.description),
            n.identified_at,
            str(n.identified_by),
            n.status.value,
            n.met_at,
            n.closed_at,
        )
        for n in case.needs.values()
    )
    goals = tuple(
        GoalRow(
            str(g.id),
            g.domain.value,
            _token(g.description),
            g.target_date,
            g.progress,
            g.status.value,
            g.added_at,
            _id(g.added_by),
        )
        for g in case.goals.values()
    )
    consents = tuple(
        ConsentScope(
            str(c.id),
            tuple(s.value for s in c.sensitivities),
            None if c.recipients is None else tuple(str(a) for a in c.recipients),
            _token(c.purpose),
            c.given_by.value,
            c.given_at,
            c.expires_on,
            c.withdrawn_at,
        )
        for c in case.consents.values()
    )
    mentors = tuple(MentorRow(user, str(association)) for user, association in case.mentors.items())
    enrolments = tuple(EnrolmentRow(key, at, None) for key, at in case.programmes.items())
    return CaseDetails(needs, goals, consents, mentors, enrolments)


def _referrals(case: CaseFile) -> tuple[ReferralRow, ...]:
    return tuple(
        ReferralRow(
            referral_id=str(r.id),
            young_person_id=str(case.id),
            from_association_id=str(r.from_association),
            to_association_id=str(r.to_association),
            domain=r.domain.value,
            need_id=_id(r.need_id),
            reason_token=_token(r.reason),
            status=r.status.value,
            made_at=r.made_at,
            responded_at=r.responded_at,
            accepted_at=None,
            declined_at=None,
            decline_reason=None if r.decline_reason is None else r.decline_reason.value,
            decline_note_token=None,
            withdrawn_at=None,
            completed_at=r.completed_at,
            outcome_token=None,
            expired_at=None,
            position=0,
        )
        for r in case.referrals.values()
    )


def _handovers(case: CaseFile) -> tuple[HandoverRow, ...]:
    return tuple(
        HandoverRow(
            handover_id=str(h.id),
            young_person_id=str(case.id),
            from_association_id=str(h.from_association),
            to_association_id=str(h.to_association),
            status=h.status.value,
            summary_token=_token(h.summary),
            proposed_at=h.proposed_at,
            responded_at=h.responded_at,
            referent_user_id=None,
            position=0,
        )
        for h in case.handovers.values()
    )
