"""Stored events back to domain events: the very objects the library's mapper makes, cheaper.

A rebuild decodes every event of the log, and the mapper's generic path cost more than all a
projection then does with the event: the JSON decoder's hook tries every object for a
transcoding through a chain of lookups, and each UUID and enum member goes through its general
constructor. This decoder keeps the mapper's steps and its transcodings (the transcoder's own
registry: a value decodes here exactly as it does there), resolves each topic once, and revives
the two commonest values, UUIDs and enum members, by shortcuts that give what their
transcodings give. Anything it does not know how to shorten goes the library's way.
"""

import json
from collections.abc import Callable, Hashable
from enum import Enum
from functools import partial
from typing import Any, cast
from uuid import UUID, SafeUUID

from eventsourcing.persistence import (
    JSONTranscoder,
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    Transcoding,
    TranscodingNotRegisteredError,
    UUIDAsHex,
    find_id_convertor,
)
from eventsourcing.utils import resolve_topic

from domain.ledger.transcodings import EnumAsValue

Revive = Callable[[Any], Any]
_UUID_NEW = UUID.__new__
_SET = object.__setattr__
_BY_THE_BOOK = UUIDAsHex()


def uuid_from_hex(data: str) -> UUID:
    """`UUID(data)` for the 32-digit form `UUIDAsHex` writes, without the constructor's
    normalising (braces, `urn:`, hyphens): the same integer, parsed the same way (`int(…, 16)`),
    so the same UUID or the same ValueError. Anything else goes the transcoding's way."""
    if not isinstance(data, str) or len(data) != 32 or "-" in data:
        found: UUID = _BY_THE_BOOK.decode(data)
        return found
    value = _UUID_NEW(UUID)
    _SET(value, "int", int(data, 16))
    _SET(value, "is_safe", SafeUUID.unknown)
    return value


def _member(enum_type: type[Enum], fallback: Revive, data: Any) -> Any:
    """`enum_type(data)` for a value of a member: the lookup `Enum.__call__` tries first."""
    try:
        return enum_type._value2member_map_[data]
    except (KeyError, TypeError):
        return fallback(data)


def _reviver(transcoding: Transcoding) -> Revive:
    if type(transcoding) is UUIDAsHex:
        return uuid_from_hex
    if type(transcoding) is EnumAsValue:
        return partial(_member, transcoding.type, transcoding.decode)
    return transcoding.decode


class EventDecoder:
    """Decodes stored events with the mapper's cipher, compressor and transcodings."""

    def __init__(self, mapper: Mapper[UUID]) -> None:
        self._mapper = mapper
        transcoder = mapper.transcoder
        self._lean = isinstance(transcoder, JSONTranscoder)
        self._revivers: dict[str, Revive] = {}
        if isinstance(transcoder, JSONTranscoder):
            self._revivers = {n: _reviver(t) for n, t in transcoder.names.items()}
        self._json = json.JSONDecoder(object_hook=self._hook).decode
        self._classes: dict[str, tuple[type[Any], int]] = {}

    def decode(self, topic: str, state: bytes, originator_id: UUID | str, version: int) -> Any:
        """The domain event `mapper.to_domain_event` makes of this stored event."""
        if not self._lean:
            return self._mapper.to_domain_event(StoredEvent(originator_id, version, topic, state))
        cls, class_version = self._classes.get(topic) or self._resolve(topic)
        try:
            if self._mapper.cipher:
                state = self._mapper.cipher.decrypt(state)
            if self._mapper.compressor:
                state = self._mapper.compressor.decompress(state)
            event_state: dict[str, Any] = self._json(state.decode("utf8"))
        except Exception as error:
            msg = (
                f"Failed to deserialise state of stored event with topic '{topic}', "
                f"originator_id '{originator_id}' and originator_version {version}: {error}"
            )
            raise MapperDeserialisationError(msg) from error
        convert = find_id_convertor(cast(Hashable, cls), cast(Hashable, type(originator_id)))
        event_state["originator_id"] = convert(originator_id)
        event_state["originator_version"] = version
        from_version = event_state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(event_state)
            from_version += 1
        event = object.__new__(cls)
        _SET(event, "__dict__", event_state)
        return event

    def _resolve(self, topic: str) -> tuple[type[Any], int]:
        cls = resolve_topic(topic)
        resolved = (cls, getattr(cls, "class_version", 1))
        self._classes[topic] = resolved
        return resolved

    def _hook(self, obj: dict[str, Any]) -> Any:
        """`JSONTranscoder._decode_obj`: an object of exactly `_type_` and `_data_` is a
        transcoded value; any other object stays a dict."""
        if len(obj) == 2 and "_type_" in obj and "_data_" in obj:
            name = obj["_type_"]
            try:
                revive = self._revivers[name]
            except KeyError:
                msg = (
                    f"Data serialized with name '{name}' is not deserializable."
                    " Please register a custom transcoding for this type."
                )
                raise TranscodingNotRegisteredError(msg) from None
            return revive(obj["_data_"])
        return obj
