"""A case file's overview and its access facts, as the authorisation policy and the API need."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from projections import positions
from projections.cases import CasesProjection
from projections.queries import paging
from projections.queries.paging import Page
from projections.queries.served import Reader
from projections.store import ReadStore, parse_moment


@dataclass(frozen=True)
class CaseOverview:
    young_person_id: str
    territory: str
    lead_association_id: str
    referent_user_id: str
    enrolled_at: datetime
    closed_at: datetime | None
    erased_at: datetime | None
    plan_agreed_at: datetime | None
    first_name: str | None
    last_name: str | None
    date_of_birth: str | None
    contact: str | None
    """Sealed tokens: opened by the API for a viewer who may read them."""

    @property
    def status(self) -> str:
        if self.erased_at is not None:
            return "ERASED"
        return "OPEN" if self.closed_at is None else "CLOSED"


@dataclass(frozen=True)
class Involvement:
    association_id: str
    relation: str
    source_id: str
    valid_from: datetime
    valid_to: datetime | None


@dataclass(frozen=True)
class ConsentScope:
    consent_id: str
    sensitivities: tuple[str, ...]
    recipients: tuple[str, ...] | None
    purpose_token: str | None
    given_by: str
    given_at: datetime
    expires_on: date | None
    withdrawn_at: datetime | None

    def active_on(self, day: date) -> bool:
        expired = self.expires_on is not None and day > self.expires_on
        return self.withdrawn_at is None and not expired


@dataclass(frozen=True)
class AccessFacts:
    """What authorisation decides from: current involvements and consents of one case."""

    young_person_id: str
    exists: bool
    lead_association_id: str | None
    involvements: tuple[Involvement, ...]
    consents: tuple[ConsentScope, ...]

    def relations_of(self, association_id: str) -> frozenset[str]:
        return frozenset(
            i.relation
            for i in self.involvements
            if i.association_id == association_id and i.valid_to is None
        )

    def consented_sensitivities(self, association_id: str, on: date) -> frozenset[str]:
        """What an involved association may read of *other* associations' entries: only the
        sensitivities an active consent covers for it (its own entries it always reads)."""
        if not self.relations_of(association_id):
            return frozenset()
        return frozenset(
            s
            for c in self.consents
            if c.active_on(on) and (c.recipients is None or association_id in c.recipients)
            for s in c.sensitivities
        )


CASE_COLUMNS = (
    "young_person_id, territory, lead_association_id, referent_user_id, enrolled_at, closed_at,"
    " erased_at, plan_agreed_at, first_name, last_name, date_of_birth, contact"
)


def case_overview(store: ReadStore, young_person_id: UUID) -> CaseOverview | None:
    with store.transaction() as tx:
        row = Reader(tx, CasesProjection).one(
            f"SELECT {CASE_COLUMNS} FROM {{cases_cases}} WHERE young_person_id = ?",
            (str(young_person_id),),
        )
    return None if row is None else _case(row)


def case_overviews(store: ReadStore, ids: Sequence[UUID]) -> dict[str, CaseOverview]:
    """Batch load for DataLoaders: one query for any number of ids."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    with store.transaction() as tx:
        rows = Reader(tx, CasesProjection).all(
            f"SELECT {CASE_COLUMNS} FROM {{cases_cases}} WHERE young_person_id IN ({marks})",
            [str(i) for i in ids],
        )
    return {str(row[0]): _case(row) for row in rows}


def access_facts(store: ReadStore, young_person_id: UUID) -> AccessFacts:
    return access_facts_of(store, [young_person_id])[str(young_person_id)]


