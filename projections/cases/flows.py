"""Referrals and handovers, one row each, with the time of every state they went through."""

from projections.cases.overview import token
from projections.projection import Handler, Recorded, Table, Writer, handles, occurred
from projections.store import ident, moment

HANDLERS: dict[str, list[Handler]] = {}
TABLES = {
    "referrals": Table(
        "referral_id TEXT PRIMARY KEY, young_person_id TEXT NOT NULL,"
        " from_association_id TEXT NOT NULL, to_association_id TEXT NOT NULL,"
        " domain TEXT NOT NULL, need_id TEXT, reason TEXT, status TEXT NOT NULL,"
        " made_at TEXT NOT NULL, awaiting_since TEXT NOT NULL, responded_at TEXT,"
        " accepted_at TEXT, declined_at TEXT,"
        " decline_reason TEXT, decline_note TEXT, withdrawn_at TEXT, completed_at TEXT,"
        " outcome TEXT, expired_at TEXT, recorded_at TEXT NOT NULL, position BIGINT NOT NULL",
        (
            "(to_association_id, position)",
            "(from_association_id, position)",
            "(young_person_id)",
            "(status, awaiting_since)",
            "(made_at)",
        ),
    ),
    "handovers": Table(
        "handover_id TEXT PRIMARY KEY, young_person_id TEXT NOT NULL,"
        " from_association_id TEXT NOT NULL, to_association_id TEXT NOT NULL,"
        " status TEXT NOT NULL, summary TEXT, proposed_at TEXT NOT NULL, responded_at TEXT,"
        " referent_user_id TEXT, position BIGINT NOT NULL",
        ("(young_person_id)", "(to_association_id, status)"),
    ),
}


@handles(HANDLERS, "CaseReferrals.ReferralMade")
def _referral_made(w: Writer, r: Recorded) -> None:
    e = r.event
    w.execute(
        "INSERT INTO {referrals} (referral_id, young_person_id, from_association_id,"
        " to_association_id, domain, need_id, reason, status, made_at, awaiting_since,"
        " recorded_at, position) VALUES (?, ?, ?, ?, ?, ?, ?, 'MADE', ?, ?, ?, ?)",
        (
            str(e.referral_id),
            r.stream,
            ident(e.actor.association_id),
            str(e.to_association_id),
            e.domain.value,
            ident(e.need_id),
            token(e.reason),
            occurred(r),
            moment(e.awaiting_since),
            r.recorded_moment,
            r.position,
        ),
    )


def move_referral(w: Writer, r: Recorded, status: str, **columns: object) -> None:
    """Sets the status; a first answer to a made referral also sets `responded_at`."""
    assignments = "".join(f", {name} = ?" for name in columns)
    responded = status in ("ACCEPTED", "DECLINED")
    w.execute(
        f"UPDATE {{referrals}} SET status = ?, position = ?{assignments}"
        + (", responded_at = COALESCE(responded_at, ?)" if responded else "")
        + " WHERE referral_id = ?",
        (
            status,
            r.position,
            *columns.values(),
            *((occurred(r),) if responded else ()),
            str(r.event.referral_id),
        ),
    )


@handles(HANDLERS, "CaseReferrals.ReferralAccepted")
def _accepted(w: Writer, r: Recorded) -> None:
    move_referral(w, r, "ACCEPTED", accepted_at=occurred(r))


@handles(HANDLERS, "CaseReferrals.ReferralDeclined")
def _declined(w: Writer, r: Recorded) -> None:
    e = r.event
    move_referral(
        w,
        r,
        "DECLINED",
        declined_at=occurred(r),
        decline_reason=e.reason.value,
        decline_note=token(e.note),
    )


@handles(HANDLERS, "CaseReferrals.ReferralWithdrawn")
def _withdrawn(w: Writer, r: Recorded) -> None:
    move_referral(w, r, "WITHDRAWN", withdrawn_at=occurred(r))


@handles(HANDLERS, "CaseReferrals.ReferralCompleted")
def _completed(w: Writer, r: Recorded) -> None:
    move_referral(w, r, "COMPLETED", completed_at=occurred(r), outcome=token(r.event.outcome))


@handles(HANDLERS, "CaseReferrals.ReferralExpired")
def _expired(w: Writer, r: Recorded) -> None:
    move_referral(w, r, "EXPIRED", expired_at=occurred(r))


@handles(HANDLERS, "CaseHandovers.HandoverProposed")
def _handover_proposed(w: Writer, r: Recorded) -> None:
    e = r.event
    w.execute(
        "INSERT INTO {handovers} (handover_id, young_person_id, from_association_id,"
        " to_association_id, status, summary, proposed_at, position)"
        " VALUES (?, ?, ?, ?, 'PROPOSED', ?, ?, ?)",
        (
            str(e.handover_id),
            r.stream,
            ident(e.actor.association_id),
            str(e.to_association_id),
            token(e.summary),
            occurred(r),
            r.position,
        ),
    )


HANDOVER_STATUS = {
    "HandoverAccepted": "ACCEPTED",
    "HandoverDeclined": "DECLINED",
    "HandoverCancelled": "CANCELLED",
}


@handles(HANDLERS, *(f"CaseHandovers.{name}" for name in HANDOVER_STATUS))
def _handover_answered(w: Writer, r: Recorded) -> None:
    e = r.event
    w.execute(
        "UPDATE {handovers} SET status = ?, responded_at = ?, referent_user_id = ?, position = ?"
        " WHERE handover_id = ?",
        (
            HANDOVER_STATUS[r.name.rsplit(".", 1)[-1]],
            occurred(r),
            getattr(e, "referent_user_id", None),
            r.position,
            str(e.handover_id),
        ),
    )
