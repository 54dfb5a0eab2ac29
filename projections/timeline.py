"""The cross-service timeline: one row per entry *version*, so as-of reads need no replay.

An entry is written once per event that creates it; an amendment closes the current version
(`valid_to` = the amendment's recorded time) and adds the next one; a retraction does the same
with `retracted` set. The current timeline is the versions with `valid_to IS NULL`; the timeline
as the ledger knew it at T is the versions with `valid_from <= T < valid_to`. Summaries stay
sealed here: they are opened at read time for a viewer allowed to read them, so erasing the key
needs no rewrite.
"""

from typing import Any, cast

from domain.actor import Actor
from domain.vocabulary import Role
from projections.projection import (
    Handler,
    Projection,
    Recorded,
    Table,
    Writer,
    handles,
    occurred,
)
from projections.store import ident, moment

HANDLERS: dict[str, list[Handler]] = {}

ENTRY_COLUMNS = (
    "entry_id, revision, young_person_id, kind, event_type, label, occurred_at, recorded_at,"
    " association_id, actor_user_id, domain, sensitivity, summary, amended, retracted, position,"
    " valid_from, valid_to, changed_at"
)


class TimelineProjection(Projection):
    name = "timeline"
    version = 2
    """2: `changed_at`, the log position of the event that wrote the version (a revision keeps
    its entry's `position`, so subscriptions could not find corrections by it)."""
    tables = {
        "entries": Table(
            "entry_id TEXT NOT NULL, revision INTEGER NOT NULL, young_person_id TEXT NOT NULL,"
            " kind TEXT NOT NULL, event_type TEXT NOT NULL, label TEXT NOT NULL,"
            " occurred_at TEXT NOT NULL, recorded_at TEXT NOT NULL, association_id TEXT,"
            " actor_user_id TEXT NOT NULL, domain TEXT, sensitivity TEXT NOT NULL, summary TEXT,"
            " amended INTEGER NOT NULL, retracted INTEGER NOT NULL, position BIGINT NOT NULL,"
            " valid_from TEXT NOT NULL, valid_to TEXT, changed_at BIGINT NOT NULL,"
            " PRIMARY KEY (entry_id, revision)",
            (
                "(young_person_id, occurred_at, position, entry_id) WHERE valid_to IS NULL",
                "(young_person_id, valid_from)",
                "(young_person_id, changed_at) WHERE valid_to IS NULL",
            ),
        ),
        "subjects": Table("subject_id TEXT PRIMARY KEY, domain TEXT, association_id TEXT"),
    }
    handlers = HANDLERS


SENSITIVITY = {
    "MENTAL_HEALTH": "HEALTH",
    "PHYSICAL_HEALTH": "HEALTH",
    "ADDICTION": "HEALTH",
    "LEGAL_JUSTICE": "JUSTICE",
}


def sensitivity(domain: str | None) -> str:
    return "GENERAL" if domain is None else SENSITIVITY.get(domain, "GENERAL")


def token(sealed: Any) -> str | None:
    return None if sealed is None else str(sealed.token)


def add_entry(
    w: Writer,
    r: Recorded,
    kind: str,
    label: str,
    *,
    entry_id: str | None = None,
    domain: str | None = None,
    association_id: str | None = None,
    summary: str | None = None,
) -> None:
    e = r.event
    actor_association = ident(e.actor.association_id)
    w.execute(
        f"INSERT INTO {{entries}} ({ENTRY_COLUMNS}) VALUES"
        " (?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, NULL, ?)",
        (
            entry_id or f"{r.stream}/{r.version}",
            r.stream,
            kind,
            r.name.rsplit(".", 1)[-1],
            label,
            occurred(r),
            r.recorded_moment,
            association_id or actor_association,
            e.actor.user_id,
            domain,
            sensitivity(domain),
            summary,
            r.position,
            r.recorded_moment,
            r.position,
        ),
    )


def remember(w: Writer, subject_id: object, domain: str | None, association_id: str | None) -> None:
    subject = str(subject_id)
    w.execute(
        "INSERT INTO {subjects} (subject_id, domain, association_id) VALUES (?, ?, ?)",
        (subject, domain, association_id),
    )
    w.memo.put(("subjects", subject), (domain, association_id))


def recall(w: Writer, subject_id: object) -> tuple[str | None, str | None]:
    """The domain and association of a need, goal or referral, from the memo when it has them
    (a read ends a pipelined batch: a round trip per answer to a referral)."""
    subject = str(subject_id)
    known = w.memo.get(("subjects", subject))
    if known is not None:
        return cast(tuple[str | None, str | None], known)
    row = w.fetchone(
        "SELECT domain, association_id FROM {subjects} WHERE subject_id = ?", (subject,)
    )
    if row is None:
        return (None, None)
    found = (row[0], row[1])
    w.memo.put(("subjects", subject), found)
    return found


