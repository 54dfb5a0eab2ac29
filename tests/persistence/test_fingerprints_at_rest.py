"""An erasure leaves no fingerprint of the erased young person's commands in the receipts.

A receipt keeps a fingerprint of its command's arguments (`fingerprints.py`); for an
enrolment that is a digest of a name, a date of birth, a contact. After the erasure the data is
unreadable, but such a digest would still let a guess be confirmed: the erasure drops the
fingerprints of every receipt on or creating the young person, on both backends.
"""

from domain.ledger.chain.tables import StoredTables
from domain.ledger.fingerprints import SEPARATOR
from tests.conftest import Instances
from tests.domain.givens import intervention
from tests.support import build_network


def test_an_erasure_drops_the_fingerprints_of_the_young_person_s_receipts(
    instances: Instances,
) -> None:
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    erased = network.enrol(idempotency_key="enrol-camille")
    intervention(network, network.worker_a, erased, idempotency_key="visit-camille")
    kept = network.enrol(first_name="Sami", idempotency_key="enrol-sami")
    tables = StoredTables.of(parcours.ledger.recorder)

    def fingerprinted() -> dict[str, bool]:
        """Whether each receipt still holds a fingerprint, by command and young person."""
        rows = tables.run(f"SELECT command, target, outcome FROM {tables.receipts}")
        found = {}
        for command, target, outcome in rows:
            ids = {_hex(target), _hex(outcome)}
            whose = "erased" if erased.hex in ids else "kept"
            found[f"{command.split(SEPARATOR)[0]}:{whose}"] = SEPARATOR in command
        return found

    before = fingerprinted()
    network.ledger.erase_young_person(network.admin, erased, reason="art. 17")
    after = fingerprinted()

    assert before == {
        "enrol_young_person:erased": True,
        "record_intervention:erased": True,
        "enrol_young_person:kept": True,
    }
    assert after == {
        "enrol_young_person:erased": False,
        "record_intervention:erased": False,
        "enrol_young_person:kept": True,
    }
    assert kept


def _hex(value: object) -> str:
    """A stored id as 32 hex digits (a UUID on PostgreSQL, hex text on SQLite)."""
    return str(value).replace("-", "")
