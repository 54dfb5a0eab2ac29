"""A realistic legacy history as import lines: a network of associations following young people.

Deterministic for a seed. Each young person is enrolled by a lead association, gives consent,
has needs, is referred to partners (accepted and completed, or declined), and is met again and
again over months (interventions are most of the events, as in the field); some cases close.
"""

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson

from domain.vocabulary import DeclineReason, Domain

DOMAINS = list(Domain)
START = datetime(2022, 1, 3, 9, 0, tzinfo=UTC)
EVENTS_PER_YOUNG_PERSON = 40
LONG_CASE = 150
LONG_EVERY = 25
"""One case in 25 is followed for long (150 commands): timeline pages of 100 entries exist."""
ASSOCIATIONS = 24
KINDS = ("individual meeting", "home visit", "group workshop", "phone follow-up", "tutoring")
Line = dict[str, Any]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": name}


def _at(moment: datetime) -> str:
    return moment.isoformat()


class _Network:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.associations = [f"a{i}" for i in range(ASSOCIATIONS)]

    def worker(self, association: str) -> Line:
        return {
            "user_id": f"{association}-w{self.rng.randint(1, 4)}",
            "role": "WORKER",
            "association_id": _ref(association),
        }

    def lines(self) -> Iterator[Line]:
        admin = {"user_id": "legacy-admin", "role": "NETWORK_ADMIN"}
        for index, name in enumerate(self.associations):
            competences = [
                {"domain": d.value, "monthly_capacity": None, "description": None} for d in DOMAINS
            ]
            yield {
                "command": "register_association",
                "actor": admin,
                "as": name,
                "key": f"legacy-asso-{index}",
                "args": {
                    "name": f"Association {index}",
                    "territory": f"{93 + index % 3}",
                    "competences": competences,
                },
            }


def _young_person(net: _Network, serial: int, events: int) -> Iterator[Line]:
    rng = net.rng
    lead = rng.choice(net.associations)
    partners = rng.sample([a for a in net.associations if a != lead], 2)
    yp = f"yp{serial}"
    key = f"legacy-{serial}"
    at = START + timedelta(days=rng.randint(0, 500), minutes=rng.randint(0, 480))
    born = date(2006 + rng.randint(0, 5), rng.randint(1, 12), rng.randint(1, 28))
    yield {
        "command": "enrol_young_person",
        "actor": net.worker(lead),
        "as": yp,
        "key": key,
        "args": {
            "first_name": f"Prénom{serial}",
            "last_name": f"Nom{serial}",
            "date_of_birth": born.isoformat(),
            "territory": f"{93 + serial % 3}",
            "contact": f"06 00 {serial % 100:02d} {serial % 97:02d} 00",
            "occurred_at": _at(at),
        },
    }
    yield {
        "command": "give_consent",
        "actor": net.worker(lead),
        "key": f"{key}-consent",
        "args": {
            "young_person_id": _ref(yp),
            "sensitivities": ["GENERAL", "HEALTH"],
            "purpose": "coordinated support",
            "given_by": "YOUNG_PERSON",
            "occurred_at": _at(at + timedelta(minutes=5)),
        },
    }
    need_domain = rng.choice(DOMAINS).value
    yield {
        "command": "identify_need",
        "actor": net.worker(lead),
        "as": f"{yp}-n",
        "key": f"{key}-need",
        "args": {
            "young_person_id": _ref(yp),
            "domain": need_domain,
            "severity": rng.randint(1, 3),
            "occurred_at": _at(at + timedelta(minutes=10)),
        },
    }
    written = 3
    for n, partner in enumerate(partners):
        at += timedelta(days=rng.randint(1, 10))
        referral = f"{yp}-r{n}"
        yield {
            "command": "make_referral",
            "actor": net.worker(lead),
            "as": referral,
            "key": f"{key}-ref{n}",
            "args": {
                "young_person_id": _ref(yp),
                "to_association_id": _ref(partner),
                "domain": need_domain,
                "need_id": _ref(f"{yp}-n"),
                "occurred_at": _at(at),
            },
        }
        at += timedelta(days=rng.randint(1, 5))
        if rng.random() < 0.8:
            yield {
                "command": "accept_referral",
                "actor": net.worker(partner),
                "key": f"{key}-acc{n}",
                "args": {
                    "young_person_id": _ref(yp),
                    "referral_id": _ref(referral),
                    "occurred_at": _at(at),
                },
            }
            for visit in range(3):
                at += timedelta(days=rng.randint(2, 12))
                yield _intervention(net, partner, yp, f"{key}-ref{n}-i{visit}", at)
            at += timedelta(days=rng.randint(1, 10))
            yield {
                "command": "complete_referral",
                "actor": net.worker(partner),
                "key": f"{key}-done{n}",
                "args": {
                    "young_person_id": _ref(yp),
                    "referral_id": _ref(referral),
                    "occurred_at": _at(at),
                },
            }
            written += 6
        else:
            yield {
                "command": "decline_referral",
                "actor": net.worker(partner),
                "key": f"{key}-dec{n}",
                "args": {
                    "young_person_id": _ref(yp),
                    "referral_id": _ref(referral),
                    "reason": rng.choice(list(DeclineReason)).value,
                    "occurred_at": _at(at),
                },
            }
            written += 2
    for n in range(max(events - written, 1)):
        at += timedelta(days=rng.randint(1, 4), minutes=rng.randint(0, 120))
        yield _intervention(net, lead, yp, f"{key}-i{n}", at)


def _intervention(net: _Network, by: str, yp: str, key: str, at: datetime) -> Line:
    rng = net.rng
    return {
        "command": "record_intervention",
        "actor": net.worker(by),
        "key": key,
        "args": {
            "young_person_id": _ref(yp),
            "domain": rng.choice(DOMAINS).value,
            "kind": rng.choice(KINDS),
            "occurred_at": _at(at),
            "duration_minutes": rng.choice((15, 30, 45, 60, 90)),
            "summary": f"met about the plan ({key})",
        },
    }


def history(events: int, seed: int = 7) -> Iterator[bytes]:
    """About `events` events of history (a tenth more: one case in 25 is long), as JSON lines.

    Each line is one keyed command, which the store keeps as one event (a few commands decide
    two) and one receipt beside the log (ADR 0006); before receipts were rows, they were events
    too, and a history of the same size held half as many commands."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    net = _Network(rng)
    for line in net.lines():
        yield orjson.dumps(line)
    people = max(events // EVENTS_PER_YOUNG_PERSON, 1)
    for serial in range(people):
        length = LONG_CASE if serial % LONG_EVERY == 0 else EVENTS_PER_YOUNG_PERSON
        for line in _young_person(net, serial, length):
            yield orjson.dumps(line)
