"""Referral indicators: how referrals between associations fare, for the network's reports.

Counts are computed in SQL (portable COUNT/SUM/GROUP BY, the same on SQLite and PostgreSQL);
medians are computed in Python, because neither backend offers a portable median aggregate.
A referral belongs to the period of its `made_at` (business time): a report over March counts
the referrals made in March, each with whatever outcome it has reached so far, so a late answer
updates the month the referral was made in rather than inflating the month it arrived in.
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from domain.errors import InvalidInput
from domain.rules import require_aware
from projections.cases import CasesProjection
from projections.queries.served import Reader
from projections.store import ReadStore, moment

Grouping = Literal["association_pair", "domain", "month"]
MetricsKey = str | tuple[str, str]
"""`(from, to)` association ids for `association_pair`; the domain; or `YYYY-MM` (UTC)."""

_KEYS: dict[Grouping, tuple[str, ...]] = {
    "association_pair": ("from_association_id", "to_association_id"),
    "domain": ("domain",),
    "month": ("SUBSTR(made_at, 1, 7)",),
}
_COUNTS = (
    "COUNT(*)",
    "SUM(CASE WHEN accepted_at IS NOT NULL THEN 1 ELSE 0 END)",
    "SUM(CASE WHEN declined_at IS NOT NULL THEN 1 ELSE 0 END)",
    "SUM(CASE WHEN withdrawn_at IS NOT NULL THEN 1 ELSE 0 END)",
    "SUM(CASE WHEN expired_at IS NOT NULL THEN 1 ELSE 0 END)",
    "SUM(CASE WHEN completed_at IS NOT NULL THEN 1 ELSE 0 END)",
)
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class ReferralMetrics:
    made: int = 0
    accepted: int = 0
    """Ever accepted, whatever came next (completed, withdrawn or still open)."""
    declined: int = 0
    declined_by_reason: dict[str, int] = field(default_factory=dict)
    withdrawn: int = 0
    expired: int = 0
    completed: int = 0
    median_days_to_response: float | None = None
    """From made to the first answer (accepted or declined); withdrawals and expiries are not
    answers."""
    median_days_to_completion: float | None = None

    @property
    def closed_loop_rate(self) -> float | None:
        """The share of referrals whose service was delivered: the network's key indicator."""
        return None if self.made == 0 else self.completed / self.made


@dataclass(frozen=True)
class ReferralFilter:
    """Which referrals an indicator counts; the period is half-open: `made_from <= made_at <
    made_to`, so consecutive periods never count a referral twice."""

    made_from: datetime | None = None
    made_to: datetime | None = None
    from_association_id: str | None = None
    to_association_id: str | None = None
    domain: str | None = None

    def where(self, *extra: str) -> tuple[str, list[object]]:
        """The WHERE clause (with any `extra` conditions) and its parameters."""
        conditions = list(extra)
        params: list[object] = []
        for condition, value in (
            ("made_at >= ?", None if self.made_from is None else moment(self.made_from)),
            ("made_at < ?", None if self.made_to is None else moment(self.made_to)),
            ("from_association_id = ?", self.from_association_id),
            ("to_association_id = ?", self.to_association_id),
            ("domain = ?", self.domain),
        ):
            if value is not None:
                conditions.append(condition)
                params.append(value)
        return (f" WHERE {' AND '.join(conditions)}" if conditions else ""), params


def require_month_start(moment: datetime | None, field: str) -> None:
    """Indicators shown to people who also read case files are asked by whole months (UTC): a
    window of a few microseconds around a redacted entry's time, filtered by domain, told the
    hidden domain of that one referral. A month pools a network's referrals."""
    if moment is None:
        return
    at = require_aware(moment, field).astimezone(UTC)  # naive: read in the server's zone
    if (at.day, at.hour, at.minute, at.second, at.microsecond) != (1, 0, 0, 0, 0):
        msg = f"{field} must be the first instant of a month, in UTC (such as 2026-03-01T00:00:00Z)"
        raise InvalidInput(msg, field=field)


def referral_metrics(
    store: ReadStore,
    *,
    made_from: datetime | None = None,
    made_to: datetime | None = None,
    from_association_id: str | None = None,
    to_association_id: str | None = None,
    domain: str | None = None,
) -> ReferralMetrics:
    """The indicators of every referral the filters select, as one figure."""
    chosen = ReferralFilter(made_from, made_to, from_association_id, to_association_id, domain)
    groups = _metrics(store, (), chosen)
    return groups.get((), ReferralMetrics())


