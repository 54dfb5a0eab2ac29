"""No personal data in any exported byte; erased young people nowhere, whatever the position."""

from pathlib import Path

import pytest

from api.bootstrap import build
from api.evaluation import run_export, study_secrets
from domain.actor import Actor
from domain.vocabulary import Role
from projections.cases import CasesProjection
from projections.queries.served import Reader
from tests.conftest import Instances
from tests.exports.conftest import EVALUATOR, Simulated, exported_text, pseudonyms, read_csv
from tests.persistence.test_personal_data_at_rest import SENTINELS, write_every_personal_field

CASE_IDS = (
    ("needs", "need_id"),
    ("goals", "goal_id"),
    ("consents", "consent_id"),
    ("referrals", "referral_id"),
    ("handovers", "handover_id"),
    ("interventions", "intervention_id"),
)


def test_no_personal_value_reaches_any_exported_file(instances: Instances, tmp_path: Path) -> None:
    parcours = instances.start()
    write_every_personal_field(parcours, instances)
    parcours.projections.prepare()
    parcours.projections.catch_up()
    study_secrets(parcours).create("sentinels")
    out = tmp_path / "export"

    run_export(parcours, "sentinels", out, k=1, reader=EVALUATOR)

    text = exported_text(out)
    lowered = text.lower()
    leaked = {
        name
        for name, value in SENTINELS.items()
        if value.encode() in text or value.lower().encode() in lowered
    }
    assert leaked == set()
    birth = SENTINELS["date_of_birth"]
    assert birth[:7].encode() not in text, "not even the month of birth"
    assert b"03/04/2009" not in text
    assert b"20090403" not in text
    [person] = read_csv(out / "data" / "young_people.csv")
    assert person["birth_year_band"] == "2005-2009"
    assert b"Association B" in text, "the scan reads the files' content (negative control)"


def test_no_raw_id_of_a_young_person_or_of_their_case_content_appears(
    simulated: Simulated, tmp_path: Path
) -> None:
    """Raw ids are the same in every study: any of them in an export would link studies."""
    out = tmp_path / "export"
    simulated.export(out, k=1)

    with simulated.parcours.read_store.transaction() as tx:
        reader = Reader(tx, CasesProjection)
        case_ids = [
            str(row[0])
            for table, column in CASE_IDS
            for row in reader.all(f"SELECT {column} FROM {{cases_{table}}}")
        ]
    assert len(case_ids) > 50
    text = exported_text(out)
    assert [i for i in case_ids if i.encode() in text] == []
    assert [y for y in simulated.young_people if str(y).encode() in text] == []


def test_erased_young_people_are_absent_even_as_at_a_position_before_their_erasure(
    simulated: Simulated, tmp_path: Path
) -> None:
    secrets = study_secrets(simulated.parcours).pseudonymiser("study-a")
    erased = {secrets.of("young_person", str(y)) for y in simulated.erased}
    kept = {secrets.of("young_person", str(y)) for y in simulated.young_people} - erased

    now, before = tmp_path / "now", tmp_path / "before"
    simulated.export(now, k=1)
    simulated.export(before, k=1, at_position=simulated.position_before_erasures)

    for root in (now, before):
        assert pseudonyms(root) == kept
        text = exported_text(root)
        assert not [p for p in erased if p.encode() in text]
        assert not [y for y in simulated.erased if str(y).encode() in text]
        indicators = {r["indicator"]: r for r in read_csv(root / "aggregates" / "indicators.csv")}
        assert float(indicators["young_people"]["value"]) == len(kept)


def test_a_young_person_erased_by_another_process_is_absent_from_the_next_export(
    simulated: Simulated, tmp_path: Path
) -> None:
    """This process read every key for a first export and keeps them in its cache for a while;
    another instance erases a young person meanwhile. The next export, as at a position before
    that erasure, must not hold them: the key is read from the store, not the cache."""
    secrets = study_secrets(simulated.parcours).pseudonymiser("study-a")
    simulated.export(tmp_path / "first", k=1, at_position=simulated.position_before_erasures)
    gone = next(y for y in simulated.young_people if y not in simulated.erased)
    other = build(simulated.parcours.settings)
    try:
        other.ledger.erase_young_person(Actor("dpo", Role.NETWORK_ADMIN), gone, reason="art. 17")
    finally:
        other.close()

    after = tmp_path / "after"
    simulated.export(after, k=1, at_position=simulated.position_before_erasures)

    assert secrets.of("young_person", str(gone)) in pseudonyms(tmp_path / "first")
    assert secrets.of("young_person", str(gone)) not in pseudonyms(after)


def test_a_failed_export_leaves_nothing_behind_and_runs_again(
    simulated: Simulated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk filled up while the aggregates were written: every dataset file was already
    in `out`, without a manifest, and running again was refused (`OUT_NOT_EMPTY`)."""
    out = tmp_path / "exports" / "export"

    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr("projections.exports.export.write_table", disk_full)
        with pytest.raises(OSError, match="No space"):
            simulated.export(out, k=1)

    assert list(out.parent.iterdir()) == [out]
    assert list(out.iterdir()) == []
    manifest = simulated.export(out, k=1)
    assert manifest.path == out / "manifest.json"
    assert manifest.path.exists()


@pytest.mark.parametrize("given", ["symlink", "current directory"])
def test_an_export_into_a_symlink_or_the_current_directory_lands_there(
    simulated: Simulated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    """Renaming a finished export over `out` failed for `.` (busy), a symlink or a mount
    point, and left the whole export in a private directory."""
    real = tmp_path / "real"
    real.mkdir()
    if given == "symlink":
        out = tmp_path / "link"
        out.symlink_to(real, target_is_directory=True)
    else:
        monkeypatch.chdir(real)
        out = Path()

    simulated.export(out, k=1)

    assert sorted(p.name for p in real.iterdir()) == sorted(
        ["aggregates", "codebook.json", "codebook.md", "data", "manifest.json", "report.html"]
    )
