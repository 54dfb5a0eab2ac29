"""A partner front end that never gives up on a command: one idempotency key, many attempts.

A network error or a 503 says nothing about whether the command was recorded, so the client
sends it again with the *same* key (to the other server: a load balancer would), and the
ledger's receipt turns a retry of a recorded command into the first outcome. A mutation whose
read models have not caught up yet answers `NOT_YET_VISIBLE`; it was recorded, so it is sent
again too. Only a success or a refusal ends a command. Everything seen is tallied by kind.
"""

import random
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx

from api.graphql.ids import uuid_of
from domain.actor import Actor

REQUEST_TIMEOUT_SECONDS = 30.0
NOT_YET_VISIBLE = "NOT_YET_VISIBLE"
MAX_PAUSE_SECONDS = 1.0


@dataclass(frozen=True)
class Kind:
    """One mutation the load sends, and where its effect is found in the event store."""

    name: str
    mutation: str
    input_type: str
    success: str
    selection: str
    """The success member's fields, ending at the id the command returned."""
    id_type: str
    command: str
    """The ledger command, as its receipt names it."""
    event: str
    """The last part of the topic of the event that records the command's effect."""
    event_id: str | None
    """The event's attribute holding the returned id; None when it is the stream's id."""

    def document(self) -> str:
        return (
            f"mutation($input: {self.input_type}!) {{ result: {self.mutation}(input: $input) "
            f"{{ __typename ... on {self.success} {{ {self.selection} }} "
            "... on UserError { code message field } } }"
        )

    def returned_id(self, payload: dict[str, Any]) -> UUID:
        node: Any = payload
        for name in self.selection.replace("{", " ").replace("}", " ").split():
            node = node[name]
        found = uuid_of(str(node), self.id_type)
        assert found is not None, f"{self.mutation} returned a malformed id {node!r}"
        return found


KINDS = {
    kind.name: kind
    for kind in (
        Kind(
            "association",
            "registerAssociation",
            "RegisterAssociationInput",
            "AssociationUpdated",
            "association { id }",
            "Association",
            "register_association",
            "Registered",
            None,
        ),
        Kind(
            "enrol",
            "enrolYoungPerson",
            "EnrolYoungPersonInput",
            "YoungPersonEnrolled",
            "youngPerson { id }",
            "YoungPerson",
            "enrol_young_person",
            "Enrolled",
            None,
        ),
        Kind(
            "intervention",
            "recordIntervention",
            "RecordInterventionInput",
            "InterventionRecorded",
            "entry { id }",
            "TimelineEntry",
            "record_intervention",
            "InterventionRecorded",
            "intervention_id",
        ),
        Kind(
            "need",
            "identifyNeed",
            "IdentifyNeedInput",
            "NeedIdentified",
            "need { id }",
            "Need",
            "identify_need",
            "NeedIdentified",
            "need_id",
        ),
        Kind(
            "referral",
            "makeReferral",
            "MakeReferralInput",
            "ReferralMade",
            "referral { id }",
            "Referral",
            "make_referral",
            "ReferralMade",
            "referral_id",
        ),
        Kind(
            "accept",
            "acceptReferral",
            "RespondToReferralInput",
            "ReferralUpdated",
            "referral { id }",
            "Referral",
            "accept_referral",
            "ReferralAccepted",
            "referral_id",
        ),
        Kind(
            "decline",
            "declineReferral",
            "DeclineReferralInput",
            "ReferralUpdated",
            "referral { id }",
            "Referral",
            "decline_referral",
            "ReferralDeclined",
            "referral_id",
        ),
    )
}


@dataclass(frozen=True)
class Command:
    kind: Kind
    actor: Actor
    key: str
    input: dict[str, Any]


@dataclass(frozen=True)
class Ack:
    """A command the API acknowledged: it returned this id."""

    command: Command
    outcome: UUID
    attempts: int