def referral_metrics_by(
    store: ReadStore,
    group: Grouping,
    *,
    made_from: datetime | None = None,
    made_to: datetime | None = None,
    from_association_id: str | None = None,
    to_association_id: str | None = None,
    domain: str | None = None,
) -> list[tuple[MetricsKey, ReferralMetrics]]:
    """The same indicators per association pair, domain or month, sorted by key; groups with
    no referral are left out."""
    chosen = ReferralFilter(made_from, made_to, from_association_id, to_association_id, domain)
    groups = _metrics(store, _KEYS[group], chosen)
    return [(_key(raw), metrics) for raw, metrics in sorted(groups.items())]


def median_days(spans: Iterable[tuple[object, object]]) -> float | None:
    """The median of `end - start` in days, over pairs of stored moments; None if none."""
    days = [_days(start, end) for start, end in spans]
    return statistics.median(days) if days else None


def _days(start: object, end: object) -> float:
    elapsed = datetime.fromisoformat(str(end)) - datetime.fromisoformat(str(start))
    return elapsed.total_seconds() / SECONDS_PER_DAY


def _key(raw: tuple[str, ...]) -> MetricsKey:
    return raw[0] if len(raw) == 1 else (raw[0], raw[1])


def _metrics(
    store: ReadStore, keys: Sequence[str], chosen: ReferralFilter
) -> dict[tuple[str, ...], ReferralMetrics]:
    """Three queries whatever the number of groups: counts, decline reasons, durations."""
    width = len(keys)
    select = "".join(f"{k}, " for k in keys)
    group_by = f" GROUP BY {', '.join(keys)}" if keys else ""
    where, params = chosen.where()
    declined, _ = chosen.where("decline_reason IS NOT NULL")
    answered, _ = chosen.where("(responded_at IS NOT NULL OR completed_at IS NOT NULL)")
    with store.transaction() as tx:
        reader = Reader(tx, CasesProjection)
        counts = reader.all(
            f"SELECT {select}{', '.join(_COUNTS)} FROM {{cases_referrals}}{where}{group_by}",
            params,
        )
        reasons = reader.all(
            f"SELECT {select}decline_reason, COUNT(*) FROM {{cases_referrals}}{declined}"
            f" GROUP BY {select}decline_reason",
            params,
        )
        times = reader.all(
            f"SELECT {select}made_at, responded_at, completed_at"
            f" FROM {{cases_referrals}}{answered}",
            params,
        )
    by_reason: dict[tuple[str, ...], dict[str, int]] = defaultdict(dict)
    for row in reasons:
        by_reason[_group(row, width)][str(row[width])] = int(row[width + 1])
    responses, completions = _spans(times, width)
    groups = {_group(row, width): row[width:] for row in counts if int(row[width]) > 0}
    return {
        group: _figures(
            figures,
            by_reason.get(group, {}),
            median_days(responses.get(group, [])),
            median_days(completions.get(group, [])),
        )
        for group, figures in groups.items()
    }


def _group(row: Sequence[object], width: int) -> tuple[str, ...]:
    return tuple(str(value) for value in row[:width])


Spans = dict[tuple[str, ...], list[tuple[object, object]]]


def _spans(rows: Sequence[Sequence[object]], width: int) -> tuple[Spans, Spans]:
    """The (made, responded) and the (made, completed) pairs of each group."""
    responses: Spans = defaultdict(list)
    completions: Spans = defaultdict(list)
    for row in rows:
        group = _group(row, width)
        made, responded, completed = row[width:]
        if responded is not None:
            responses[group].append((made, responded))
        if completed is not None:
            completions[group].append((made, completed))
    return responses, completions


def _figures(
    counts: Sequence[object],
    by_reason: dict[str, int],
    to_response: float | None,
    to_completion: float | None,
) -> ReferralMetrics:
    made, accepted, declined, withdrawn, expired, completed = (int(str(c)) for c in counts)
    return ReferralMetrics(
        made=made,
        accepted=accepted,
        declined=declined,
        declined_by_reason=dict(sorted(by_reason.items())),
        withdrawn=withdrawn,
        expired=expired,
        completed=completed,
        median_days_to_response=to_response,
        median_days_to_completion=to_completion,
    )
