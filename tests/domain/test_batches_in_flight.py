"""Group commit decides a batch while the one before it is being written. When that later batch
cannot be decided whole, nothing it decided may survive the earlier batch's commit: the earlier
batch keeps its aggregates once committed, and they are the very objects the later one changed.

Found by the soak test (an intervention in the store that no client was told about, without a
receipt); reproduced here step by step, on the ledger's own batch runner.
"""

from concurrent.futures import Future
from datetime import timedelta
from functools import partial
from uuid import UUID, uuid4

from domain.ledger.appending import Encoded
from domain.ledger.group_commit import Job
from domain.vocabulary import Domain
from tests.domain.givens import jobs_of
from tests.support import FrozenClock, Network, build_network, memory_ledger


def captured_jobs(network: Network, person: UUID, label: str, *dated: timedelta) -> list[Job]:
    """The jobs `record_intervention` submits, captured instead of run."""
    return jobs_of(
        network,
        [
            partial(
                network.ledger.record_intervention,
                network.worker_a,
                person,
                domain=Domain.EDUCATION,
                kind=f"{label} {n}",
                occurred_at=network.clock.now + delta,
                idempotency_key=f"key-{uuid4()}",
            )
            for n, delta in enumerate(dated)
        ],
    )


def test_a_batch_refused_while_deciding_leaves_nothing_once_the_batch_in_flight_commits() -> None:
    clock = FrozenClock()
    network = build_network(memory_ledger(clock), clock)
    ledger = network.ledger
    person = network.enrol()
    appender = ledger.appender
    written: list[Encoded] = []

    def send_written_but_unsettled(encoded: Encoded) -> "Future[None]":
        appender.write(encoded)
        written.append(encoded)
        done: Future[None] = Future()
        done.set_result(None)
        return done

    appender.send = send_written_but_unsettled  # type: ignore[method-assign]
    earlier = captured_jobs(network, person, "early", -timedelta(hours=2), -timedelta(hours=1))
    ledger._run_batch(earlier)
    assert len(written) == 1  # in flight: written, not yet settled

    later = captured_jobs(network, person, "late", -timedelta(minutes=30), timedelta(days=1))
    ledger._run_batch(later)

    ledger.settle()
    assert later[0].error is None
    assert later[1].error is not None  # dated tomorrow: refused
    kinds = sorted(i.kind for i in ledger.young_person(person).interventions.values())
    assert kinds == ["early 0", "early 1", "late 0"]