def access_facts_of(store: ReadStore, ids: Sequence[UUID | str]) -> dict[str, AccessFacts]:
    """Batch load for DataLoaders: the facts of any number of cases in three queries (a case
    the read model does not know gets facts that say it does not exist)."""
    keys = list(dict.fromkeys(str(i) for i in ids))
    if not keys:
        return {}
    marks = ", ".join("?" * len(keys))
    with store.transaction() as tx:
        reader = Reader(tx, CasesProjection)
        leads = reader.all(
            "SELECT young_person_id, lead_association_id FROM {cases_cases}"
            f" WHERE young_person_id IN ({marks})",
            keys,
        )
        involvements = reader.all(
            "SELECT young_person_id, association_id, relation, source_id, valid_from, valid_to"
            f" FROM {{cases_involvements}} WHERE young_person_id IN ({marks})"
            " AND valid_to IS NULL",
            keys,
        )
        consents = reader.all(
            "SELECT young_person_id, consent_id, sensitivities, recipients, purpose, given_by,"
            " given_at, expires_on, withdrawn_at FROM {cases_consents}"
            f" WHERE young_person_id IN ({marks})",
            keys,
        )
    lead_of = {str(r[0]): str(r[1]) for r in leads}
    involved: dict[str, list[Involvement]] = {key: [] for key in keys}
    for r in involvements:
        involved[str(r[0])].append(_involvement(r[1:]))
    consented: dict[str, list[ConsentScope]] = {key: [] for key in keys}
    for r in consents:
        consented[str(r[0])].append(consent_scope(r[1:]))
    return {
        key: AccessFacts(
            young_person_id=key,
            exists=key in lead_of,
            lead_association_id=lead_of.get(key),
            involvements=tuple(involved[key]),
            consents=tuple(consented[key]),
        )
        for key in keys
    }


def young_people_involving(
    store: ReadStore, association_id: str, first: int | None = None, after: str | None = None
) -> Page[CaseOverview]:
    """The case files an association is currently involved with, oldest enrolment first."""
    size = paging.page_size(first)
    conditions = ["i.association_id = ?", "i.valid_to IS NULL"]
    params: list[object] = [association_id]
    if after is not None:
        enrolled, young_person = paging.decode(
            "young-people", after, paging.is_moment, paging.is_identifier
        )
        conditions.append("(c.enrolled_at, c.young_person_id) > (?, ?)")
        params += [enrolled, young_person]
    columns = ", ".join(f"c.{c.strip()}" for c in CASE_COLUMNS.split(","))
    with store.transaction() as tx:
        rows = Reader(tx, CasesProjection).all(
            f"SELECT DISTINCT {columns} FROM {{cases_involvements}} i JOIN {{cases_cases}} c"
            f" ON c.young_person_id = i.young_person_id WHERE {' AND '.join(conditions)}"
            " ORDER BY c.enrolled_at, c.young_person_id LIMIT ?",
            (*params, size + 1),
        )
    cases = [_case(r) for r in rows[:size]]
    return Page(
        items=[
            (paging.encode("young-people", [str(r[4]), str(r[0])]), c)
            for r, c in zip(rows, cases, strict=False)
        ],
        has_next=len(rows) > size,
        has_previous=after is not None,
    )


def _case(row: Sequence[object]) -> CaseOverview:
    def text(i: int) -> str | None:
        return None if row[i] is None else str(row[i])

    enrolled = parse_moment(str(row[4]))
    assert enrolled is not None
    return CaseOverview(
        young_person_id=str(row[0]),
        territory=str(row[1]),
        lead_association_id=str(row[2]),
        referent_user_id=str(row[3]),
        enrolled_at=enrolled,
        closed_at=parse_moment(text(5)),
        erased_at=parse_moment(text(6)),
        plan_agreed_at=parse_moment(text(7)),
        first_name=text(8),
        last_name=text(9),
        date_of_birth=text(10),
        contact=text(11),
    )


def _involvement(row: Sequence[object]) -> Involvement:
    valid_from = parse_moment(str(row[3]))
    assert valid_from is not None
    return Involvement(
        association_id=str(row[0]),
        relation=str(row[1]),
        source_id=str(row[2]),
        valid_from=valid_from,
        valid_to=parse_moment(None if row[4] is None else str(row[4])),
    )


def consent_scope(row: Sequence[object]) -> ConsentScope:
    given = parse_moment(str(row[5]))
    assert given is not None
    return ConsentScope(
        consent_id=str(row[0]),
        sensitivities=tuple(str(row[1]).split(",")),
        recipients=None if row[2] is None else tuple(str(row[2]).split(",")),
        purpose_token=None if row[3] is None else str(row[3]),
        given_by=str(row[4]),
        given_at=given,
        expires_on=None if row[6] is None else date.fromisoformat(str(row[6])),
        withdrawn_at=parse_moment(None if row[7] is None else str(row[7])),
    )


def facts_position(store: ReadStore) -> int:
    """How far in the log the access facts are: an entry of another projection written at a
    later position may rest on a consent withdrawal or an ended involvement the facts do not
    show yet, and waits until they do."""
    with store.transaction() as tx:
        return positions.served_position(tx, CasesProjection.name)