def revise(w: Writer, r: Recorded, entry_id: str, **changes: object) -> None:
    """Closes the entry's current version and adds the next one with `changes` applied."""
    row = w.fetchone(
        f"SELECT {ENTRY_COLUMNS} FROM {{entries}} WHERE entry_id = ? AND valid_to IS NULL",
        (entry_id,),
    )
    if row is None:
        msg = f"no current timeline entry {entry_id} to revise"
        raise LookupError(msg)
    current = dict(zip([c.strip() for c in ENTRY_COLUMNS.split(",")], row, strict=True))
    now = r.recorded_moment
    w.execute(
        "UPDATE {entries} SET valid_to = ? WHERE entry_id = ? AND revision = ?",
        (now, entry_id, current["revision"]),
    )
    current.update(
        changes,
        revision=current["revision"] + 1,
        valid_from=now,
        valid_to=None,
        changed_at=r.position,
    )
    w.execute(
        f"INSERT INTO {{entries}} ({ENTRY_COLUMNS}) VALUES ({', '.join('?' * 19)})",
        tuple(current.values()),
    )


# --- enrolment, team, closure ------------------------------------------------------------------


@handles(HANDLERS, "YoungPerson.Enrolled")
def _enrolled(w: Writer, r: Recorded) -> None:
    add_entry(w, r, "ENROLMENT", "Enrolled", association_id=ident(r.event.lead_association_id))


@handles(HANDLERS, "CaseLifecycle.ReferentChanged")
def _referent_changed(w: Writer, r: Recorded) -> None:
    add_entry(w, r, "TEAM", "Referent changed")


@handles(HANDLERS, "CaseLifecycle.MentorAssigned")
def _mentor_assigned(w: Writer, r: Recorded) -> None:
    add_entry(w, r, "TEAM", "Mentor assigned", association_id=ident(r.event.mentor_association_id))


@handles(HANDLERS, "CaseLifecycle.MentorUnassigned")
def _mentor_unassigned(w: Writer, r: Recorded) -> None:
    add_entry(w, r, "TEAM", "Mentor unassigned")


@handles(HANDLERS, "CaseLifecycle.CaseClosed")
def _closed(w: Writer, r: Recorded) -> None:
    add_entry(w, r, "CLOSURE", "Case closed", summary=token(r.event.reason))


@handles(HANDLERS, "CaseLifecycle.CaseReopened")
def _reopened(w: Writer, r: Recorded) -> None:
    add_entry(w, r, "CLOSURE", "Case reopened")


# --- consents, needs, plan -----------------------------------------------------------------------


@handles(HANDLERS, "CaseConsents.ConsentGiven")
def _consent_given(w: Writer, r: Recorded) -> None:
    add_entry(w, r, "CONSENT", "Consent given", summary=token(r.event.purpose))


@handles(HANDLERS, "CaseConsents.ConsentWithdrawn")
def _consent_withdrawn(w: Writer, r: Recorded) -> None:
    add_entry(w, r, "CONSENT", "Consent withdrawn")


@handles(HANDLERS, "CaseNeeds.NeedIdentified")
def _need_identified(w: Writer, r: Recorded) -> None:
    domain = r.event.domain.value
    remember(w, r.event.need_id, domain, ident(r.event.actor.association_id))
    add_entry(w, r, "NEED", "Need identified", domain=domain, summary=token(r.event.description))


@handles(HANDLERS, "CaseNeeds.NeedMet", "CaseNeeds.NeedClosed")
def _need_ended(w: Writer, r: Recorded) -> None:
    domain, _ = recall(w, r.event.need_id)
    label = "Need met" if r.name.endswith("Met") else "Need closed"
    add_entry(w, r, "NEED", label, domain=domain)


@handles(HANDLERS, "CasePlan.ActionPlanAgreed")
def _plan_agreed(w: Writer, r: Recorded) -> None:
    add_entry(w, r, "PLAN", "Action plan agreed")


@handles(HANDLERS, "CasePlan.GoalAdded")
def _goal_added(w: Writer, r: Recorded) -> None:
    domain = r.event.domain.value
    remember(w, r.event.goal_id, domain, ident(r.event.actor.association_id))
    add_entry(w, r, "PLAN", "Goal added", domain=domain, summary=token(r.event.description))


GOAL_LABELS = {
    "GoalProgressReviewed": "Goal progress reviewed",
    "GoalAchieved": "Goal achieved",
    "GoalDropped": "Goal dropped",
}


