"""One line of an import file: a command, who did it, and what later lines may call its result.

    {"command": "record_intervention", "key": "legacy-4711",
     "actor": {"user_id": "jdupont", "role": "WORKER", "association_id": {"$ref": "asso-12"}},
     "args": {"young_person_id": {"$ref": "yp-88"}, "domain": "EDUCATION", ...},
     "as": "iv-4711"}

`key` is the command's idempotency key (a legacy id): importing the same file twice records
nothing new. `as` names the command's outcome; `{"$ref": name}` anywhere in `actor` or `args`
stands for the outcome of the earlier line that took that name.
"""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api import policy
from api.auth.errors import InvalidTokenRequest
from api.auth.viewer import association_named, role_named, user_named
from domain.actor import Actor
from domain.errors import InvalidInput, NotFound
from domain.rules import USER_ID_LENGTH
from domain.vocabulary import Role

Names = Mapping[str, UUID]


class ActorLine(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: str = Field(min_length=1, max_length=USER_ID_LENGTH)
    role: Role
    association_id: UUID | None = None


class ImportLine(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    command: str
    actor: dict[str, Any]
    args: dict[str, Any] = Field(default_factory=dict)
    key: str = Field(min_length=1)
    """Required: it is what makes importing a corrected file again record only what was
    missing (a line without one was recorded a second time)."""
    name: str | None = Field(default=None, alias="as")

    def actor_with(self, names: Names) -> Actor:
        """Who did it, held to the rules of a token's claims (a printable user id, a role a
        token may carry, an association for a worker or coordinator only) and to the policy's
        capability for the command: an import is not a way round what a request may do."""
        given = resolve(self.actor, names, "actor")
        try:
            fields = ActorLine.model_validate(given)
            actor = Actor(
                user_named(fields.user_id),
                role_named(fields.role.value),
                association_named(fields.role, fields.association_id),
            )
        except ValidationError as invalid:
            first = invalid.errors()[0]
            name = ".".join(str(part) for part in first["loc"])
            raise InvalidInput(f"actor.{name}: {first['msg']}", field=f"actor.{name}") from None
        except InvalidTokenRequest as refused:
            field = f"actor.{_ACTOR_FIELDS[refused.field]}"
            raise InvalidInput(f"{field}: {refused.message}", field=field) from None
        capability = policy.COMMANDS.get(self.command)
        if capability is not None:
            policy.require(actor, capability)
        return actor


_ACTOR_FIELDS = {"user": "user_id", "role": "role", "association": "association_id"}


MAX_DEPTH = 32
"""How deep a line's values may nest: a command's arguments go four or five levels down, and
a line nested hundreds deep made the import stop with a traceback (a recursion limit in the
arguments' check or in resolving names) instead of naming the line."""


def parse(text: str | bytes) -> ImportLine:
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise InvalidInput(f"not a JSON object: {error}", field="line") from None
    if _deeper_than(data, MAX_DEPTH):
        raise InvalidInput(f"values may nest at most {MAX_DEPTH} levels deep", field="line")
    if not isinstance(data, dict):
        raise InvalidInput("not a JSON object", field="line")
    try:
        return ImportLine.model_validate(data)
    except ValidationError as invalid:
        first = invalid.errors()[0]
        name = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(f"{name}: {first['msg']}", field=name) from None


def resolve(value: object, names: Names, path: str) -> Any:
    """`value` (found at `path` in the line) with every `{"$ref": name}` replaced by the
    outcome that took that name; an unknown name is refused naming where the reference is."""
    if isinstance(value, dict):
        if set(value) == {"$ref"}:
            name = value["$ref"]
            if not isinstance(name, str) or name not in names:
                raise NotFound(f"no earlier line took the name {name!r}", field=path)
            return names[name]
        return {key: resolve(item, names, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, names, f"{path}[{i}]") for i, item in enumerate(value)]
    return value


def _deeper_than(value: object, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels (walked without recursion)."""
    level: list[dict[str, object] | list[object]] = (
        [value] if isinstance(value, dict | list) else []
    )
    for _ in range(limit):
        level = [
            item
            for found in level
            for item in (found.values() if isinstance(found, dict) else found)
            if isinstance(item, dict | list)
        ]
        if not level:
            return False
    return True
