"""Interventions, one row each in their current form: what evaluation counts.

The timeline keeps every *version* of an entry for as-of reads and the sealed summary for
readers; it has no duration nor programme. This table keeps the structure of each intervention
as corrected so far (amendments applied, retraction flagged) and no text at all, so indicators
and evaluation exports can sum durations per domain and programme without replaying the log.
"""

from projections.projection import Handler, Recorded, Table, Writer, handles, occurred
from projections.store import ident, moment

HANDLERS: dict[str, list[Handler]] = {}
TABLES = {
    "interventions": Table(
        "intervention_id TEXT PRIMARY KEY, young_person_id TEXT NOT NULL,"
        " association_id TEXT NOT NULL, domain TEXT NOT NULL, kind TEXT NOT NULL,"
        " occurred_at TEXT NOT NULL, duration_minutes INTEGER, goal_id TEXT, need_id TEXT,"
        " programme_id TEXT, amendments INTEGER NOT NULL, retracted_at TEXT,"
        " recorded_at TEXT NOT NULL",
        ("(young_person_id)", "(programme_id)"),
    ),
}


@handles(HANDLERS, "CaseInterventions.InterventionRecorded")
def _recorded(w: Writer, r: Recorded) -> None:
    e = r.event
    w.execute(
        "INSERT INTO {interventions} (intervention_id, young_person_id, association_id, domain,"
        " kind, occurred_at, duration_minutes, goal_id, need_id, programme_id, amendments,"
        " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
        (
            str(e.intervention_id),
            r.stream,
            ident(e.actor.association_id),
            e.domain.value,
            e.kind,
            occurred(r),
            e.duration_minutes,
            ident(e.goal_id),
            ident(e.need_id),
            ident(e.programme_id),
            r.recorded_moment,
        ),
    )


@handles(HANDLERS, "CaseInterventions.InterventionAmended")
def _amended(w: Writer, r: Recorded) -> None:
    """An amendment changes only what it names: the time, the duration (or the summary, which
    this table does not keep)."""
    e = r.event
    w.execute(
        "UPDATE {interventions} SET occurred_at = COALESCE(?, occurred_at),"
        " duration_minutes = COALESCE(?, duration_minutes), amendments = amendments + 1"
        " WHERE intervention_id = ?",
        (
            None if e.occurred_at is None else moment(e.occurred_at),
            e.duration_minutes,
            str(e.intervention_id),
        ),
    )


@handles(HANDLERS, "CaseInterventions.InterventionRetracted")
def _retracted(w: Writer, r: Recorded) -> None:
    w.execute(
        "UPDATE {interventions} SET retracted_at = ? WHERE intervention_id = ?",
        (moment(r.event.retracted_at), str(r.event.intervention_id)),
    )
