"""Each case file's current state: lead and referent, status, needs, goals, consents, mentors,
programme enrolments. Personal values stay sealed (opened at read time, so erasure is instant)."""

from typing import Any

from projections.projection import Handler, Recorded, Table, Writer, handles, occurred
from projections.store import day, ident, moment

HANDLERS: dict[str, list[Handler]] = {}
TABLES = {
    "cases": Table(
        "young_person_id TEXT PRIMARY KEY, territory TEXT NOT NULL,"
        " lead_association_id TEXT NOT NULL, referent_user_id TEXT NOT NULL,"
        " enrolled_at TEXT NOT NULL, closed_at TEXT, erased_at TEXT,"
        " plan_agreed_at TEXT, first_name TEXT, last_name TEXT, date_of_birth TEXT, contact TEXT,"
        " recorded_at TEXT NOT NULL",
        ("(lead_association_id)", "(territory)"),
    ),
    "needs": Table(
        "need_id TEXT PRIMARY KEY, young_person_id TEXT NOT NULL, domain TEXT NOT NULL,"
        " severity INTEGER NOT NULL, description TEXT, identified_at TEXT NOT NULL,"
        " identified_by TEXT NOT NULL, status TEXT NOT NULL, met_at TEXT, closed_at TEXT",
        ("(young_person_id)", "(status, domain)"),
    ),
    "goals": Table(
        "goal_id TEXT PRIMARY KEY, young_person_id TEXT NOT NULL, domain TEXT NOT NULL,"
        " description TEXT, target_date TEXT, progress INTEGER NOT NULL, status TEXT NOT NULL,"
        " added_at TEXT NOT NULL, added_by TEXT, reviewed_at TEXT",
        ("(young_person_id)",),
    ),
    "consents": Table(
        "consent_id TEXT PRIMARY KEY, young_person_id TEXT NOT NULL, sensitivities TEXT NOT NULL,"
        " recipients TEXT, purpose TEXT, given_by TEXT NOT NULL, given_at TEXT NOT NULL,"
        " expires_on TEXT, withdrawn_at TEXT, recorded_at TEXT NOT NULL",
        ("(young_person_id)",),
    ),
    "mentors": Table(
        "young_person_id TEXT NOT NULL, user_id TEXT NOT NULL, association_id TEXT NOT NULL,"
        " PRIMARY KEY (young_person_id, user_id)"
    ),
    "enrolments": Table(
        "young_person_id TEXT NOT NULL, programme_id TEXT NOT NULL, enrolled_at TEXT NOT NULL,"
        " left_at TEXT, PRIMARY KEY (young_person_id, programme_id, enrolled_at)",
        ("(programme_id) WHERE left_at IS NULL",),
    ),
}


def token(sealed: Any) -> str | None:
    return None if sealed is None else str(sealed.token)


def set_case(w: Writer, r: Recorded, **columns: object) -> None:
    assignments = ", ".join(f"{name} = ?" for name in columns)
    w.execute(
        f"UPDATE {{cases}} SET {assignments} WHERE young_person_id = ?",
        (*columns.values(), r.stream),
    )


@handles(HANDLERS, "YoungPerson.Enrolled")
def _enrolled(w: Writer, r: Recorded) -> None:
    e = r.event
    w.execute(
        "INSERT INTO {cases} (young_person_id, territory, lead_association_id, referent_user_id,"
        " enrolled_at, first_name, last_name, date_of_birth, contact, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            r.stream,
            e.territory,
            str(e.lead_association_id),
            e.referent_user_id,
            occurred(r),
            token(e.personal.first_name),
            token(e.personal.last_name),
            token(e.personal.date_of_birth),
            token(e.personal.contact),
            r.recorded_moment,
        ),
    )


@handles(HANDLERS, "CaseFile.PersonalDataCorrected")
def _personal_data_corrected(w: Writer, r: Recorded) -> None:
    p = r.event.personal
    set_case(
        w,
        r,
        first_name=token(p.first_name),
        last_name=token(p.last_name),
        date_of_birth=token(p.date_of_birth),
        contact=token(p.contact),
    )


@handles(HANDLERS, "CaseLifecycle.ReferentChanged")
def _referent_changed(w: Writer, r: Recorded) -> None:
    set_case(w, r, referent_user_id=r.event.referent_user_id)


@handles(HANDLERS, "CaseHandovers.HandoverAccepted")
def _lead_moved(w: Writer, r: Recorded) -> None:
    row = w.fetchone(
        "SELECT to_association_id FROM {handovers} WHERE handover_id = ?",
        (str(r.event.handover_id),),
    )
    assert row is not None, "the handover row is written by an earlier event"
    set_case(w, r, lead_association_id=row[0], referent_user_id=r.event.referent_user_id)


@handles(HANDLERS, "CaseLifecycle.CaseClosed")
def _closed(w: Writer, r: Recorded) -> None:
    set_case(w, r, closed_at=occurred(r))


@handles(HANDLERS, "CaseLifecycle.CaseReopened")
def _reopened(w: Writer, r: Recorded) -> None:
    set_case(w, r, closed_at=None)


@handles(HANDLERS, "CaseLifecycle.MentorAssigned")
def _mentor_assigned(w: Writer, r: Recorded) -> None:
    e = r.event
    w.execute(
        "INSERT INTO {mentors} (young_person_id, user_id, association_id) VALUES (?, ?, ?)",
        (r.stream, e.mentor_user_id, str(e.mentor_association_id)),
    )


