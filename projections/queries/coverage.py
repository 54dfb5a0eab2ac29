"""Needs against capacity, per territory and domain: where the network falls short, and to whom
a worker may refer a young person today.

Demand is the open needs of open case files, placed in the young person's territory; supply is
the monthly capacity that associations of that territory declare in the domain. Declines at
capacity show the demand that was turned away. Counts come from SQL, medians from Python.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from projections.cases import CasesProjection
from projections.directory import DirectoryProjection
from projections.queries.indicators import median_days
from projections.queries.served import Reader
from projections.store import ReadStore, moment

Cell = tuple[str, str]
"""(territory, domain)."""


@dataclass(frozen=True)
class CoverageCell:
    territory: str
    domain: str
    open_needs: int
    monthly_capacity: int
    """Declared by the territory's associations; an undeclared capacity counts as 0."""
    declined_at_capacity: int
    median_days_to_acceptance: float | None

    @property
    def shortfall(self) -> int:
        return self.open_needs - self.monthly_capacity


@dataclass(frozen=True)
class ServiceGap:
    territory: str
    domain: str
    shortfall: int
    open_needs: int
    monthly_capacity: int
    declined_at_capacity: int


@dataclass(frozen=True)
class Candidate:
    association_id: str
    name: str
    territory: str
    monthly_capacity: int | None
    accepted_this_month: int
    remaining_capacity: int | None
    """Negative when the association accepted more than it declared; None when unknown."""
    median_days_to_respond: float | None
    """Over every referral it answered, in any domain: how quickly it usually answers."""


def needs_coverage(store: ReadStore, territory: str | None = None) -> list[CoverageCell]:
    """Every (territory, domain) with open needs, a declared competence or declines at capacity,
    sorted by territory then domain.

    Needs of closed (or erased) case files are left out: their status stays OPEN when a case
    closes, but nobody in the network is going to serve them any more.
    """
    case_filter, params = ("", []) if territory is None else (" AND c.territory = ?", [territory])
    association_filter = "" if territory is None else " WHERE a.territory = ?"
    with store.transaction() as tx:
        reader = Reader(tx, CasesProjection, DirectoryProjection)
        needs = reader.all(
            "SELECT c.territory, n.domain, COUNT(*) FROM {cases_needs} n"
            " JOIN {cases_cases} c ON c.young_person_id = n.young_person_id"
            " WHERE n.status = 'OPEN' AND c.closed_at IS NULL AND c.erased_at IS NULL"
            f"{case_filter} GROUP BY c.territory, n.domain",
            params,
        )
        capacity = reader.all(
            "SELECT a.territory, k.domain, SUM(COALESCE(k.monthly_capacity, 0))"
            " FROM {directory_competences} k"
            " JOIN {directory_associations} a ON a.association_id = k.association_id"
            f"{association_filter} GROUP BY a.territory, k.domain",
            params,
        )
        declined = reader.all(
            "SELECT c.territory, r.domain, COUNT(*) FROM {cases_referrals} r"
            " JOIN {cases_cases} c ON c.young_person_id = r.young_person_id"
            f" WHERE r.decline_reason = 'AT_CAPACITY'{case_filter}"
            " GROUP BY c.territory, r.domain",
            params,
        )
        accepted = reader.all(
            "SELECT c.territory, r.domain, r.made_at, r.accepted_at FROM {cases_referrals} r"
            " JOIN {cases_cases} c ON c.young_person_id = r.young_person_id"
            f" WHERE r.accepted_at IS NOT NULL{case_filter}",
            params,
        )
    return _cells(_counts(needs), _counts(capacity), _counts(declined), _spans(accepted))


def service_gaps(
    store: ReadStore, territory: str | None = None, limit: int = 20
) -> list[ServiceGap]:
    """The cells where demand exceeds supply or was turned away, the widest shortfall first
    (then the most declines at capacity): where the network should add or pool capacity."""
    gaps = [
        ServiceGap(
            territory=cell.territory,
            domain=cell.domain,
            shortfall=cell.shortfall,
            open_needs=cell.open_needs,
            monthly_capacity=cell.monthly_capacity,
            declined_at_capacity=cell.declined_at_capacity,
        )
        for cell in needs_coverage(store, territory)
        if cell.shortfall > 0 or cell.declined_at_capacity > 0
    ]
    gaps.sort(key=lambda g: (-g.shortfall, -g.declined_at_capacity, g.territory, g.domain))
    return gaps[:limit]


