"""Personal data is never stored in clear: a scan of the raw store finds no sentinel.

The same scan, run on an instance whose vault stores plaintext, must find every sentinel: that
negative control proves the scan can fail.
"""

import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from api.bootstrap import Parcours
from api.settings import Settings
from domain.privacy import cipher
from domain.privacy.keyring import KeyEncryptionKey
from domain.privacy.keystore import InMemoryKeyStore
from domain.privacy.vault import PlaintextVault
from domain.vocabulary import ConsentGiver, DeclineReason, Domain, HandoverStatus, Sensitivity
from tests.conftest import Instances
from tests.support import build_network

SENTINELS = {
    "first_name": "Zephyrine-SENTINEL-FIRST",
    "last_name": "Quaresma-SENTINEL-LAST",
    "contact": "sentinel-contact@example.org",
    "date_of_birth": "2009-04-03",
    "consent_purpose": "SENTINEL purpose of consent",
    "need_description": "SENTINEL need description",
    "goal_description": "SENTINEL goal description",
    "intervention_summary": "SENTINEL intervention summary",
    "amendment_reason": "SENTINEL amendment reason",
    "referral_reason": "SENTINEL referral reason",
    "decline_note": "SENTINEL decline note",
    "handover_summary": "SENTINEL handover summary",
    "closing_reason": "SENTINEL closing reason",
    "note_title": "SENTINEL practice title",
    "note_body": "SENTINEL practice body",
    "corrected_first_name": "Ximena-SENTINEL-CORRECTED",
    "corrected_contact": "sentinel-corrected@example.org",
    "retraction_reason": "SENTINEL retraction reason",
    "completion_outcome": "SENTINEL completion outcome",
    "revised_note_title": "SENTINEL revised title",
    "revised_note_body": "SENTINEL revised body",
    "keyed_summary": "SENTINEL summary of a keyed command",
}
SNAPSHOT_EVERY = 100
"""A case file's first snapshot (domain/ledger/encoding.py): the case below goes past it, so
the snapshot, which holds every field of the case, is scanned too."""


