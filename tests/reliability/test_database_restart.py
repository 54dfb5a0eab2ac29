"""PostgreSQL stopped and started again under load (a private server, never the shared one):
the API says 503 plainly while it is down, recovers by itself, and after the recovery every
acknowledged write is recorded exactly once and the read models equal a rebuild.

One run (a module fixture) serves every assertion below. A standby projection worker runs
beside the leader, as a highly available deployment would have.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from projections.leadership import AdvisoryLeadership
from projections.outage import UNAVAILABLE
from tests.reliability.faults import RestartDatabase
from tests.reliability.harness import Plan, Report, soak
from tests.reliability.private_postgres import PrivatePostgres
from tests.reliability.processes import fresh_schema

pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class Restarted:
    report: Report
    fault: RestartDatabase


@pytest.fixture(scope="module")
def restarted(
    private_server: PrivatePostgres, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Restarted]:
    data_dir = tmp_path_factory.mktemp("restart") / "var"
    fault = RestartDatabase(private_server.stop, private_server.start, after=4, down_for=4)
    with fresh_schema(private_server.url, data_dir) as instance:
        report = soak(instance, Plan(seconds=12, servers=1, workers=2), fault)
        yield Restarted(report, fault)


def test_after_a_restart_under_load_every_acknowledged_write_is_recorded_exactly_once(
    restarted: Restarted,
) -> None:
    report, fault = restarted.report, restarted.fault

    assert report.ok, report.explain()
    assert fault.recovered_after is not None, report.explain()
    assert len(fault.acknowledged()) == len(fault.sent_while_down) == 1, report.explain()


def test_while_the_database_is_down_the_api_answers_503_with_a_clear_message(
    restarted: Restarted,
) -> None:
    report, fault = restarted.report, restarted.fault
    answered = [p for p in fault.probes if p.status is not None and p.what in ("read", "write")]
    unclear = [
        p
        for p in answered
        if (p.status, p.retry_after) != (503, "5") or p.body["errors"][0]["message"] != UNAVAILABLE
    ]
    needing_no_store = [p.status for p in fault.probes if p.what == "me"]
    ready = [p.status for p in fault.probes if p.what == "readyz" and p.status is not None]

    assert unclear == [], report.explain()
    assert set(report.tally.unavailable_messages) == {UNAVAILABLE}, report.explain()
    assert needing_no_store == [200], report.explain()
    assert set(ready) <= {503}, report.explain()


def test_while_the_database_is_down_every_request_is_answered_without_delay(
    restarted: Restarted,
) -> None:
    unanswered = [p.what for p in restarted.fault.probes if p.status is None]

    assert unanswered == []


def test_after_a_database_restart_one_worker_at_most_believes_it_leads(
    private_server: PrivatePostgres,
) -> None:
    key = "parcours-projections:leadership-after-restart"
    first = AdvisoryLeadership(private_server.url, key)
    standby = AdvisoryLeadership(private_server.url, key)
    try:
        assert first.try_acquire()
        assert not standby.try_acquire()
        private_server.stop()
        private_server.start()

        assert [first.try_acquire(), standby.try_acquire()].count(True) == 1
    finally:
        first.release()
        standby.release()
