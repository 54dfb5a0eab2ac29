"""Access facts: who is involved with whom, why, and since when (ledger time).

One row per (young person, association, relation, source) with the recorded time it started
and ended: the lead, an open referral or a pending handover addressed to the association, or a
partnership in a programme the young person is enrolled in. The authorisation policy reads the
open rows (`valid_to IS NULL`) and the consents; audits read the periods.
"""

from projections.projection import Handler, Recorded, Table, Writer, handles

HANDLERS: dict[str, list[Handler]] = {}
TABLES = {
    "involvements": Table(
        "young_person_id TEXT NOT NULL, association_id TEXT NOT NULL, relation TEXT NOT NULL,"
        " source_id TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT",
        (
            "(association_id, young_person_id) WHERE valid_to IS NULL",
            "(young_person_id, association_id)",
            "(source_id)",
        ),
    ),
    "programme_partners": Table(
        "programme_id TEXT NOT NULL, association_id TEXT NOT NULL,"
        " PRIMARY KEY (programme_id, association_id)"
    ),
}


def begin(
    w: Writer, r: Recorded, young_person: str, association: str, relation: str, source: str
) -> None:
    w.execute(
        "INSERT INTO {involvements} (young_person_id, association_id, relation, source_id,"
        " valid_from) VALUES (?, ?, ?, ?, ?)",
        (young_person, association, relation, source, r.recorded_moment),
    )


def end(
    w: Writer,
    r: Recorded,
    source: str,
    *,
    association: str | None = None,
    young_person: str | None = None,
) -> None:
    """Ends the open involvements that came from `source` (optionally for one party)."""
    conditions = ["source_id = ?", "valid_to IS NULL"]
    params: list[object] = [r.recorded_moment, source]
    if association is not None:
        conditions.append("association_id = ?")
        params.append(association)
    if young_person is not None:
        conditions.append("young_person_id = ?")
        params.append(young_person)
    w.execute(f"UPDATE {{involvements}} SET valid_to = ? WHERE {' AND '.join(conditions)}", params)


@handles(HANDLERS, "YoungPerson.Enrolled")
def _enrolled(w: Writer, r: Recorded) -> None:
    case = r.stream
    begin(w, r, case, str(r.event.lead_association_id), "LEAD", case)


@handles(HANDLERS, "CaseHandovers.HandoverProposed")
def _handover_proposed(w: Writer, r: Recorded) -> None:
    e = r.event
    begin(w, r, r.stream, str(e.to_association_id), "HANDOVER", str(e.handover_id))


@handles(HANDLERS, "CaseHandovers.HandoverDeclined", "CaseHandovers.HandoverCancelled")
def _handover_ended(w: Writer, r: Recorded) -> None:
    end(w, r, str(r.event.handover_id))


@handles(HANDLERS, "CaseHandovers.HandoverAccepted")
def _handover_accepted(w: Writer, r: Recorded) -> None:
    case = r.stream
    row = w.fetchone(
        "SELECT association_id FROM {involvements} WHERE source_id = ? AND valid_to IS NULL",
        (str(r.event.handover_id),),
    )
    assert row is not None, "a pending handover has an open involvement"
    end(w, r, str(r.event.handover_id))
    end(w, r, case, young_person=case)
    begin(w, r, case, str(row[0]), "LEAD", case)


@handles(HANDLERS, "CaseReferrals.ReferralMade")
def _referral_made(w: Writer, r: Recorded) -> None:
    e = r.event
    begin(w, r, r.stream, str(e.to_association_id), "REFERRAL", str(e.referral_id))


@handles(
    HANDLERS,
    "CaseReferrals.ReferralDeclined",
    "CaseReferrals.ReferralWithdrawn",
    "CaseReferrals.ReferralCompleted",
    "CaseReferrals.ReferralExpired",
)
def _referral_closed(w: Writer, r: Recorded) -> None:
    end(w, r, str(r.event.referral_id))


@handles(HANDLERS, "Programme.Launched")
def _launched(w: Writer, r: Recorded) -> None:
    w.executemany(
        "INSERT INTO {programme_partners} (programme_id, association_id) VALUES (?, ?)",
        [(r.stream, str(a)) for a in r.event.partners],
    )


def enrolled_young_people(w: Writer, programme: str) -> list[str]:
    rows = w.fetchall(
        "SELECT young_person_id FROM {enrolments} WHERE programme_id = ? AND left_at IS NULL",
        (programme,),
    )
    return [str(row[0]) for row in rows]


@handles(HANDLERS, "Programme.PartnerJoined")
def _partner_joined(w: Writer, r: Recorded) -> None:
    programme, association = r.stream, str(r.event.association_id)
    w.execute(
        "INSERT INTO {programme_partners} (programme_id, association_id) VALUES (?, ?)",
        (programme, association),
    )
    for young_person in enrolled_young_people(w, programme):
        begin(w, r, young_person, association, "PROGRAMME", programme)


@handles(HANDLERS, "Programme.PartnerLeft")
def _partner_left(w: Writer, r: Recorded) -> None:
    programme, association = r.stream, str(r.event.association_id)
    w.execute(
        "DELETE FROM {programme_partners} WHERE programme_id = ? AND association_id = ?",
        (programme, association),
    )
    end(w, r, programme, association=association)


@handles(HANDLERS, "CaseProgrammes.EnrolledInProgramme")
def _enrolled_in_programme(w: Writer, r: Recorded) -> None:
    programme = str(r.event.programme_id)
    partners = w.fetchall(
        "SELECT association_id FROM {programme_partners} WHERE programme_id = ?", (programme,)
    )
    for (association,) in partners:
        begin(w, r, r.stream, str(association), "PROGRAMME", programme)


@handles(HANDLERS, "CaseProgrammes.LeftProgramme")
def _left_programme(w: Writer, r: Recorded) -> None:
    end(w, r, str(r.event.programme_id), young_person=r.stream)
