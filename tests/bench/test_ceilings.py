"""The benchmark's ceilings time exactly the work a bar prescribes, and never decide a verdict.

A ceiling that did less than the prescribed work (fewer rows read, fewer lines decided) would
claim room that is not there, and one that did more would excuse a slow path: each test pins
the ceiling's work to the real path's.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from api.bootstrap import Parcours, build
from api.importing.history import import_history
from api.settings import Settings
from api.simulation import SimulatedClock, simulate
from bench.ceilings import (
    imported_in_memory,
    read_and_decoded,
    sequential_ceiling,
    source_read_seconds,
)
from bench.history import history
from bench.report import AT_LEAST, Ceiling, row, write_json
from projections.exports.snapshot import EXPORTED, SOURCES
from projections.exports.staging import staging
from projections.exports.streaming import stage_sources
from projections.queries.served import Reader
from tests.conftest import backend_settings


def test_a_ceiling_is_reported_and_never_changes_the_verdict(tmp_path: Path) -> None:
    """Each row's ceiling sits on the other side of its bar from its ratio: a verdict taken
    from the ceiling would flip both."""
    met = row("P1", "command", 700, 1000, "/s", 0.7, (AT_LEAST, 0.6))
    met.ceiling = Ceiling(0.5, "a bare INSERT plus the command in memory")
    missed = row("P3", "import", 1, 100, "/s", 0.01, (AT_LEAST, 0.4))
    missed.ceiling = Ceiling(0.9, "in memory")
    target = tmp_path / "out.json"

    write_json([met, missed], target)

    first, second = json.loads(target.read_text())
    assert (first["meets"], second["meets"]) == (True, False)
    assert first["ceiling"] == {"ratio": 0.5, "basis": "a bare INSERT plus the command in memory"}
    assert second["ceiling"]["ratio"] == 0.9


def test_the_sequential_ceiling_adds_the_in_memory_command_to_a_bare_insert() -> None:
    # 2,000 bare INSERT transactions a second (500 µs each) and 500 µs of deciding: half.
    assert sequential_ceiling(2000, 0.0005) == pytest.approx(0.5)
    assert sequential_ceiling(2000, 0.0) == pytest.approx(1.0)
    assert sequential_ceiling(1000, 0.0005) == pytest.approx(2 / 3)


def test_the_import_ceiling_decides_the_very_history_the_store_import_records(
    settings: Settings,
) -> None:
    parcours = build(settings)
    try:
        import_history(parcours.ledger, history(600), chunk_size=100)
        recorded = len(parcours.ledger.recorder.select_notifications(start=1, limit=100_000))
    finally:
        parcours.close()

    in_memory, seconds = imported_in_memory(600)

    assert in_memory == recorded
    assert seconds > 0


@contextmanager
def simulated_network(settings: Settings) -> Iterator[Parcours]:
    """Eight young people over two months, the read models caught up."""
    clock = SimulatedClock()
    parcours = build(settings, clock=clock)
    try:
        simulate(parcours.ledger, clock, young_people=8, months=2, seed=5)
        parcours.projections.prepare()
        parcours.projections.catch_up()
        yield parcours
    finally:
        parcours.close()


@pytest.fixture
def simulated(settings: Settings) -> Iterator[Parcours]:
    with simulated_network(settings) as parcours:
        yield parcours


def test_the_rebuild_ceiling_reads_the_whole_log(simulated: Parcours) -> None:
    logged = len(simulated.ledger.recorder.select_notifications(start=1, limit=100_000))

    events, seconds = read_and_decoded(simulated.settings, batch=7)

    assert events == logged
    assert seconds > 0


def test_the_export_ceiling_reads_every_row_the_export_stages(tmp_path: Path) -> None:
    """On PostgreSQL only: the bench measures P8 there, through PostgreSQL's binary COPY."""
    with backend_settings("postgres", tmp_path / "var") as settings:
        with (
            simulated_network(settings) as parcours,
            staging() as staged,
            parcours.read_store.transaction() as tx,
        ):
            stage_sources(Reader(tx, *EXPORTED), staged, parcours.vault)
            exported = sum(staged.count(f"src_{name}") for name in SOURCES)

        rows, seconds = source_read_seconds(settings)

    assert rows == exported > 0
    assert seconds > 0