def referral_candidates(
    store: ReadStore, domain: str, territory: str | None = None, *, today: date
) -> list[Candidate]:
    """Associations that deliver `domain` (in `territory`), the likeliest to take a referral
    first: most capacity left this month (unknown capacity last), then the fastest to answer,
    then by name. The month is today's calendar month in UTC, as times are stored."""
    conditions, params = ["k.domain = ?"], [domain]
    if territory is not None:
        conditions.append("a.territory = ?")
        params.append(territory)
    with store.transaction() as tx:
        reader = Reader(tx, CasesProjection, DirectoryProjection)
        offering = reader.all(
            "SELECT a.association_id, a.name, a.territory, k.monthly_capacity"
            " FROM {directory_competences} k"
            " JOIN {directory_associations} a ON a.association_id = k.association_id"
            f" WHERE {' AND '.join(conditions)}",
            params,
        )
        ids = [str(row[0]) for row in offering]
        accepted, answered = _referral_history(reader, ids, domain, today)
    candidates = [
        _candidate(row, accepted.get(str(row[0]), 0), answered.get(str(row[0]), []))
        for row in offering
    ]
    return sorted(candidates, key=_rank)


def _referral_history(
    reader: Reader, ids: Sequence[str], domain: str, today: date
) -> tuple[dict[str, int], dict[str, list[tuple[object, object]]]]:
    """Per association: referrals in `domain` accepted this month, and every answered one."""
    if not ids:
        return {}, {}
    marks = ", ".join("?" * len(ids))
    month_start = datetime(today.year, today.month, 1, tzinfo=UTC)
    next_month = datetime(today.year + today.month // 12, today.month % 12 + 1, 1, tzinfo=UTC)
    accepted = reader.all(
        "SELECT to_association_id, COUNT(*) FROM {cases_referrals}"
        f" WHERE to_association_id IN ({marks}) AND domain = ?"
        " AND accepted_at >= ? AND accepted_at < ? GROUP BY to_association_id",
        (*ids, domain, moment(month_start), moment(next_month)),
    )
    answered = reader.all(
        "SELECT to_association_id, made_at, responded_at FROM {cases_referrals}"
        f" WHERE to_association_id IN ({marks}) AND responded_at IS NOT NULL",
        ids,
    )
    spans: dict[str, list[tuple[object, object]]] = defaultdict(list)
    for association, made, responded in answered:
        spans[str(association)].append((made, responded))
    return {str(row[0]): int(row[1]) for row in accepted}, spans


def _candidate(
    row: Sequence[object], accepted: int, answered: list[tuple[object, object]]
) -> Candidate:
    capacity = None if row[3] is None else int(str(row[3]))
    return Candidate(
        association_id=str(row[0]),
        name=str(row[1]),
        territory=str(row[2]),
        monthly_capacity=capacity,
        accepted_this_month=accepted,
        remaining_capacity=None if capacity is None else capacity - accepted,
        median_days_to_respond=median_days(answered),
    )


def _rank(c: Candidate) -> tuple[bool, int, bool, float, str]:
    """Unknowns sort after every known value, whatever the value."""
    remaining, speed = c.remaining_capacity, c.median_days_to_respond
    return (
        remaining is None,
        0 if remaining is None else -remaining,
        speed is None,
        0.0 if speed is None else speed,
        c.name,
    )


def _counts(rows: Sequence[Sequence[object]]) -> dict[Cell, int]:
    return {(str(r[0]), str(r[1])): int(str(r[2])) for r in rows}


def _spans(rows: Sequence[Sequence[object]]) -> dict[Cell, list[tuple[object, object]]]:
    spans: dict[Cell, list[tuple[object, object]]] = defaultdict(list)
    for territory, domain, start, end in rows:
        spans[str(territory), str(domain)].append((start, end))
    return spans


def _cells(
    needs: dict[Cell, int],
    capacity: dict[Cell, int],
    declined: dict[Cell, int],
    accepted: dict[Cell, list[tuple[object, object]]],
) -> list[CoverageCell]:
    return [
        CoverageCell(
            territory=territory,
            domain=domain,
            open_needs=needs.get((territory, domain), 0),
            monthly_capacity=capacity.get((territory, domain), 0),
            declined_at_capacity=declined.get((territory, domain), 0),
            median_days_to_acceptance=median_days(accepted.get((territory, domain), [])),
        )
        for territory, domain in sorted({*needs, *capacity, *declined})
    ]
