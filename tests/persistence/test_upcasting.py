"""Stored events keep their old shape; upcasters bring them to the current one on read."""

import json
from datetime import timedelta
from uuid import uuid4

from eventsourcing.persistence import StoredEvent

from domain.case_file.young_person import YoungPerson
from domain.vocabulary import Domain
from tests.conftest import Instances
from tests.support import build_network


def test_a_version_1_intervention_reads_as_serving_no_programme(instances: Instances) -> None:
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    young_person = network.enrol()
    parcours.ledger.record_intervention(
        network.worker_a,
        young_person,
        domain=Domain.EDUCATION,
        kind="tutoring",
        occurred_at=instances.clock.now - timedelta(hours=1),
    )
    [current] = parcours.ledger.recorder.select_events(young_person, gt=1)
    state = json.loads(current.state)
    assert state.pop("class_version") == 2
    del state["programme_id"]
    state["intervention_id"] = {"_type_": "uuid_hex", "_data_": uuid4().hex}
    version_1 = StoredEvent(
        originator_id=young_person,
        originator_version=3,
        topic=current.topic,
        state=json.dumps(state, separators=(",", ":")).encode("utf-8"),
    )
    parcours.ledger.recorder.insert_events([version_1])

    reloaded = instances.start().ledger.young_person(young_person)

    assert isinstance(reloaded, YoungPerson)
    assert reloaded.version == 3
    assert [i.programme_id for i in reloaded.interventions.values()] == [None, None]