@dataclass(frozen=True)
class Refusal:
    """A command the API refused with a `UserError` (nothing was recorded)."""

    command: Command
    code: str
    message: str


@dataclass
class Tally:
    """Everything the clients saw, counted by kind; shared by the client threads."""

    retries: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    refusals: Counter[str] = field(default_factory=Counter)
    unavailable_messages: Counter[str] = field(default_factory=Counter)
    abandoned: list[Command] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, counter: Counter[str], what: str) -> None:
        with self._lock:
            counter[what] += 1

    def abandon(self, command: Command) -> None:
        with self._lock:
            self.abandoned.append(command)


@dataclass(frozen=True)
class Attempt:
    """What one HTTP attempt said: a final answer, or the reason to try again."""

    final: Ack | Refusal | None = None
    retry: str | None = None
    error: str | None = None


class Client:
    """Sends commands as one user; each attempt goes to the next server in turn."""

    def __init__(
        self, urls: Sequence[str], token: str, tally: Tally, patience: float = 90.0
    ) -> None:
        self.urls = list(urls)
        self.token = token
        self.tally = tally
        self.patience = patience
        self._turn = random.randrange(len(self.urls))
        self._http = httpx.Client(timeout=REQUEST_TIMEOUT_SECONDS)

    def close(self) -> None:
        self._http.close()

    def send(self, command: Command) -> Ack | Refusal | None:
        """Until a final answer or `patience` seconds; None (and tallied) if it never came."""
        deadline = time.monotonic() + self.patience
        attempts = 0
        while time.monotonic() < deadline:
            attempts += 1
            seen = self.attempt(command, attempts)
            if seen.final is not None:
                return seen.final
            if seen.error is not None:
                self.tally.add(self.tally.errors, seen.error)
            if seen.retry is not None:
                self.tally.add(self.tally.retries, seen.retry)
            time.sleep(min(0.05 * 2 ** min(attempts, 5), MAX_PAUSE_SECONDS) * random.random())
        self.tally.abandon(command)
        return None

    def attempt(self, command: Command, attempts: int = 1) -> Attempt:
        """One POST to the next server; never raises for what a network or a server can do."""
        url = self.urls[self._turn % len(self.urls)]
        self._turn += 1
        body = {"query": command.kind.document(), "variables": {"input": command.input}}
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            response = self._http.post(f"{url}/graphql", json=body, headers=headers)
        except httpx.TransportError as error:
            return Attempt(retry=f"network: {type(error).__name__}")
        return self._read(command, response, attempts)

    def _read(self, command: Command, response: httpx.Response, attempts: int) -> Attempt:
        if response.status_code == 503:
            self.tally.add(self.tally.unavailable_messages, _first_message(response))
            return Attempt(retry="http 503")
        if response.status_code != 200:
            return Attempt(
                retry=f"http {response.status_code}", error=f"http {response.status_code}"
            )
        answer: dict[str, Any] = response.json()
        if answer.get("errors"):
            message = answer["errors"][0].get("message", "?")
            return Attempt(retry="graphql error", error=f"graphql error: {message}")
        return self._payload(command, answer["data"]["result"], attempts)

    def _payload(self, command: Command, payload: dict[str, Any], attempts: int) -> Attempt:
        if payload["__typename"] == command.kind.success:
            return Attempt(final=Ack(command, command.kind.returned_id(payload), attempts))
        if payload.get("code") == NOT_YET_VISIBLE:
            return Attempt(retry="not yet visible")
        code = str(payload.get("code"))
        self.tally.add(self.tally.refusals, f"{command.kind.name}: {code}")
        return Attempt(final=Refusal(command, code, str(payload.get("message"))))


def _first_message(response: httpx.Response) -> str:
    """The first GraphQL error's message, or the raw body when it is not the API's JSON."""
    try:
        return str(response.json()["errors"][0]["message"])
    except (ValueError, KeyError, IndexError, TypeError):
        return response.text[:200]
