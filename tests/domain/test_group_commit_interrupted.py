"""An interrupt (Ctrl-C lands on the main thread) never leaves the committer held: commands
submitted afterwards still run, whichever submitter was interrupted and wherever."""

import threading
import time
from collections.abc import Callable
from uuid import UUID, uuid4

import pytest

from domain.ledger.group_commit import HAND_OFF_AFTER, Decision, GroupCommitter, Job

DEADLOCK_GUARD = 60.0
"""Seconds before a submit still waiting counts as a hang (it returns at once when right)."""


def job(decide: Callable[[], Decision] | None = None) -> Job:
    return Job("command", None, None, decide or (lambda: (uuid4(), [])))


def run_each(jobs: list[Job]) -> None:
    for each in jobs:
        try:
            outcome, _ = each.decide()
        except Exception as error:
            each.fail(error)
        else:
            each.succeed(outcome)


def submits_in_time(committer: GroupCommitter) -> bool:
    """Whether a submit from another thread gets its outcome (instead of waiting for ever)."""
    outcome: list[UUID] = []
    submitter = threading.Thread(target=lambda: outcome.append(committer.submit(job())))
    submitter.daemon = True  # a hang must fail the test, not the interpreter's exit
    submitter.start()
    submitter.join(DEADLOCK_GUARD)
    return len(outcome) == 1


def test_a_leader_interrupted_while_settling_still_hands_the_committer_on() -> None:
    interrupts = [KeyboardInterrupt()]

    def settle() -> None:
        if interrupts:
            raise interrupts.pop()

    committer = GroupCommitter(run_each, settle)

    with pytest.raises(KeyboardInterrupt):
        committer.submit(job())

    assert submits_in_time(committer)


def test_a_submitter_interrupted_just_as_it_is_handed_the_committer_hands_it_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The leader runs one job per batch: its own, then HAND_OFF_AFTER - 1 more, then it hands
    the committer to the next in line — whose wait is interrupted there."""
    committer = GroupCommitter(run_each, max_batch=1)
    leading, release = threading.Event(), threading.Event()

    def held() -> Decision:
        leading.set()
        release.wait(DEADLOCK_GUARD)
        return uuid4(), []

    class Interrupted(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            woken = super().wait(timeout)
            if threading.current_thread().name == "interrupted":
                raise KeyboardInterrupt
            return woken

    leader = threading.Thread(target=lambda: committer.submit(job(held)))
    leader.start()
    leading.wait(DEADLOCK_GUARD)
    monkeypatch.setattr(threading, "Event", Interrupted)
    interrupted: list[BaseException] = []
    handed = job()

    def submit_interrupted() -> None:
        try:
            committer.submit(handed)
        except KeyboardInterrupt as error:
            interrupted.append(error)

    served = [
        threading.Thread(target=committer.submit, args=(job(),)) for _ in range(HAND_OFF_AFTER - 1)
    ]
    in_line = [*served, threading.Thread(target=submit_interrupted, name="interrupted")]
    for number, submitter in enumerate(in_line, start=1):
        submitter.start()
        while len(committer._pending) < number and submitter.is_alive():
            time.sleep(0.001)  # joins the line in this order
    monkeypatch.undo()
    release.set()
    for submitter in [leader, *in_line]:
        submitter.join(DEADLOCK_GUARD)

    assert len(interrupted) == 1
    assert not handed.done  # it was handed the committer, not an outcome
    assert submits_in_time(committer)
