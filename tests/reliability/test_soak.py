"""Two API servers and a projection worker, as separate processes on one PostgreSQL schema,
under 16 concurrent clients: every acknowledged command is recorded exactly once, and the read
models equal a rebuild from zero — also when the worker is SIGKILLed again and again."""

import pytest

from tests.reliability.faults import KillWorker
from tests.reliability.harness import Plan, soak
from tests.reliability.processes import Instance

pytestmark = pytest.mark.postgres


def test_sixteen_clients_on_two_servers_get_each_acknowledged_command_recorded_once(
    instance: Instance,
) -> None:
    report = soak(instance, Plan(seconds=30))

    assert report.ok, report.explain()
    assert report.journal.replays > 0, "no command was sent twice with the same key"
    assert set(report.journal.kinds()) >= {"enrol", "intervention", "need", "referral"}
    assert report.journal.kinds()["accept"] + report.journal.kinds()["decline"] > 0


def test_a_worker_sigkilled_four_times_under_load_converges_to_the_rebuild(
    instance: Instance,
) -> None:
    fault = KillWorker(times=4, every=2.5)

    report = soak(instance, Plan(seconds=15), fault)

    assert report.ok, report.explain()
    assert (fault.kills, fault.killed_while_leading) == (4, 4), report.explain()
