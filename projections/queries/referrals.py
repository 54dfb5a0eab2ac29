"""Referrals and handovers per association (incoming, outgoing) and per case file."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from projections.cases import CasesProjection
from projections.queries import paging
from projections.queries.paging import Page
from projections.queries.served import Reader
from projections.store import ReadStore, Row, parse_moment

REFERRAL_COLUMNS = (
    "referral_id, young_person_id, from_association_id, to_association_id, domain, need_id,"
    " reason, status, made_at, responded_at, accepted_at, declined_at, decline_reason,"
    " decline_note, withdrawn_at, completed_at, outcome, expired_at, position"
)
HANDOVER_COLUMNS = (
    "handover_id, young_person_id, from_association_id, to_association_id, status, summary,"
    " proposed_at, responded_at, referent_user_id, position"
)


@dataclass(frozen=True)
class ReferralRow:
    referral_id: str
    young_person_id: str
    from_association_id: str
    to_association_id: str
    domain: str
    need_id: str | None
    reason_token: str | None
    status: str
    made_at: datetime
    responded_at: datetime | None
    accepted_at: datetime | None
    declined_at: datetime | None
    decline_reason: str | None
    decline_note_token: str | None
    withdrawn_at: datetime | None
    completed_at: datetime | None
    outcome_token: str | None
    expired_at: datetime | None
    position: int


@dataclass(frozen=True)
class HandoverRow:
    handover_id: str
    young_person_id: str
    from_association_id: str
    to_association_id: str
    status: str
    summary_token: str | None
    proposed_at: datetime
    responded_at: datetime | None
    referent_user_id: str | None
    position: int


def referral_changes(store: ReadStore, association_id: str, after: int) -> list[ReferralRow]:
    """The association's referrals (either side) changed after log position `after`, oldest
    change first: what a subscription sends next, read without the rows it has sent."""
    with store.transaction() as tx:
        rows = Reader(tx, CasesProjection).all(
            f"SELECT {REFERRAL_COLUMNS} FROM {{cases_referrals}}"
            " WHERE (to_association_id = ? OR from_association_id = ?) AND position > ?"
            " ORDER BY position LIMIT ?",
            (association_id, association_id, after, paging.MAX_PAGE),
        )
    return [referral_row(r) for r in rows]


def referrals_of_association(
    store: ReadStore,
    association_id: str,
    *,
    incoming: bool | None = None,
    status: str | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Page[ReferralRow]:
    """Addressed to (incoming), sent by (outgoing) or either; most recently changed first."""
    size = paging.page_size(first)
    sides = {
        True: ["to_association_id"],
        False: ["from_association_id"],
        None: ["to_association_id", "from_association_id"],
    }[incoming]
    conditions = [f"({' OR '.join(f'{side} = ?' for side in sides)})"]
    params: list[object] = [association_id] * len(sides)
    if status is not None:
        conditions.append("status = ?")
        params.append(status)
    if after is not None:
        (position,) = paging.decode("referrals", after, paging.is_position)
        conditions.append("position < ?")
        params.append(position)
    with store.transaction() as tx:
        rows = Reader(tx, CasesProjection).all(
            f"SELECT {REFERRAL_COLUMNS} FROM {{cases_referrals}}"
            f" WHERE {' AND '.join(conditions)} ORDER BY position DESC LIMIT ?",
            (*params, size + 1),
        )
    found = [referral_row(r) for r in rows[:size]]
    return Page(
        items=[(paging.encode("referrals", [r.position]), r) for r in found],
        has_next=len(rows) > size,
        has_previous=after is not None,
    )


def referrals_by_id(store: ReadStore, ids: Sequence[UUID]) -> dict[str, ReferralRow]:
    rows = _by_id(store, "{cases_referrals}", "referral_id", REFERRAL_COLUMNS, ids)
    return {str(r[0]): referral_row(r) for r in rows}


def referrals_of_cases(
    store: ReadStore, young_person_ids: Sequence[str]
) -> dict[str, list[ReferralRow]]:
    """Each case's referrals in the order they were made, for a whole batch of cases in one
    query (a DataLoader's: a page of young people with their referrals cost one query each)."""
    rows = _of_cases(
        store, "{cases_referrals}", REFERRAL_COLUMNS, "made_at, referral_id", young_person_ids
    )
    return _grouped([referral_row(r) for r in rows])


def handovers_of_cases(
    store: ReadStore, young_person_ids: Sequence[str]
) -> dict[str, list[HandoverRow]]:
    """Each case's handovers in the order they were proposed, for a batch of cases at once."""
    rows = _of_cases(
        store, "{cases_handovers}", HANDOVER_COLUMNS, "proposed_at, handover_id", young_person_ids
    )
    return _grouped([handover_row(r) for r in rows])


def _of_cases(
    store: ReadStore, table: str, columns: str, order: str, young_person_ids: Sequence[str]
) -> list[Row]:
    if not young_person_ids:
        return []
    marks = ", ".join("?" * len(young_person_ids))
    with store.transaction() as tx:
        return Reader(tx, CasesProjection).all(
            f"SELECT {columns} FROM {table} WHERE young_person_id IN ({marks})"
            f" ORDER BY young_person_id, {order}",
            tuple(young_person_ids),
        )


R = TypeVar("R", ReferralRow, HandoverRow)


def _grouped(rows: list[R]) -> dict[str, list[R]]:
    grouped: dict[str, list[R]] = {}
    for row in rows:
        grouped.setdefault(row.young_person_id, []).append(row)
    return grouped


def handovers_by_id(store: ReadStore, ids: Sequence[UUID]) -> dict[str, HandoverRow]:
    rows = _by_id(store, "{cases_handovers}", "handover_id", HANDOVER_COLUMNS, ids)
    return {str(r[0]): handover_row(r) for r in rows}


def _by_id(
    store: ReadStore, table: str, key: str, columns: str, ids: Sequence[UUID]
) -> list[Sequence[object]]:
    """One query for a whole batch of ids (what DataLoaders need)."""
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    with store.transaction() as tx:
        return list(
            Reader(tx, CasesProjection).all(
                f"SELECT {columns} FROM {table} WHERE {key} IN ({marks})", [str(i) for i in ids]
            )
        )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _time(value: object) -> datetime | None:
    return parse_moment(_text(value))


def referral_row(row: Sequence[object]) -> ReferralRow:
    made = _time(row[8])
    assert made is not None
    return ReferralRow(
        referral_id=str(row[0]),
        young_person_id=str(row[1]),
        from_association_id=str(row[2]),
        to_association_id=str(row[3]),
        domain=str(row[4]),
        need_id=_text(row[5]),
        reason_token=_text(row[6]),
        status=str(row[7]),
        made_at=made,
        responded_at=_time(row[9]),
        accepted_at=_time(row[10]),
        declined_at=_time(row[11]),
        decline_reason=_text(row[12]),
        decline_note_token=_text(row[13]),
        withdrawn_at=_time(row[14]),
        completed_at=_time(row[15]),
        outcome_token=_text(row[16]),
        expired_at=_time(row[17]),
        position=int(str(row[18])),
    )


def handover_row(row: Sequence[object]) -> HandoverRow:
    proposed = _time(row[6])
    assert proposed is not None
    return HandoverRow(
        handover_id=str(row[0]),
        young_person_id=str(row[1]),
        from_association_id=str(row[2]),
        to_association_id=str(row[3]),
        status=str(row[4]),
        summary_token=_text(row[5]),
        proposed_at=proposed,
        responded_at=_time(row[7]),
        referent_user_id=_text(row[8]),
        position=int(str(row[9])),
    )