def write_every_personal_field(parcours: Parcours, instances: Instances) -> UUID:
    """Every personal field, then the read models caught up; returns the young person."""
    network = build_network(parcours.ledger, instances.clock)
    ledger, s = parcours.ledger, SENTINELS
    young_person = network.enrol(
        first_name=s["first_name"],
        last_name=s["last_name"],
        contact=s["contact"],
        date_of_birth=date.fromisoformat(s["date_of_birth"]),
    )
    ledger.give_consent(
        network.worker_a,
        young_person,
        sensitivities=(Sensitivity.GENERAL,),
        purpose=s["consent_purpose"],
        given_by=ConsentGiver.YOUNG_PERSON,
    )
    need = ledger.identify_need(
        network.worker_a,
        young_person,
        domain=Domain.HOUSING,
        severity=3,
        description=s["need_description"],
    )
    ledger.agree_action_plan(network.worker_a, young_person)
    ledger.add_goal(
        network.worker_a, young_person, domain=Domain.EDUCATION, description=s["goal_description"]
    )
    intervention = ledger.record_intervention(
        network.worker_a,
        young_person,
        domain=Domain.EDUCATION,
        kind="interview",
        occurred_at=instances.clock.now - timedelta(hours=1),
        summary=s["intervention_summary"],
    )
    ledger.amend_intervention(
        network.worker_a,
        young_person,
        intervention_id=intervention,
        summary=s["intervention_summary"] + " (amended)",
        reason=s["amendment_reason"],
    )
    referral = ledger.make_referral(
        network.worker_a,
        young_person,
        to_association_id=network.b,
        domain=Domain.HOUSING,
        need_id=need,
        reason=s["referral_reason"],
    )
    ledger.decline_referral(
        network.worker_b,
        young_person,
        referral_id=referral,
        reason=DeclineReason.OTHER,
        note=s["decline_note"],
    )
    completed = ledger.make_referral(
        network.worker_a, young_person, to_association_id=network.b, domain=Domain.EDUCATION
    )
    ledger.accept_referral(network.worker_b, young_person, referral_id=completed)
    ledger.complete_referral(
        network.worker_b, young_person, referral_id=completed, outcome=s["completion_outcome"]
    )
    ledger.retract_intervention(
        network.worker_a,
        young_person,
        intervention_id=intervention,
        reason=s["retraction_reason"],
    )
    ledger.correct_personal_data(
        network.worker_a,
        young_person,
        first_name=s["corrected_first_name"],
        last_name=s["last_name"],
        date_of_birth=date.fromisoformat(s["date_of_birth"]),
        contact=s["corrected_contact"],
    )
    ledger.record_intervention(
        network.worker_a,
        young_person,
        domain=Domain.EDUCATION,
        kind="interview",
        occurred_at=instances.clock.now - timedelta(hours=1),
        summary=s["keyed_summary"],
        idempotency_key="keyed-intervention",  # its receipt keeps a fingerprint of the summary
    )
    for n in range(SNAPSHOT_EVERY):
        ledger.record_intervention(
            network.worker_a,
            young_person,
            domain=Domain.EDUCATION,
            kind="interview",
            occurred_at=instances.clock.now - timedelta(minutes=n + 1),
            summary=f"routine meeting {n}",
        )
    handover = ledger.propose_handover(
        network.worker_a, young_person, to_association_id=network.c, summary=s["handover_summary"]
    )
    ledger.end_handover(
        network.worker_a,
        young_person,
        handover_id=handover,
        status=HandoverStatus.CANCELLED,
    )
    ledger.close_case(network.worker_a, young_person, reason=s["closing_reason"])
    note = ledger.publish_practice_note(
        network.worker_a, title=s["note_title"], body=s["note_body"], domains=(Domain.HOUSING,)
    )
    ledger.revise_practice_note(
        network.worker_a, note, title=s["revised_note_title"], body=s["revised_note_body"]
    )
    parcours.projections.prepare()  # the read models hold the same values, as tokens
    parcours.projections.catch_up()
    return young_person


def raw_store(settings: Settings) -> bytes:
    """Every byte the store holds: SQLite files and their -wal, or a pg_dump of the schema."""
    if settings.database_url is None:
        files = sorted(p for p in Path(settings.data_dir).rglob("*") if p.is_file())
        return b"".join(path.read_bytes() for path in files)
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.fail("pg_dump is needed to scan PostgreSQL for clear text")
    dumped = subprocess.run(
        [pg_dump, "--dbname", settings.database_url, "--schema", settings.database_schema],
        check=True,
        capture_output=True,
    )
    return dumped.stdout


def found_sentinels(blob: bytes) -> set[str]:
    """Looks for each value as raw bytes and as hex, the form pg_dump gives `bytea` columns."""
    found = set()
    lowered = blob.lower()
    for name, value in SENTINELS.items():
        raw = value.encode("utf-8")
        if raw in blob or raw.hex().encode("ascii") in lowered:
            found.add(name)
    return found


def test_no_personal_value_is_stored_in_clear(instances: Instances) -> None:
    """Events, snapshots, read models, receipts and keys: everything the store holds."""
    parcours = instances.start()
    young_person = write_every_personal_field(parcours, instances)
    snapshots = parcours.ledger.snapshots
    assert snapshots is not None
    assert list(snapshots.get(young_person, desc=True, limit=1)), "the case was snapshotted"
    assert parcours.projections.served_position() == parcours.projections.source.head()

    assert found_sentinels(raw_store(instances.settings)) == set()


def test_the_scan_finds_every_value_when_encryption_is_switched_off(instances: Instances) -> None:
    plaintext = PlaintextVault(InMemoryKeyStore(), KeyEncryptionKey("off", cipher.new_key()))
    parcours = instances.start(vault=plaintext)
    write_every_personal_field(parcours, instances)

    assert found_sentinels(raw_store(instances.settings)) == set(SENTINELS)
