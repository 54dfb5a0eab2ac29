"""The projections' own reading of the log gives exactly the library's domain events.

The event source reads rows straight off the table (PostgreSQL) and decodes them with shortcuts;
replay equals live only if every event it yields is the one the library's mapper would have
made: the same class, the same attributes, each value of the same type (an enum member, not its
value; a tuple, not a list).
"""

import string
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.decoding import EventDecoder, uuid_from_hex
from projections.source import EventSource
from tests.projections.conftest import World
from tests.projections.scenarios import Scenario, steps


def typed(value: Any) -> Any:
    """A value with the type of every part spelled out, so `==` also compares types."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return (type(value), [typed(v) for v in value])
    fields = getattr(value, "__dict__", None)
    if fields is not None and not isinstance(value, type):
        return (type(value), typed(fields))
    return (type(value), value)


def library_events(world: World) -> list[tuple[int, Any]]:
    ledger = world.parcours.ledger
    notifications = ledger.recorder.select_notifications(start=1, limit=1_000_000)
    return [(n.id, ledger.mapper.to_domain_event(n)) for n in notifications]


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps)
def test_the_source_yields_the_library_s_events(
    world: World, plan: list[tuple[str, int, int]]
) -> None:
    scenario = Scenario(world.network)
    for step, who, pick in plan:
        scenario.play(step, who, pick)
    ledger = world.parcours.ledger
    source = EventSource(ledger.recorder, ledger.mapper)
    expected = library_events(world)

    read = source.read(0, len(expected) + 10)

    assert [r.position for r in read] == [position for position, _ in expected]
    for recorded, (_, event) in zip(read, expected, strict=True):
        assert typed(recorded.event) == typed(event)
        assert recorded.name == type(event).__qualname__
        assert (recorded.stream_id, recorded.version) == (
            event.originator_id,
            event.originator_version,
        )
        assert recorded.recorded_at == event.timestamp


def test_the_source_reads_after_a_position_and_up_to_a_limit(world: World) -> None:
    ledger = world.parcours.ledger
    source = EventSource(ledger.recorder, ledger.mapper)
    every = [position for position, _ in library_events(world)]

    assert [r.position for r in source.read(every[2], 3)] == every[3:6]
    assert source.read(every[-1], 10) == []


class CountingDecoder(EventDecoder):
    def __init__(self, world: World) -> None:
        super().__init__(world.parcours.ledger.mapper)
        self.topics: list[str] = []

    def decode(self, topic: str, state: bytes, originator_id: UUID | str, version: int) -> Any:
        self.topics.append(topic)
        return super().decode(topic, state, originator_id, version)


def test_an_event_is_decoded_once_and_only_when_asked_for(world: World) -> None:
    ledger = world.parcours.ledger
    source = EventSource(ledger.recorder, ledger.mapper)
    decoder = source._decoder = CountingDecoder(world)

    read = source.read(0, 5)
    assert decoder.topics == []

    first = read[0]
    assert first.event is first.event
    assert first.recorded_at == first.event.timestamp
    assert len(decoder.topics) == 1


hex_like = st.one_of(
    st.text(alphabet=string.hexdigits + "-_ {}+xurn:", min_size=28, max_size=36),
    # the forms the constructor accepts, so that values are compared and not only refusals
    st.uuids().flatmap(
        lambda u: st.sampled_from(
            [u.hex, u.hex.upper(), str(u), str(u).upper(), f"{{{u}}}", f"urn:uuid:{u}"]
        )
    ),
)


@given(st.uuids())
def test_a_uuid_comes_back_from_its_hex(value: UUID) -> None:
    revived = uuid_from_hex(value.hex)

    assert revived == value
    assert type(revived) is UUID
    assert revived.is_safe == UUID(value.hex).is_safe


@given(hex_like)
def test_any_text_gives_what_the_constructor_gives(text: str) -> None:
    try:
        expected: UUID | type[Exception] = UUID(text)
    except ValueError:
        expected = ValueError
    try:
        got: UUID | type[Exception] = uuid_from_hex(text)
    except ValueError:
        got = ValueError
    assert got == expected


def test_an_unknown_transcoding_is_refused_as_the_library_refuses_it(world: World) -> None:
    ledger = world.parcours.ledger
    notification = ledger.recorder.select_notifications(start=1, limit=1)[0]
    state = b'{"timestamp":{"_type_":"no_such_type","_data_":1}}'
    decoder = EventDecoder(ledger.mapper)

    with pytest.raises(Exception, match="no_such_type") as ours:
        decoder.decode(notification.topic, state, notification.originator_id, 1)
    stored = type(notification)(
        id=1,
        originator_id=notification.originator_id,
        originator_version=1,
        topic=notification.topic,
        state=state,
    )
    with pytest.raises(Exception, match="no_such_type") as theirs:
        ledger.mapper.to_domain_event(stored)
    assert type(ours.value) is type(theirs.value)
    assert type(ours.value.__cause__) is type(theirs.value.__cause__)
