"""Two workers never run the projections at once: the second waits for the first to go."""

import threading
from uuid import uuid4

import pytest

from projections.leadership import AdvisoryLeadership
from tests.conftest import Instances, require_postgres
from tests.conftest import test_database_url as database_url


def test_only_one_worker_leads_and_the_next_takes_over_when_it_leaves(
    instances: Instances,
) -> None:
    first = instances.start().projections
    second = instances.start().projections

    first_leads = first.leadership.try_acquire()
    second_while_first = second.leadership.try_acquire()
    first.leadership.release()
    second_after = second.leadership.try_acquire()
    second.leadership.release()

    assert first_leads
    assert not second_while_first
    assert second_after


def test_a_waiting_worker_runs_once_the_leader_stops(instances: Instances) -> None:
    leader = instances.start().projections
    follower = instances.start().projections
    assert leader.leadership.try_acquire()
    stop = threading.Event()
    running = threading.Thread(target=follower.run, args=(stop,), kwargs={"poll_interval": 0.01})
    running.start()
    stop.wait(0.2)
    waited = not follower.generations()

    leader.leadership.release()
    for _ in range(100):
        if follower.generations():
            break
        stop.wait(0.05)
    stop.set()
    running.join(timeout=10)

    assert waited
    assert {g.name for g in follower.generations()} == {"timeline", "cases", "directory"}


@pytest.mark.postgres
def test_a_released_advisory_lock_is_free_before_the_server_has_ended_the_session() -> None:
    """The server drops a closed session's locks only as its backend exits, while the client
    has moved on: release unlocks first, so the next worker never finds it still held."""
    require_postgres()
    key = f"test-leadership:{uuid4()}"
    leaving, next_one = (
        AdvisoryLeadership(database_url(), key),
        AdvisoryLeadership(database_url(), key),
    )
    assert leaving.try_acquire()
    session = leaving._db
    assert session is not None
    session.close = lambda: None  # type: ignore[method-assign]  # the server has not seen it yet

    leaving.release()

    try:
        assert next_one.try_acquire()
    finally:
        next_one.release()
        type(session).close(session)
