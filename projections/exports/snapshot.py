"""The read models as at one ledger position: read live, or replayed into a scratch store.

An export must be a function of a ledger position, so that `--at-position N` a year later gives
the same bytes. Live read models have moved on by then, so an export "as at N" replays the two
projections it reads (cases, directory) from the log up to N into a private scratch store. A
live export reads the served tables in one consistent transaction (PostgreSQL: REPEATABLE READ;
SQLite: the read store's write-locked transaction), and only once both projections stand at the
same position — the position the manifest then records; if they keep disagreeing (a worker
between two batches, a failed projection), it replays instead, at the most advanced one.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from projections import positions
from projections.cases import CasesProjection
from projections.directory import DirectoryProjection
from projections.exports.errors import ExportError
from projections.leadership import SoleLeadership
from projections.positions import LIVE
from projections.projection import Projection
from projections.queries.served import Reader
from projections.runner import ProjectionRunner
from projections.source import EventSource
from projections.store import ReadStore, Tx

EXPORTED: tuple[type[Projection], ...] = (CasesProjection, DirectoryProjection)
LIVE_ATTEMPTS = 20
LIVE_PAUSE_SECONDS = 0.05
REPLAY_BATCH = 5000

SOURCES: dict[str, tuple[str, str]] = {
    "cases": (
        "cases_cases",
        "young_person_id, territory, lead_association_id, enrolled_at, closed_at, erased_at,"
        " date_of_birth",
    ),
    "needs": (
        "cases_needs",
        "need_id, young_person_id, domain, severity, identified_at, identified_by, status,"
        " met_at, closed_at",
    ),
    "goals": (
        "cases_goals",
        "goal_id, young_person_id, domain, target_date, progress, status, added_at, added_by,"
        " reviewed_at",
    ),
    "consents": (
        "cases_consents",
        "consent_id, young_person_id, sensitivities, recipients, given_by, given_at, expires_on,"
        " withdrawn_at",
    ),
    "enrolments": ("cases_enrolments", "young_person_id, programme_id, enrolled_at, left_at"),
    "referrals": (
        "cases_referrals",
        "referral_id, young_person_id, from_association_id, to_association_id, domain, need_id,"
        " status, made_at, responded_at, accepted_at, declined_at, decline_reason, withdrawn_at,"
        " completed_at, expired_at",
    ),
    "handovers": (
        "cases_handovers",
        "handover_id, young_person_id, from_association_id, to_association_id, status,"
        " proposed_at, responded_at",
    ),
    "interventions": (
        "cases_interventions",
        "intervention_id, young_person_id, association_id, domain, kind, occurred_at,"
        " duration_minutes, goal_id, need_id, programme_id, amendments, retracted_at",
    ),
    "associations": ("directory_associations", "association_id, name, territory, registered_at"),
    "competences": ("directory_competences", "association_id, domain, monthly_capacity"),
    "programmes": (
        "directory_programmes",
        "programme_id, name, capacity, starts_on, ends_on, closed_at, launched_at",
    ),
    "components": ("directory_components", "programme_id, association_id, domain"),
}
"""What an export may read, table by table: no sealed token but the date of birth (opened once,
to a birth-year band), no worker id, no free text."""

Progress = Callable[[int], None]
Sink = Callable[[Reader], None]
"""Reads the exported tables, within the snapshot's transaction (the reader names them)."""


@dataclass(frozen=True)
class Snapshot:
    position: int
    replayed: bool
    versions: dict[str, int]
    """The code version of each projection read (the served generation's, when live)."""


def live(store: ReadStore, sink: Sink) -> Snapshot | None:
    """The served read models, when both stand at one position; None if they never did, or if
    one is served by a generation of older code (still rebuilding after an upgrade): its tables
    lack what this code reads, and a replay gives what this code would have built."""
    for attempt in range(LIVE_ATTEMPTS):
        if attempt:
            time.sleep(LIVE_PAUSE_SECONDS)
        with store.transaction() as tx:
            _consistent(tx)
            served = {g.name: g for g in positions.all_generations(tx) if g.served}
            mine = [served.get(p.name) for p in EXPORTED]
            if any(
                g is None or g.version != p.version for g, p in zip(mine, EXPORTED, strict=True)
            ):
                return None
            reached = {g.position for g in mine if g is not None}
            if len(reached) == 1:
                versions = {g.name: g.version for g in mine if g is not None}
                sink(Reader(tx, *EXPORTED))
                return Snapshot(reached.pop(), False, versions)
    return None


def live_position(store: ReadStore) -> int:
    """The most advanced position of the exported projections (0 when never prepared)."""
    with store.transaction() as tx:
        names = {p.name for p in EXPORTED}
        reached = [g.position for g in positions.all_generations(tx) if g.name in names]
    return max(reached, default=0)


def replayed(
    source: EventSource,
    scratch: Callable[[], ReadStore],
    position: int,
    sink: Sink,
    progress: Progress | None = None,
) -> Snapshot:
    """Replays the exported projections from the log up to `position` into a fresh store."""
    store = scratch()
    try:
        runner = ProjectionRunner(
            store, source, EXPORTED, SoleLeadership(), batch_size=REPLAY_BATCH
        )
        try:
            runner.prepare()
            while read := runner.catch_up(max_batches=1, until=position):
                if progress is not None:
                    progress(read)
            _refuse_stopped(runner, position)
        finally:
            runner.close()
        with store.transaction() as tx:
            sink(Reader(tx, *EXPORTED))
    finally:
        store.close()
    return Snapshot(position, True, {p.name: p.version for p in EXPORTED})


def _refuse_stopped(runner: ProjectionRunner, position: int) -> None:
    """A projection failing during the replay stops there (and the others wait for the access
    facts): exported anyway, the files would claim a position their tables never reached."""
    for generation in runner.generations():
        if generation.served and generation.status != LIVE:
            msg = (
                f"the read models could not be replayed to position {position}: {generation.name}"
                f" stopped at position {generation.failed_position} ({generation.error});"
                " fix the projection, or export as at an earlier position"
            )
            raise ExportError("REPLAY_FAILED", msg, "at_position")


def _consistent(tx: Tx) -> None:
    """Every query of the transaction sees one state of the database (SQLite's write-locked
    transaction already does)."""
    if tx.dialect == "postgres":
        tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