@handles(HANDLERS, *(f"CasePlan.{name}" for name in GOAL_LABELS))
def _goal_changed(w: Writer, r: Recorded) -> None:
    domain, _ = recall(w, r.event.goal_id)
    add_entry(w, r, "PLAN", GOAL_LABELS[r.name.rsplit(".", 1)[-1]], domain=domain)


# --- interventions -------------------------------------------------------------------------------


@handles(HANDLERS, "CaseInterventions.InterventionRecorded")
def _intervention_recorded(w: Writer, r: Recorded) -> None:
    e = r.event
    add_entry(
        w,
        r,
        "INTERVENTION",
        e.kind,
        entry_id=str(e.intervention_id),
        domain=e.domain.value,
        summary=token(e.summary),
    )


@handles(HANDLERS, "CaseInterventions.InterventionAmended")
def _intervention_amended(w: Writer, r: Recorded) -> None:
    e = r.event
    changes: dict[str, object] = {"amended": 1}
    if e.summary is not None:
        changes["summary"] = token(e.summary)
    if e.occurred_at is not None:
        changes["occurred_at"] = moment(e.occurred_at)
    revise(w, r, str(e.intervention_id), **changes)


@handles(HANDLERS, "CaseInterventions.InterventionRetracted")
def _intervention_retracted(w: Writer, r: Recorded) -> None:
    revise(w, r, str(r.event.intervention_id), retracted=1)


# --- referrals, handovers, programmes ------------------------------------------------------------

REFERRAL_LABELS = {
    "ReferralAccepted": "Referral accepted",
    "ReferralDeclined": "Referral declined",
    "ReferralWithdrawn": "Referral withdrawn",
    "ReferralCompleted": "Referral completed",
    "ReferralExpired": "Referral expired",
}


@handles(HANDLERS, "CaseReferrals.ReferralMade")
def _referral_made(w: Writer, r: Recorded) -> None:
    e = r.event
    domain = e.domain.value
    remember(w, e.referral_id, domain, ident(e.to_association_id))
    add_entry(w, r, "REFERRAL", "Referral made", domain=domain, summary=token(e.reason))


@handles(HANDLERS, *(f"CaseReferrals.{name}" for name in REFERRAL_LABELS))
def _referral_moved(w: Writer, r: Recorded) -> None:
    e = r.event
    domain, addressee = recall(w, e.referral_id)
    sealed = getattr(e, "note", None) or getattr(e, "outcome", None)
    add_entry(
        w,
        r,
        "REFERRAL",
        REFERRAL_LABELS[r.name.rsplit(".", 1)[-1]],
        domain=domain,
        association_id=_mover(e.actor, addressee),
        summary=token(sealed),
    )


def _mover(actor: Actor, addressee: str | None) -> str | None:
    """Whose entry a referral's move is: the association that moved it; the addressee's for
    the ledger's own expiry (the referral lapsed in its inbox); the network's own (no author,
    readable by all who see the case) for a withdrawal by the admin who carried out an
    erasure — attributed to the addressee, it read as the addressee's withdrawal, which only
    the sender may do, and was redacted as its sensitive entry."""
    if actor.association_id is not None:
        return ident(actor.association_id)
    return addressee if actor.role is Role.SYSTEM else None


HANDOVER_LABELS = {
    "HandoverAccepted": "Handover accepted",
    "HandoverDeclined": "Handover declined",
    "HandoverCancelled": "Handover cancelled",
}


@handles(HANDLERS, "CaseHandovers.HandoverProposed")
def _handover_proposed(w: Writer, r: Recorded) -> None:
    add_entry(w, r, "HANDOVER", "Handover proposed", summary=token(r.event.summary))


@handles(HANDLERS, *(f"CaseHandovers.{name}" for name in HANDOVER_LABELS))
def _handover_answered(w: Writer, r: Recorded) -> None:
    add_entry(w, r, "HANDOVER", HANDOVER_LABELS[r.name.rsplit(".", 1)[-1]])


@handles(HANDLERS, "CaseProgrammes.EnrolledInProgramme")
def _enrolled_in_programme(w: Writer, r: Recorded) -> None:
    add_entry(w, r, "PROGRAMME", "Enrolled in programme")


@handles(HANDLERS, "CaseProgrammes.LeftProgramme")
def _left_programme(w: Writer, r: Recorded) -> None:
    add_entry(w, r, "PROGRAMME", "Left programme")


@handles(HANDLERS, "CaseErasure.Erased")
def _erased(w: Writer, r: Recorded) -> None:
    add_entry(w, r, "ERASURE", "Personal data erased")
