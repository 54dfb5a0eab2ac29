"""Bulk import chunks: each chunk saved in one transaction and written while the next one is
decided (`LedgerCore.run_chunks`) records exactly what running the same commands one by one
records, and stops at the same command — whatever the chunk size, keys recorded before (the
chunk is refused when written) and commands refused while deciding."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.ledger.appending import Encoded
from domain.vocabulary import Domain
from tests.support import FrozenClock, Network, build_network, memory_ledger

PEOPLE = 3


@dataclass(frozen=True)
class Op:
    """One `record_intervention`: on which person, with which key, dated lawfully or not."""

    person: int
    key: int
    lawful: bool


class OpFailed(Exception):
    def __init__(self, index: int) -> None:
        super().__init__(f"command {index} was refused")
        self.index = index


@dataclass
class Case:
    network: Network
    people: list[UUID]

    def record(self, index: int, op: Op) -> None:
        now = self.network.clock.now
        try:
            self.network.ledger.record_intervention(
                self.network.worker_a,
                self.people[op.person],
                domain=Domain.EDUCATION,
                kind=f"command {op.key}",  # a key names one request: the same kind again
                occurred_at=now - timedelta(hours=1) if op.lawful else now + timedelta(days=1),
                idempotency_key=f"key-{op.key}",
            )
        except DomainError as error:
            raise OpFailed(index) from error

    def recorded(self) -> list[list[str]]:
        ledger = self.network.ledger
        return [
            sorted(i.kind for i in ledger.young_person(p).interventions.values())
            for p in self.people
        ]


@dataclass
class OpsChunk:
    case: Case
    ops: list[tuple[int, Op]]
    calls: list[str] = field(default_factory=list)

    def stage(self) -> None:
        for index, op in self.ops:
            self.case.record(index, op)

    def take_back(self) -> None:
        self.calls.append("take_back")

    def run_alone(self) -> None:
        self.calls.append("run_alone")
        self.stage()

    def committed(self) -> None:
        self.calls.append("committed")


def new_case() -> Case:
    clock = FrozenClock()
    network = build_network(memory_ledger(clock), clock)
    return Case(network, [network.enrol(last_name=f"P{n}") for n in range(PEOPLE)])


def one_by_one(case: Case, ops: Sequence[tuple[int, Op]]) -> int | None:
    for index, op in ops:
        try:
            case.record(index, op)
        except OpFailed as failed:
            return failed.index
    return None


def chunked(
    case: Case, ops: Sequence[tuple[int, Op]], size: int
) -> tuple[int | None, list[OpsChunk]]:
    chunks = [OpsChunk(case, list(ops[n : n + size])) for n in range(0, len(ops), size)]
    try:
        case.network.ledger.run_chunks(chunks)
    except OpFailed as failed:
        return failed.index, chunks
    return None, chunks


ops_lists = st.lists(
    st.builds(
        Op,
        st.integers(0, PEOPLE - 1),
        st.integers(0, 12),
        st.integers(0, 9).map(lambda n: n > 0),  # one command in ten dated in the future
    ),
    max_size=24,
)


@settings(max_examples=60, deadline=None)
@given(before=ops_lists, ops=ops_lists, size=st.integers(1, 6))
def test_chunks_record_what_one_by_one_records(before: list[Op], ops: list[Op], size: int) -> None:
    earlier = list(enumerate(before, start=1000))
    numbered = list(enumerate(ops))
    expected, actual = new_case(), new_case()
    for case in (expected, actual):
        one_by_one(case, earlier)

    failed_one_by_one = one_by_one(expected, numbered)
    failed_chunked, _ = chunked(actual, numbered, size)

    assert failed_chunked == failed_one_by_one
    assert actual.recorded() == expected.recorded()


def test_a_chunk_refused_when_written_is_run_alone_and_the_next_staged_again() -> None:
    case = new_case()
    one_by_one(case, [(100, Op(0, 1, lawful=True))])
    ops = [(0, Op(1, 2, True)), (1, Op(0, 1, True)), (2, Op(2, 3, True)), (3, Op(2, 4, True))]

    failed, chunks = chunked(case, ops, size=2)

    assert failed is None
    first, second = chunks
    assert first.calls == ["take_back", "run_alone"]
    assert second.calls == ["take_back", "committed"]
    assert case.recorded() == [["command 1"], ["command 2"], ["command 3", "command 4"]]


def test_a_write_that_fails_otherwise_stops_the_import_and_nothing_unsaved_is_kept() -> None:
    """Not a refusal: the write may have failed after its commit went out, so the chunk is not
    written again; what was decided and not saved is forgotten, and the next command decides
    on what the store holds (deciding on the unsaved state would leave a gap in the stream)."""
    case = new_case()
    appender = case.network.ledger.appender
    written = appender.write
    calls: list[int] = []

    def write_twice_then_fail(encoded: Encoded) -> None:
        calls.append(1)
        if len(calls) == 2:
            msg = "the disk is full"
            raise OSError(msg)
        written(encoded)

    appender.write = write_twice_then_fail  # type: ignore[method-assign]
    ops = [(n, Op(0, n, lawful=True)) for n in range(6)]

    with pytest.raises(OSError, match="the disk is full"):
        chunked(case, ops, size=2)

    appender.write = written  # type: ignore[method-assign]
    case.record(99, Op(0, 99, lawful=True))
    assert case.recorded()[0] == ["command 0", "command 1", "command 99"]


def test_an_interrupted_import_forgets_what_it_staged() -> None:
    case = new_case()

    class Interrupted(OpsChunk):
        def stage(self) -> None:
            super().stage()
            raise KeyboardInterrupt

    chunks = [OpsChunk(case, [(0, Op(0, 0, True))]), Interrupted(case, [(1, Op(0, 1, True))])]
    with pytest.raises(KeyboardInterrupt):
        case.network.ledger.run_chunks(chunks)

    case.record(99, Op(0, 99, lawful=True))
    assert case.recorded()[0] == ["command 0", "command 99"]
