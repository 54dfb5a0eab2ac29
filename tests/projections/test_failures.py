"""A projection that fails on an event stops there, says so loudly, and never skips it."""

import logging
import sqlite3
from pathlib import Path

import pytest

from projections.cases import CasesProjection
from projections.positions import FAILED, LIVE, STALE
from projections.projection import Handler, Recorded, Writer, handles
from projections.queries.timeline import timeline_page
from projections.store import SQLiteReadStore
from projections.timeline import TimelineProjection
from tests.projections.broken import BrokenCases
from tests.projections.conftest import World

BROKEN: dict[str, list[Handler]] = {}


@handles(BROKEN, "YoungPerson.Enrolled")
def _explode(w: Writer, r: Recorded) -> None:
    msg = "cannot project this enrolment"
    raise ValueError(msg)


class BrokenTimeline(TimelineProjection):
    handlers = {**TimelineProjection.handlers, "YoungPerson.Enrolled": [_explode]}


def _refused_pipelined(w: Writer, r: Recorded) -> None:
    if w.pipelined:
        msg = "refused by the pipelined path only"
        raise ValueError(msg)


class PipelineShyTimeline(TimelineProjection):
    handlers = {
        **TimelineProjection.handlers,
        "YoungPerson.Enrolled": [
            _refused_pipelined,
            *TimelineProjection.handlers["YoungPerson.Enrolled"],
        ],
    }


