"""The parts of a case file the API lists: needs, goals, consents, mentors, enrolments."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from projections.cases import CasesProjection
from projections.queries.cases import ConsentScope, consent_scope
from projections.queries.served import Reader
from projections.store import ReadStore, parse_moment


@dataclass(frozen=True)
class NeedRow:
    need_id: str
    domain: str
    severity: int
    description_token: str | None
    identified_at: datetime
    identified_by: str
    status: str
    met_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True)
class GoalRow:
    goal_id: str
    domain: str
    description_token: str | None
    target_date: date | None
    progress: int
    status: str
    added_at: datetime
    added_by: str | None


@dataclass(frozen=True)
class MentorRow:
    user_id: str
    association_id: str


@dataclass(frozen=True)
class EnrolmentRow:
    programme_id: str
    enrolled_at: datetime
    left_at: datetime | None


@dataclass(frozen=True)
class CaseDetails:
    needs: tuple[NeedRow, ...]
    goals: tuple[GoalRow, ...]
    consents: tuple[ConsentScope, ...]
    mentors: tuple[MentorRow, ...]
    enrolments: tuple[EnrolmentRow, ...]


def case_details(store: ReadStore, young_person_id: UUID) -> CaseDetails:
    return case_details_of(store, [young_person_id])[str(young_person_id)]


def case_details_of(store: ReadStore, ids: Sequence[UUID | str]) -> dict[str, CaseDetails]:
    """Everything listed on any number of case files, in one transaction (one consistent
    snapshot) of five queries: the batch load of the API's DataLoader."""
    keys = list(dict.fromkeys(str(i) for i in ids))
    if not keys:
        return {}
    marks = ", ".join("?" * len(keys))
    where = f"WHERE young_person_id IN ({marks})"
    with store.transaction() as tx:
        read = Reader(tx, CasesProjection)
        needs = read.all(
            "SELECT young_person_id, need_id, domain, severity, description, identified_at,"
            f" identified_by, status, met_at, closed_at FROM {{cases_needs}} {where}"
            " ORDER BY identified_at, need_id",
            keys,
        )
        goals = read.all(
            "SELECT young_person_id, goal_id, domain, description, target_date, progress, status,"
            f" added_at, added_by FROM {{cases_goals}} {where} ORDER BY added_at, goal_id",
            keys,
        )
        consents = read.all(
            "SELECT young_person_id, consent_id, sensitivities, recipients, purpose, given_by,"
            f" given_at, expires_on, withdrawn_at FROM {{cases_consents}} {where}"
            " ORDER BY given_at, consent_id",
            keys,
        )
        mentors = read.all(
            f"SELECT young_person_id, user_id, association_id FROM {{cases_mentors}} {where}"
            " ORDER BY user_id",
            keys,
        )
        enrolments = read.all(
            "SELECT young_person_id, programme_id, enrolled_at, left_at FROM {cases_enrolments}"
            f" {where} ORDER BY enrolled_at, programme_id",
            keys,
        )

    def of(rows: Sequence[Sequence[object]], key: str) -> list[Sequence[object]]:
        return [r[1:] for r in rows if str(r[0]) == key]

    return {
        key: CaseDetails(
            needs=tuple(_need(r) for r in of(needs, key)),
            goals=tuple(_goal(r) for r in of(goals, key)),
            consents=tuple(consent_scope(r) for r in of(consents, key)),
            mentors=tuple(MentorRow(str(r[0]), str(r[1])) for r in of(mentors, key)),
            enrolments=tuple(
                EnrolmentRow(str(r[0]), _moment(r[1]), parse_moment(_text(r[2])))
                for r in of(enrolments, key)
            ),
        )
        for key in keys
    }


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _moment(value: object) -> datetime:
    parsed = parse_moment(str(value))
    assert parsed is not None
    return parsed


def _need(r: Sequence[object]) -> NeedRow:
    return NeedRow(
        need_id=str(r[0]),
        domain=str(r[1]),
        severity=int(str(r[2])),
        description_token=_text(r[3]),
        identified_at=_moment(r[4]),
        identified_by=str(r[5]),
        status=str(r[6]),
        met_at=parse_moment(_text(r[7])),
        closed_at=parse_moment(_text(r[8])),
    )


def _goal(r: Sequence[object]) -> GoalRow:
    return GoalRow(
        goal_id=str(r[0]),
        domain=str(r[1]),
        description_token=_text(r[2]),
        target_date=None if r[3] is None else date.fromisoformat(str(r[3])),
        progress=int(str(r[4])),
        status=str(r[5]),
        added_at=_moment(r[6]),
        added_by=_text(r[7]),
    )
