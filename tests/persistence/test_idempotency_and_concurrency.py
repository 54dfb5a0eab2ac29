"""A retried command has exactly one effect, even across restarts and concurrent attempts."""

import threading
from datetime import timedelta
from uuid import UUID

from domain.vocabulary import Domain
from tests.conftest import Instances
from tests.support import BIRTH, build_network


def test_a_retry_after_a_restart_returns_the_first_outcome(instances: Instances) -> None:
    first = instances.start()
    network = build_network(first.ledger, instances.clock)
    enrolled = network.enrol(idempotency_key="enrol-camille-1")
    events_before = first.ledger.recorder.max_notification_id()

    restarted = instances.start()
    again = restarted.ledger.enrol_young_person(
        network.worker_a,
        first_name="Camille",
        last_name="Martin",
        date_of_birth=BIRTH,
        territory="93",
        contact="06 12 34 56 78",
        idempotency_key="enrol-camille-1",
    )

    assert again == enrolled
    assert restarted.ledger.recorder.max_notification_id() == events_before


def test_concurrent_retries_of_one_command_record_it_once(instances: Instances) -> None:
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    young_person = network.enrol()
    outcomes: list[UUID] = []

    def record() -> None:
        outcomes.append(
            instances.start().ledger.record_intervention(
                network.worker_a,
                young_person,
                domain=Domain.EDUCATION,
                kind="tutoring",
                occurred_at=instances.clock.now - timedelta(hours=1),
                idempotency_key="same-visit",
            )
        )

    threads = [threading.Thread(target=record) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(outcomes)) == 1
    assert len(outcomes) == 4
    assert len(parcours.ledger.young_person(young_person).interventions) == 1


def test_concurrent_writers_on_one_case_file_all_land(instances: Instances) -> None:
    parcours = instances.start()
    network = build_network(parcours.ledger, instances.clock)
    young_person = network.enrol()
    errors: list[BaseException] = []

    def record(n: int) -> None:
        try:
            instances.start().ledger.record_intervention(
                network.worker_a,
                young_person,
                domain=Domain.EDUCATION,
                kind=f"visit {n}",
                occurred_at=instances.clock.now - timedelta(hours=n),
            )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=record, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    case_file = parcours.ledger.young_person(young_person)
    assert len(case_file.interventions) == 4
    assert case_file.version == 5
