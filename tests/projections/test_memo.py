"""The timeline recalls what a referral, need or goal was about from a memo when it can, and
from its table otherwise: the same entries either way, and never a fact of a batch that was
not committed."""

from uuid import UUID

import pytest
from eventsourcing.persistence import OperationalError

from domain.vocabulary import Domain
from projections.memo import Memo
from projections.projection import Handler, Recorded, Writer, handles
from projections.queries.timeline import timeline_page
from projections.store import Params, Row
from projections.timeline import TimelineProjection, recall, remember
from tests.conftest import Instances
from tests.projections.conftest import World
from tests.projections.test_writer import RecordingTx
from tests.support import build_network


def test_a_memo_lets_its_oldest_facts_go_first_past_its_capacity() -> None:
    memo = Memo(capacity=2)
    memo.put("a", 1)
    memo.put("b", 2)
    memo.put("a", 10)  # known already: nothing to let go
    assert (memo.get("a"), memo.get("b"), len(memo)) == (10, 2, 2)
    memo.put("c", 3)
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (None, 2, 3)
    memo.forget()
    assert len(memo) == 0


def test_a_memo_keeps_at_least_one_fact() -> None:
    with pytest.raises(ValueError, match="capacity"):
        Memo(capacity=0)


def test_a_subject_remembered_is_recalled_without_reading_its_table() -> None:
    """The point of the memo: no read, so the batch's pipeline is not ended by an answer."""
    tx = RecordingTx()
    w = Writer(tx, TimelineProjection.physical(1))
    referral = UUID(int=7)
    remember(w, referral, "HOUSING", "asso-b")

    assert recall(w, referral) == ("HOUSING", "asso-b")
    assert recall(w, UUID(int=8)) == (None, None)  # not remembered: read, and not found
    reads = [statement for kind, statement, _ in tx.sent if kind == "fetch"]
    assert len(reads) == 1
    assert "timeline_subjects_g1" in reads[0]


def domains_of_referral_entries(world: World, young_person: UUID) -> list[tuple[str, str | None]]:
    page = timeline_page(world.parcours.read_store, young_person, first=100)
    return [(e.label, e.domain) for _, e in page.items if e.kind == "REFERRAL"]


def refer_to_b(world: World, young_person: UUID) -> UUID:
    n = world.network
    return n.ledger.make_referral(
        n.worker_a, young_person, to_association_id=n.b, domain=Domain.HOUSING
    )


def test_an_answer_to_a_referral_made_before_a_restart_reads_its_domain_from_the_table(
    world: World, instances: Instances
) -> None:
    young_person = world.network.enrol()
    referral = refer_to_b(world, young_person)
    world.caught_up()

    restarted = instances.start()  # its memo is empty: the referral is only in the table
    again = World(restarted, build_network(restarted.ledger, instances.clock))
    restarted.ledger.accept_referral(world.network.worker_b, young_person, referral_id=referral)
    again.caught_up()

    assert domains_of_referral_entries(again, young_person) == [
        ("Referral made", "HOUSING"),
        ("Referral accepted", "HOUSING"),
    ]


def test_an_answer_in_a_later_batch_gets_the_same_entry_from_the_memo(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    young_person = world.network.enrol()
    referral = refer_to_b(world, young_person)
    world.caught_up()
    subject_reads: list[str] = []
    fetchone = Writer.fetchone

    def counted(self: Writer, statement: str, params: Params = ()) -> Row | None:
        if "{subjects}" in statement:
            subject_reads.append(statement)
        return fetchone(self, statement, params)

    monkeypatch.setattr(Writer, "fetchone", counted)
    world.network.ledger.accept_referral(world.network.worker_b, young_person, referral_id=referral)
    world.caught_up()

    assert subject_reads == [], "the referral's domain came from the memo, not its table"
    assert domains_of_referral_entries(world, young_person) == [
        ("Referral made", "HOUSING"),
        ("Referral accepted", "HOUSING"),
    ]


OUTAGE_AFTER_REMEMBERING: dict[str, list[Handler]] = {}
MISREMEMBERED: list[UUID] = []
"""The referral whose domain the failing batch remembers wrongly."""


@handles(OUTAGE_AFTER_REMEMBERING, "YoungPerson.Enrolled")
def _remember_wrongly_then_lose_the_store(w: Writer, r: Recorded) -> None:
    """Remembers a fact the batch will never commit, then fails as an outage does (the runner
    retries such a batch later, with the same generation and its memo)."""
    remember(w, MISREMEMBERED[0], "MENTAL_HEALTH", None)
    msg = "server closed the connection unexpectedly"
    raise OperationalError(msg)  # an outage, that does not trip the store's breaker


class TimelineLosingItsStore(TimelineProjection):
    handlers = {**TimelineProjection.handlers, **OUTAGE_AFTER_REMEMBERING}


@pytest.mark.parametrize("at_once", [False, True], ids=["one-after-the-other", "at-once"])
def test_what_a_batch_remembered_is_forgotten_when_the_batch_is_not_committed(
    world: World, at_once: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    young_person = world.network.enrol()
    referral = refer_to_b(world, young_person)
    world.caught_up()  # the referral's domain is in the table and in the memo
    runner = world.parcours.projections
    runner.concurrent_from = 1 if at_once else 10**9
    monkeypatch.setattr(f"{__name__}.MISREMEMBERED", [referral])
    world.network.enrol()
    world.network.ledger.accept_referral(world.network.worker_b, young_person, referral_id=referral)
    runner.projections["timeline"] = TimelineLosingItsStore
    with pytest.raises(OperationalError):
        runner.catch_up()

    runner.projections["timeline"] = TimelineProjection  # the store is back
    runner.catch_up()

    assert domains_of_referral_entries(world, young_person) == [
        ("Referral made", "HOUSING"),
        ("Referral accepted", "HOUSING"),
    ]
