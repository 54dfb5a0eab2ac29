"""An input a mutation does not use is refused, naming it, instead of dropped without a word:
a client that sent it meant something the ledger did not record."""

from datetime import date

import pytest

from domain.network.programme import Component
from domain.vocabulary import Domain
from tests.e2e.conftest import Api, global_id
from tests.e2e.scenes import case_led_by_a, mutate, settle


@pytest.mark.parametrize(
    ("name", "actor"), [("declineHandover", "worker_c"), ("cancelHandover", "worker_a")]
)
def test_a_handover_ended_with_a_referent_is_refused_naming_it(
    api: Api, name: str, actor: str
) -> None:
    n = api.network
    case = case_led_by_a(api, involve_b=False)
    handover = global_id(
        "Handover", n.ledger.propose_handover(n.worker_a, case, to_association_id=n.c)
    )
    settle(api)
    before = n.position()

    refused = mutate(
        api,
        getattr(n, actor),
        name,
        "RespondToHandoverInput",
        handoverId=handover,
        referentUserId="worker-c",
    )
    ended = mutate(api, getattr(n, actor), name, "RespondToHandoverInput", handoverId=handover)

    assert refused == {
        "__typename": "InvalidInput",
        "code": "INVALID_INPUT",
        "message": "referent_user_id is given with an acceptance only",
        "field": "referentUserId",
    }
    assert ended["__typename"] == "HandoverUpdated"
    assert n.position() == before + 1


def test_a_partnership_left_with_domains_is_refused_naming_them(api: Api) -> None:
    n = api.network
    programme = n.ledger.launch_programme(
        n.admin,
        name="Passerelle",
        components=(Component(n.a, Domain.EDUCATION), Component(n.b, Domain.HOUSING)),
        starts_on=date(2026, 1, 1),
    )
    settle(api)
    partnership = {
        "programmeId": global_id("Programme", programme),
        "associationId": global_id("Association", n.b),
    }

    refused = mutate(
        api,
        n.coordinator_b,
        "leavePartnership",
        "PartnershipInput",
        **partnership,
        domains=["HOUSING"],
    )
    left = mutate(api, n.coordinator_b, "leavePartnership", "PartnershipInput", **partnership)

    assert refused == {
        "__typename": "InvalidInput",
        "code": "INVALID_INPUT",
        "message": "domains are given to join only",
        "field": "domains",
    }
    assert left["__typename"] == "ProgrammeUpdated"


def test_an_empty_referent_is_refused_not_taken_for_the_caller(api: Api) -> None:
    """`referentUserId: ""` silently made the caller the referent."""
    n = api.network

    refused = mutate(
        api,
        n.worker_a,
        "enrolYoungPerson",
        "EnrolYoungPersonInput",
        personalData={"firstName": "Ada", "lastName": "M", "dateOfBirth": "2010-01-01"},
        territory="93",
        referentUserId="",
    )

    assert (refused["__typename"], refused["field"], refused["message"]) == (
        "InvalidInput",
        "referentUserId",
        "referent_user_id must not be empty",
    )
