"""A PostgreSQL ledger finalised on the thread that holds its append lock — the appender's
thread, mid-append, when the collector runs there — returns at once instead of waiting for
a lock its own thread holds (`LedgerCore.__del__`)."""

import threading
from pathlib import Path

import pytest

from api.bootstrap import build
from domain.ledger.chain.recorders import ChainedPostgresApplicationRecorder
from tests.conftest import backend_settings

DEADLOCK_GUARD = 60.0
"""Seconds before a finalizer still blocked counts as a hang (it returns at once when right)."""


@pytest.mark.postgres
def test_a_ledger_finalised_mid_append_on_the_appending_thread_does_not_wait(
    tmp_path: Path,
) -> None:
    with backend_settings("postgres", tmp_path / "var") as settings:
        parcours = build(settings)
        recorder = parcours.ledger.recorder
        assert isinstance(recorder, ChainedPostgresApplicationRecorder)
        finalised = threading.Event()

        def finalise_mid_append() -> None:
            with recorder._appending:  # as the appender's thread holds it mid-append
                parcours.ledger.__del__()
            finalised.set()

        appending = threading.Thread(target=finalise_mid_append, daemon=True)
        appending.start()

        returned = finalised.wait(DEADLOCK_GUARD)
        if returned:  # else the lock is held for good: closing would wait for it too
            parcours.close()
        assert returned, "the finalizer waited for the append lock its own thread holds"
