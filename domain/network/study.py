"""An evaluation study: registered in the ledger so that studies are audited and listable.

Its secret (for pseudonyms) lives in the key store, never here; the study's id is derived from
its name, so a name can be registered once and its key found again from the name alone.
"""

import re
from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import InvalidInput, NotPermitted
from domain.vocabulary import Role

STUDY_NAMESPACE = UUID("5d2b6a4e-8f3c-5b7d-9e1a-6c4f2b8d0a17")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
NAME_RULE = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"


def checked_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise InvalidInput(f"a study name is {NAME_RULE}", field="name")
    return name


def study_id(name: str) -> UUID:
    """Derived from the name: never a young person's id (those are random, version 4)."""
    return uuid5(STUDY_NAMESPACE, f"study:{checked_name(name)}")


class Study(Aggregate):
    @classmethod
    def register(cls, *, actor: Actor, name: str, at: datetime) -> "Study":
        if actor.role not in (Role.NETWORK_ADMIN, Role.SYSTEM):
            raise NotPermitted("only a network admin registers evaluation studies")
        return cls(id=study_id(name), actor=actor, name=name, registered_at=at)

    @event("Registered")
    def __init__(
        self,
        *,
        id: UUID,
        actor: Actor,
        name: str,
        registered_at: datetime,
    ) -> None:
        self.name = name
        self.registered_at = registered_at