@handles(HANDLERS, "CaseLifecycle.MentorUnassigned")
def _mentor_unassigned(w: Writer, r: Recorded) -> None:
    w.execute(
        "DELETE FROM {mentors} WHERE young_person_id = ? AND user_id = ?",
        (r.stream, r.event.mentor_user_id),
    )


@handles(HANDLERS, "CaseConsents.ConsentGiven")
def _consent_given(w: Writer, r: Recorded) -> None:
    e = r.event
    recipients = None if e.recipients is None else ",".join(str(a) for a in e.recipients)
    w.execute(
        "INSERT INTO {consents} (consent_id, young_person_id, sensitivities, recipients, purpose,"
        " given_by, given_at, expires_on, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            str(e.consent_id),
            r.stream,
            ",".join(s.value for s in e.sensitivities),
            recipients,
            token(e.purpose),
            e.given_by.value,
            occurred(r),
            day(e.expires_on),
            r.recorded_moment,
        ),
    )


@handles(HANDLERS, "CaseConsents.ConsentWithdrawn")
def _consent_withdrawn(w: Writer, r: Recorded) -> None:
    w.execute(
        "UPDATE {consents} SET withdrawn_at = ? WHERE consent_id = ?",
        (occurred(r), str(r.event.consent_id)),
    )


@handles(HANDLERS, "CaseNeeds.NeedIdentified")
def _need_identified(w: Writer, r: Recorded) -> None:
    e = r.event
    w.execute(
        "INSERT INTO {needs} (need_id, young_person_id, domain, severity, description,"
        " identified_at, identified_by, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'OPEN')",
        (
            str(e.need_id),
            r.stream,
            e.domain.value,
            e.severity,
            token(e.description),
            occurred(r),
            ident(e.actor.association_id),
        ),
    )


@handles(HANDLERS, "CaseNeeds.NeedMet")
def _need_met(w: Writer, r: Recorded) -> None:
    w.execute(
        "UPDATE {needs} SET status = 'MET', met_at = ? WHERE need_id = ?",
        (occurred(r), str(r.event.need_id)),
    )


@handles(HANDLERS, "CaseNeeds.NeedClosed")
def _need_closed(w: Writer, r: Recorded) -> None:
    w.execute(
        "UPDATE {needs} SET status = 'CLOSED', closed_at = ? WHERE need_id = ?",
        (occurred(r), str(r.event.need_id)),
    )


@handles(HANDLERS, "CasePlan.ActionPlanAgreed")
def _plan_agreed(w: Writer, r: Recorded) -> None:
    set_case(w, r, plan_agreed_at=occurred(r))


@handles(HANDLERS, "CasePlan.GoalAdded")
def _goal_added(w: Writer, r: Recorded) -> None:
    e = r.event
    w.execute(
        "INSERT INTO {goals} (goal_id, young_person_id, domain, description, target_date,"
        " progress, status, added_at, added_by) VALUES (?, ?, ?, ?, ?, 0, 'OPEN', ?, ?)",
        (
            str(e.goal_id),
            r.stream,
            e.domain.value,
            token(e.description),
            day(e.target_date),
            occurred(r),
            ident(e.actor.association_id),
        ),
    )


@handles(HANDLERS, "CasePlan.GoalProgressReviewed")
def _goal_reviewed(w: Writer, r: Recorded) -> None:
    w.execute(
        "UPDATE {goals} SET progress = ?, reviewed_at = ? WHERE goal_id = ?",
        (r.event.progress, occurred(r), str(r.event.goal_id)),
    )


@handles(HANDLERS, "CasePlan.GoalAchieved")
def _goal_achieved(w: Writer, r: Recorded) -> None:
    w.execute(
        "UPDATE {goals} SET status = 'ACHIEVED', progress = 100, reviewed_at = ? WHERE goal_id = ?",
        (occurred(r), str(r.event.goal_id)),
    )


@handles(HANDLERS, "CasePlan.GoalDropped")
def _goal_dropped(w: Writer, r: Recorded) -> None:
    w.execute(
        "UPDATE {goals} SET status = 'DROPPED', reviewed_at = ? WHERE goal_id = ?",
        (occurred(r), str(r.event.goal_id)),
    )


@handles(HANDLERS, "CaseProgrammes.EnrolledInProgramme")
def _enrolled_in_programme(w: Writer, r: Recorded) -> None:
    w.execute(
        "INSERT INTO {enrolments} (young_person_id, programme_id, enrolled_at) VALUES (?, ?, ?)",
        (r.stream, str(r.event.programme_id), occurred(r)),
    )


@handles(HANDLERS, "CaseProgrammes.LeftProgramme")
def _left_programme(w: Writer, r: Recorded) -> None:
    w.execute(
        "UPDATE {enrolments} SET left_at = ? WHERE young_person_id = ? AND programme_id = ?"
        " AND left_at IS NULL",
        (occurred(r), r.stream, str(r.event.programme_id)),
    )


@handles(HANDLERS, "CaseErasure.Erased")
def _erased(w: Writer, r: Recorded) -> None:
    set_case(w, r, erased_at=moment(r.event.erased_at))
