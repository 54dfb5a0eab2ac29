"""How domain values are written to the store and read back exactly as they were.

Replay must equal live, so every value an event or snapshot carries round-trips to the same type:
enums to their member, dates to `date`, value objects to their dataclass with tuples (JSON has
only lists) restored.
"""

import dataclasses
from datetime import date
from enum import Enum
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain import vocabulary
from domain.actor import Actor
from domain.case_file.consent import Consent
from domain.case_file.handover import Handover
from domain.case_file.intervention import Intervention
from domain.case_file.need import Need
from domain.case_file.personal_data import PersonalData
from domain.case_file.plan import Goal
from domain.case_file.referral import Referral
from domain.network.association import Competence
from domain.network.programme import Component
from domain.network.shared_resource import Allocation
from domain.privacy.sealed import Sealed

VALUE_TYPES: tuple[type[Any], ...] = (
    Actor,
    Sealed,
    PersonalData,
    Consent,
    Need,
    Goal,
    Intervention,
    Referral,
    Handover,
    Competence,
    Component,
    Allocation,
)
ENUM_TYPES: tuple[type[Enum], ...] = tuple(
    value
    for value in vars(vocabulary).values()
    if isinstance(value, type) and issubclass(value, Enum) and value is not Enum
)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class EnumAsValue(Transcoding):
    def __init__(self, enum_type: type[Enum]) -> None:
        self.type = enum_type
        self.name = enum_type.__name__

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        member: Enum = self.type(data)
        return member


class ValueAsDict(Transcoding):
    """A frozen dataclass as its fields; lists come back as tuples (our value types use tuples)."""

    def __init__(self, value_type: type[Any]) -> None:
        self.type = value_type
        self.name = value_type.__name__
        self._fields = tuple(f.name for f in dataclasses.fields(value_type))

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self._fields}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    for enum_type in ENUM_TYPES:
        transcoder.register(EnumAsValue(enum_type))
    for value_type in VALUE_TYPES:
        transcoder.register(ValueAsDict(value_type))
