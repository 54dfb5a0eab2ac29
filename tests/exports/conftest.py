"""Evaluation exports over a small simulated network, on SQLite and PostgreSQL."""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import pyarrow.parquet as pq
import pytest

from api.bootstrap import Parcours, build
from api.evaluation import run_export, study_secrets
from api.settings import Settings
from api.simulation import SimulatedClock, simulate
from domain.actor import Actor
from domain.vocabulary import Role
from projections.exports.manifest import Manifest

EVALUATOR = Actor("evaluator-1", Role.EVALUATOR)
"""Who the tests export for: the access log records them."""


@dataclass
class Simulated:
    """A simulated network with its projections caught up, and the instance that made it."""

    parcours: Parcours
    young_people: tuple[UUID, ...]
    erased: tuple[UUID, ...]
    position_before_erasures: int

    def export(self, out: Path, study: str = "study-a", **options: object) -> Manifest:
        options.setdefault("reader", EVALUATOR)
        return run_export(self.parcours, study, out, **options)  # type: ignore[arg-type]

    def create_study(self, name: str) -> None:
        study_secrets(self.parcours).create(name)

    def catch_up(self) -> None:
        self.parcours.projections.prepare()
        self.parcours.projections.catch_up()


@pytest.fixture
def simulated(settings: Settings) -> Iterator[Simulated]:
    """12 young people over 3 months (3 of them erased at the end), study `study-a` created."""
    clock = SimulatedClock()
    parcours = build(settings, clock=clock)
    try:
        summary = simulate(parcours.ledger, clock, young_people=12, months=3, seed=3)
        made = Simulated(parcours, summary.young_person_ids, summary.erased, 0)
        made.position_before_erasures = _position_before_erasures(parcours, summary.erased)
        made.catch_up()
        made.create_study("study-a")
        yield made
    finally:
        parcours.close()


def _position_before_erasures(parcours: Parcours, erased: tuple[UUID, ...]) -> int:
    """The last position before the first `Erased` event of the run."""
    page = parcours.ledger.recorder.select_notifications(start=1, limit=100_000)
    first = min(n.id for n in page if n.topic.endswith(".Erased"))
    assert erased
    return first - 1


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def exported_text(root: Path) -> bytes:
    """Every byte of every file under `root`, plus the decoded rows of every Parquet file
    (compressed columns would hide a value from a scan of the raw bytes)."""
    parts: list[bytes] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        parts.append(path.read_bytes())
        if path.suffix == ".parquet":
            parts.append(repr(pq.read_table(path).to_pylist()).encode("utf-8"))
    return b"\n".join(parts)


def pseudonyms(root: Path) -> set[str]:
    """Every pseudonym of young people in the export's datasets."""
    found: set[str] = set()
    for path in (root / "data").glob("*.csv"):
        for row in read_csv(path):
            if row.get("young_person"):
                found.add(row["young_person"])
    return found
