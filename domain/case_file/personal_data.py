"""The young person's identifying data, sealed field by field with their own key."""

from dataclasses import dataclass
from datetime import date

from domain.errors import InvalidInput
from domain.privacy.sealed import Seal, Sealed
from domain.rules import SHORT_TEXT, require_text, seal_optional


@dataclass(frozen=True)
class PersonalData:
    first_name: Sealed
    last_name: Sealed
    date_of_birth: Sealed
    contact: Sealed | None


def seal_personal_data(
    seal: Seal,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    contact: str | None,
    today: date,
) -> PersonalData:
    if date_of_birth > today:
        raise InvalidInput("date_of_birth must not be in the future", field="date_of_birth")
    if date_of_birth.year < today.year - 120:
        raise InvalidInput("date_of_birth is not plausible", field="date_of_birth")
    return PersonalData(
        first_name=seal(require_text(first_name, "first_name")),
        last_name=seal(require_text(last_name, "last_name")),
        date_of_birth=seal(date_of_birth.isoformat()),
        contact=seal_optional(seal, contact, "contact", SHORT_TEXT),
    )
