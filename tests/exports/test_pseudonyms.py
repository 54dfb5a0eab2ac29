"""Pseudonyms: stable within a study, unlinkable between studies; the secret stays in the key
store, survives a KEK rotation, and a study name is never reused."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.bootstrap import keyring
from api.cli import app
from api.evaluation import study_secrets
from api.keyring_files import DIRECTORY, add_key, destroy_previous
from api.settings import Settings
from domain.privacy import cipher
from domain.privacy.vault import Vault
from projections.exports.study import StudyError, study_subject
from tests.conftest import Instances, cli_environment
from tests.exports.conftest import Simulated, exported_text, pseudonyms, read_csv
from tests.persistence.test_personal_data_at_rest import raw_store

PSEUDONYM_COLUMNS = ("young_person", "need", "goal", "referral", "handover", "intervention")


def every_pseudonym(root: Path) -> set[str]:
    found: set[str] = set()
    for path in (root / "data").glob("*.csv"):
        for row in read_csv(path):
            found |= {row[c] for c in PSEUDONYM_COLUMNS if row.get(c)}
    return found


def test_same_study_gives_the_same_pseudonyms_and_two_studies_share_none(
    simulated: Simulated, tmp_path: Path
) -> None:
    simulated.create_study("study-b")
    first, again, other = tmp_path / "a1", tmp_path / "a2", tmp_path / "b"

    simulated.export(first, "study-a", k=1)
    simulated.export(again, "study-a", k=1)
    simulated.export(other, "study-b", k=1)

    assert pseudonyms(first) == pseudonyms(again)
    assert len(pseudonyms(first)) == 9
    assert every_pseudonym(first) == every_pseudonym(again)
    assert every_pseudonym(first).isdisjoint(every_pseudonym(other))
    assert not [p for p in every_pseudonym(first) if p.encode() in exported_text(other)]


def test_the_study_secret_is_neither_in_the_export_nor_in_clear_in_the_database(
    simulated: Simulated, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    simulated.export(out, k=1)
    settings = simulated.parcours.settings
    stored = simulated.parcours.key_store.get(study_subject("study-a"))
    assert stored is not None
    kek_id, wrapped = stored
    subject = study_subject("study-a")
    secret = cipher.unwrap(keyring(settings).named(kek_id).key, subject, wrapped)

    database = raw_store(settings)
    for blob in (exported_text(out), database):
        assert secret not in blob
        assert secret.hex().encode() not in blob.lower()
    assert wrapped in database or wrapped.hex().encode() in database.lower(), "the scan sees keys"


def test_a_key_rotation_rewraps_the_study_secret_and_keeps_every_pseudonym(
    instances: Instances,
) -> None:
    parcours = instances.start()
    study_secrets(parcours).create("study-a")
    before = study_secrets(parcours).pseudonymiser("study-a").of("young_person", "x")
    add_key(parcours.settings.data_dir / DIRECTORY)
    rotated = keyring(parcours.settings)

    assert Vault(parcours.key_store, rotated).rotate() > 0
    assert destroy_previous(parcours.settings.data_dir, rotated)
    after = study_secrets(parcours).pseudonymiser("study-a").of("young_person", "x")

    assert after == before


def test_a_study_name_is_created_once(instances: Instances) -> None:
    secrets = study_secrets(instances.start())
    secrets.create("study-a")
    with pytest.raises(StudyError) as refused:
        secrets.create("study-a")
    assert refused.value.code == "STUDY_EXISTS"
    with pytest.raises(StudyError) as unknown:
        secrets.pseudonymiser("never-created")
    assert unknown.value.code == "UNKNOWN_STUDY"


def test_the_cli_creates_a_study_and_refuses_a_duplicate_with_a_clear_line(
    settings: Settings,
) -> None:
    env = cli_environment(settings)
    runner = CliRunner()

    created = runner.invoke(app, ["export", "study", "create", "cohort-2026"], env=env)
    again = runner.invoke(app, ["export", "study", "create", "cohort-2026"], env=env)
    bad = runner.invoke(app, ["export", "study", "create", "no spaces"], env=env)

    assert created.exit_code == 0, created.output
    assert again.exit_code == 2
    assert "STUDY_EXISTS" in again.output
    assert "cohort-2026" in again.output
    assert bad.exit_code == 2
    assert "INVALID_STUDY_NAME" in bad.output