def test_a_batch_refused_only_pipelined_is_written_and_the_difference_reported(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """What only the pipelined path does (multi-row inserts, batched updates) must never refuse
    what statement-by-statement sending takes; if it does, the batch is still written, and a
    warning says so instead of the retry hiding it."""
    world.caught_up()
    runner = world.parcours.projections
    runner.projections["timeline"] = PipelineShyTimeline
    world.network.enrol()

    with caplog.at_level(logging.WARNING, logger="parcours.projections"):
        runner.catch_up()

    state = {g.name: g for g in runner.generations() if g.served}
    assert state["timeline"].status == LIVE
    assert state["timeline"].position == runner.source.head()
    assert "failed pipelined and was written statement by statement" in caplog.text
    assert "refused by the pipelined path only" in caplog.text


@pytest.mark.parametrize("at_once", [False, True], ids=["one-after-the-other", "at-once"])
def test_a_failing_projection_stops_at_the_event_and_reports_it(
    world: World, caplog: pytest.LogCaptureFixture, at_once: bool
) -> None:
    world.caught_up()
    runner = world.parcours.projections
    runner.concurrent_from = 1 if at_once else 10**9
    runner.projections["timeline"] = BrokenTimeline
    head_before = runner.source.head()
    world.network.enrol()

    with caplog.at_level(logging.ERROR, logger="parcours.projections"):
        runner.catch_up()

    state = {g.name: g for g in runner.generations() if g.served}
    assert state["timeline"].status == FAILED
    assert state["timeline"].failed_position == head_before + 1
    assert state["timeline"].position == head_before
    assert "cannot project this enrolment" in (state["timeline"].error or "")
    assert "stopped at position" in caplog.text
    assert state["cases"].status == LIVE
    assert state["cases"].position == runner.source.head()


@pytest.mark.parametrize("at_once", [False, True], ids=["one-after-the-other", "at-once"])
def test_an_event_that_cannot_be_decoded_fails_the_projections_that_read_it(
    world: World, at_once: bool
) -> None:
    """Not the runner: the other projections go on (a class renamed without its topic kept
    would otherwise stop every projection at every restart). The access facts read every
    event of a case file: when they are the ones failing, the others wait for them
    (`test_no_projection_goes_past_the_access_facts_where_they_failed`)."""
    world.caught_up()
    runner = world.parcours.projections
    runner.concurrent_from = 1 if at_once else 10**9
    world.network.ledger.register_association(world.network.admin, name="Late", territory="93")
    young_person = world.network.enrol()
    read = runner.source.read

    def undecodable_registrations(after: int, limit: int) -> list[Recorded]:
        batch = read(after, limit)
        for recorded in batch:
            if recorded.name == "Association.Registered":
                recorded._decode = _undecodable
        return batch

    runner.source.read = undecodable_registrations  # type: ignore[method-assign]
    runner.catch_up()

    state = {g.name: g for g in runner.generations() if g.served}
    assert state["directory"].status == FAILED
    assert "cannot be decoded" in (state["directory"].error or "")
    assert state["cases"].status == state["timeline"].status == LIVE
    assert state["timeline"].position == runner.source.head()

    page = timeline_page(world.parcours.read_store, young_person)
    assert [entry.kind for _, entry in page.items] == ["ENROLMENT"]


def _undecodable() -> object:
    msg = "this event cannot be decoded"
    raise ValueError(msg)


def test_once_fixed_a_failed_projection_resumes_at_the_event_it_failed_on(world: World) -> None:
    world.caught_up()
    runner = world.parcours.projections
    runner.projections["timeline"] = BrokenTimeline
    young_person = world.network.enrol()
    runner.catch_up()

    runner.projections["timeline"] = TimelineProjection
    runner.prepare()
    runner.catch_up()

    page = timeline_page(world.parcours.read_store, young_person)
    assert [entry.kind for _, entry in page.items] == ["ENROLMENT"]
    assert {g.status for g in runner.generations() if g.served} == {LIVE}


class StillBrokenNewerCases(BrokenCases):
    version = CasesProjection.version + 1


def test_no_projection_goes_past_the_access_facts_where_they_failed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timeline read on past a failed cases projection would show what was recorded after
    a consent was withdrawn, to partners the stale facts still allow: it waits for the facts
    to be fixed, then catches up. (Held, the others are applied one after the other: a long
    batch is not split across connections.)"""
    network = world.network
    young_person = network.enrol()
    world.caught_up()
    runner = world.parcours.projections
    monkeypatch.setitem(runner.projections, "cases", BrokenCases)
    failing_at = runner.source.head() + 1
    for kind in ("first meeting", "second meeting"):
        world.network.intervene(young_person, kind)

    runner.catch_up()

    state = {g.name: g for g in runner.generations() if g.served}
    assert state["cases"].status == FAILED
    assert state["cases"].failed_position == failing_at
    assert {g.position for g in state.values()} == {state["cases"].position}
    assert state["cases"].position < failing_at
    assert {g.status for name, g in state.items() if name != "cases"} == {LIVE}
    page = timeline_page(world.parcours.read_store, young_person)
    assert [entry.kind for _, entry in page.items] == ["ENROLMENT"]
    network.enrol()  # read on, later, with the facts still failed
    runner.catch_up()
    assert {g.position for g in runner.generations() if g.served} == {state["cases"].position}

    monkeypatch.setitem(runner.projections, "cases", CasesProjection)
    runner.prepare()
    runner.catch_up()

    page = timeline_page(world.parcours.read_store, young_person)
    assert sorted(entry.kind for _, entry in page.items) == [
        "ENROLMENT",
        "INTERVENTION",
        "INTERVENTION",
    ]
    assert {g.position for g in runner.generations() if g.served} == {runner.source.head()}


def test_facts_frozen_while_newer_code_rebuilds_them_hold_the_others_too(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fix shipped with a new version freezes the failed facts (stale, still served) while
    their new generation is built: the timeline must not read past the frozen facts either,
    even if the new generation fails in turn."""
    young_person = world.network.enrol()
    world.caught_up()
    runner = world.parcours.projections
    monkeypatch.setitem(runner.projections, "cases", BrokenCases)
    world.network.intervene(young_person, "first")
    runner.catch_up()
    stopped = next(g for g in runner.generations() if g.served and g.name == "cases").position

    monkeypatch.setitem(runner.projections, "cases", StillBrokenNewerCases)
    runner.prepare()
    world.network.intervene(young_person, "after the facts stopped")
    runner.catch_up()

    served = {g.name: g for g in runner.generations() if g.served}
    assert served["cases"].status == STALE
    assert {g.position for g in served.values()} == {stopped}
    page = timeline_page(world.parcours.read_store, young_person)
    assert [entry.kind for _, entry in page.items] == ["ENROLMENT"]


def test_a_rebuild_of_the_facts_while_they_hold_the_others_releases_them(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    young_person = world.network.enrol()
    world.caught_up()
    runner = world.parcours.projections
    runner.batch_size = 2
    monkeypatch.setitem(runner.projections, "cases", BrokenCases)
    world.network.intervene(young_person, "first")
    runner.catch_up()
    assert {g.status for g in runner.generations() if g.name == "cases"} == {FAILED}

    monkeypatch.setitem(runner.projections, "cases", CasesProjection)
    runner.request_rebuild("cases")
    runner.catch_up()

    served = {g.name: g for g in runner.generations() if g.served}
    assert {g.status for g in served.values()} == {LIVE}
    assert {g.position for g in served.values()} == {runner.source.head()}
    page = timeline_page(world.parcours.read_store, young_person)
    assert sorted(entry.kind for _, entry in page.items) == ["ENROLMENT", "INTERVENTION"]


def test_a_store_outage_is_not_a_projection_failure_and_the_worker_rides_it_out(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3  # noqa: PLC0415
    import threading  # noqa: PLC0415

    world.caught_up()
    runner = world.parcours.projections
    young_person = world.network.enrol()
    real_read = runner.source.read
    outages = {"left": 3}

    def flaky_read(after: int, limit: int) -> list[Recorded]:
        if outages["left"]:
            outages["left"] -= 1
            raise sqlite3.OperationalError("database is locked")
        return real_read(after, limit)

    monkeypatch.setattr(runner.source, "read", flaky_read)
    runner.leadership.release()
    stop = threading.Event()
    worker = threading.Thread(target=runner.run, args=(stop,), kwargs={"poll_interval": 0.01})
    worker.start()
    reached = runner.wait_for(runner.source.head(), timeout=20)
    stop.set()
    worker.join(timeout=10)

    assert reached
    assert outages["left"] == 0
    assert {g.status for g in runner.generations() if g.served} == {LIVE}
    assert [e.kind for _, e in timeline_page(world.parcours.read_store, young_person).items] == [
        "ENROLMENT"
    ]


def test_a_commit_that_fails_leaves_the_thread_s_sqlite_connection_usable(
    tmp_path: Path,
) -> None:
    """The COMMIT ran after the transaction's `try`: when it failed (a full disk, a busy
    database), the thread's connection stayed inside its transaction, and every later one on
    that thread failed to begin ("cannot start a transaction within a transaction")."""
    store = SQLiteReadStore(tmp_path / "read.sqlite")
    with store.transaction() as tx:
        tx.execute("CREATE TABLE kept (n INTEGER)")
    real = store._connection()

    class CommitFails:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __getattr__(self, name: str) -> object:
            return getattr(self.db, name)

        def execute(self, statement: str, params: tuple[object, ...] = ()) -> object:
            if statement == "COMMIT":
                raise sqlite3.OperationalError("database or disk is full")
            return self.db.execute(statement, params)

    store._local.db = CommitFails(real)
    with pytest.raises(sqlite3.OperationalError, match="disk is full"), store.transaction() as tx:
        tx.execute("INSERT INTO kept VALUES (1)")
    store._local.db = real

    with store.transaction() as tx:
        tx.execute("INSERT INTO kept VALUES (2)")
        found = tx.fetchall("SELECT n FROM kept")
    store.close()

    assert found == [(2,)]
