"""Reproducible: `--at-position N` regenerates byte-identical CSV and content-identical Parquet,
after the live read models have moved on; the manifest binds the export to the chain."""

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from api.access_log import Access, AccessLog
from domain.actor import Actor
from domain.ledger.chain.store import ChainStore
from domain.vocabulary import Role
from projections.cases import CasesProjection
from projections.directory import DirectoryProjection
from projections.exports import snapshot
from projections.exports.errors import ExportError
from projections.exports.manifest import code_digest
from tests.exports.conftest import Simulated
from tests.projections.broken import BrokenCases


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_export_as_at_its_position_reproduces_the_manifest_hashes(
    simulated: Simulated, tmp_path: Path
) -> None:
    first = simulated.export(tmp_path / "first", k=2)
    position = first.content["ledger"]["position"]  # type: ignore[index]
    admin = Actor("admin", Role.NETWORK_ADMIN)
    simulated.parcours.ledger.register_association(admin, name="Late Comers", territory="77")
    simulated.catch_up()

    again = simulated.export(tmp_path / "again", k=2, at_position=position)
    moved = simulated.export(tmp_path / "moved", k=2)

    assert again.content["read_models"] == "replayed from the log"
    csv_files = [name for name in first.files if name.endswith(".csv")]
    assert len(csv_files) == 19
    for name in csv_files:
        assert sha256(tmp_path / "again" / name) == first.files[name]["sha256"], name
    for name in (n for n in first.files if n.endswith(".parquet")):
        assert pq.read_table(tmp_path / "again" / name).equals(
            pq.read_table(tmp_path / "first" / name)
        ), name
    for name in ("report.html", "codebook.md", "codebook.json"):
        assert again.files[name]["sha256"] == first.files[name]["sha256"], name
    assert moved.content["ledger"]["position"] > position  # type: ignore[index]
    changed = moved.files["data/associations.csv"]["sha256"]
    assert changed != first.files["data/associations.csv"]["sha256"]


def test_the_manifest_records_position_chain_head_versions_counts_and_code(
    simulated: Simulated, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    simulated.export(out, k=5)

    manifest = json.loads((out / "manifest.json").read_text())
    position = manifest["ledger"]["position"]
    link = ChainStore(simulated.parcours.ledger.recorder).link_for_position(position)
    assert link is not None
    assert manifest["ledger"]["chain_head"] == {
        "seq": link.seq,
        "position": position,
        "hash": link.hash.hex(),
    }
    assert manifest["projections"] == {
        "cases": {"version": CasesProjection.version, "position": position},
        "directory": {"version": DirectoryProjection.version, "position": position},
    }
    assert manifest["code"]["sha256"] == code_digest()
    assert manifest["study"] == "study-a"
    assert manifest["k"] == 5
    on_disk = sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    )
    assert sorted(manifest["files"]) == on_disk
    for name, entry in manifest["files"].items():
        assert sha256(out / name) == entry["sha256"]
    assert manifest["files"]["data/young_people.csv"]["rows"] == 9
    assert manifest["files"]["data/young_people.parquet"]["rows"] == 9


def test_an_impossible_position_or_a_used_directory_is_refused_before_any_work(
    simulated: Simulated, tmp_path: Path
) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "something").write_text("x")
    with pytest.raises(ExportError) as beyond:
        simulated.export(tmp_path / "beyond", at_position=10**9)
    with pytest.raises(ExportError) as occupied:
        simulated.export(used)

    assert beyond.value.code == "INVALID_POSITION"
    assert beyond.value.field == "at_position"
    assert not (tmp_path / "beyond").exists()
    assert occupied.value.code == "OUT_NOT_EMPTY"
    assert "interrupted" not in occupied.value.message


def test_an_out_holding_an_interrupted_export_s_leftovers_is_refused_saying_so(
    simulated: Simulated, tmp_path: Path
) -> None:
    """An export killed before it cleaned up leaves its private directory: the refusal that
    follows said only "must be a new or empty directory", which looked empty to `ls`."""
    out = tmp_path / "out"
    (out / ".partial-0123456789ab").mkdir(parents=True)

    with pytest.raises(ExportError) as refused:
        simulated.export(out)

    assert refused.value.code == "OUT_NOT_EMPTY"
    assert "an interrupted export left, .partial-*: remove it" in refused.value.message


def test_read_models_of_older_code_are_not_read_but_replayed(
    simulated: Simulated, tmp_path: Path
) -> None:
    """Right after an upgrade the served `cases` generation may predate its `interventions`
    table while its rebuild runs: the export replays instead of reading it."""
    live = simulated.export(tmp_path / "live", k=2)
    with simulated.parcours.read_store.transaction() as tx:
        tx.execute("UPDATE projection_positions SET version = 1 WHERE name = 'cases'")

    upgraded = simulated.export(tmp_path / "upgraded", k=2)

    assert live.content["read_models"] == "live"
    assert upgraded.content["read_models"] == "replayed from the log"
    assert upgraded.content["ledger"] == live.content["ledger"]
    assert upgraded.files["data/interventions.csv"] == live.files["data/interventions.csv"]


def test_a_replay_stopped_by_a_failing_projection_is_refused_not_exported(
    simulated: Simulated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exported anyway, the files would claim a position their tables never reached (the
    cases table short of it, and the directory held where the access facts stopped)."""
    head = simulated.parcours.projections.source.head()
    monkeypatch.setattr(snapshot, "EXPORTED", (BrokenCases, DirectoryProjection))
    out = tmp_path / "out"

    with pytest.raises(ExportError) as refused:
        simulated.export(out, k=2, at_position=head)

    assert refused.value.code == "REPLAY_FAILED"
    assert refused.value.field == "at_position"
    assert f"could not be replayed to position {head}: cases stopped at" in refused.value.message
    assert "cannot project this intervention" in refused.value.message
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("replayed", [False, True], ids=["live", "as-at-a-position"])
def test_an_export_whose_disclosure_cannot_be_recorded_is_not_handed_out(
    simulated: Simulated, tmp_path: Path, replayed: bool
) -> None:
    """Told first who the export holds (everyone not erased now, replayed or not), the record
    failing takes every file with it."""
    asked: list[Access] = []

    class Unwritable(AccessLog):
        def record(self, accesses: Sequence[Access]) -> None:
            asked.extend(accesses)
            msg = "the access log is unavailable"
            raise OSError(msg)

    position = simulated.position_before_erasures if replayed else None
    out = tmp_path / "out"

    with pytest.raises(OSError, match="the access log is unavailable"):
        simulated.export(
            out, k=2, at_position=position, access_log=Unwritable(simulated.parcours.read_store)
        )

    assert not any(out.iterdir())
    assert {a.young_person_id for a in asked} == {
        str(p) for p in simulated.young_people if p not in simulated.erased
    }
    assert len(asked) == len(simulated.young_people) - len(simulated.erased)
    as_at = position or simulated.parcours.projections.source.head()
    assert {(a.user_id, a.role, a.what) for a in asked} == {
        ("evaluator-1", "EVALUATOR", f"evaluation export of study study-a as at position {as_at}")
    }
