"""Who sees which case, and what of it: visibility, redaction and consent, over HTTP."""

from datetime import date
from uuid import UUID, uuid4

from domain.actor import Actor
from domain.vocabulary import Domain, Sensitivity
from tests.e2e.conftest import Api, global_id
from tests.e2e.scenes import (
    PERSON,
    case_led_by_a,
    consent,
    interventions,
    mutate,
    person_id,
    record,
    settle,
)

NODE = "query($id: ID!) { node(id: $id) { id ... on YoungPerson { displayName } } }"
LIST = "{ youngPeople { edges { node { id displayName } } } }"
A_NAME, B_NAME = {"name": "Association A"}, {"name": "Association B"}


def a_entries_in_three_domains(api: Api) -> UUID:
    """A case A leads and B is involved with, where A recorded a HEALTH, a GENERAL and a
    JUSTICE entry."""
    n = api.network
    case = case_led_by_a(api)
    record(api, n.worker_a, case, Domain.MENTAL_HEALTH, "panic attacks", minutes_after=1)
    record(api, n.worker_a, case, Domain.EDUCATION, "back at school", minutes_after=2)
    record(api, n.worker_a, case, Domain.LEGAL_JUSTICE, "court hearing", minutes_after=3)
    return case


def test_a_case_of_an_uninvolved_association_reads_exactly_like_an_unknown_id(api: Api) -> None:
    case = case_led_by_a(api)
    c = api.network.worker_c

    for document in (PERSON, NODE):
        known = api.post(api.token(c), {"query": document, "variables": {"id": person_id(case)}})
        unknown = api.post(
            api.token(c), {"query": document, "variables": {"id": person_id(uuid4())}}
        )
        assert known.status_code == unknown.status_code == 200
        assert known.json() == unknown.json()
    assert api.gql(c, PERSON, id=person_id(case)) == {"youngPerson": None}
    assert api.gql(c, NODE, id=person_id(case)) == {"node": None}


def test_young_people_lists_only_the_cases_the_association_is_involved_with(api: Api) -> None:
    n = api.network
    shared = case_led_by_a(api)
    n.clock.advance(minutes=1)
    own = n.enrol(n.worker_a, first_name="Léa")
    settle(api)

    def listed(actor: Actor) -> list[dict[str, str]]:
        return [e["node"] for e in api.gql(actor, LIST)["youngPeople"]["edges"]]

    assert listed(n.worker_a) == [
        {"id": person_id(shared), "displayName": "Camille Martin"},
        {"id": person_id(own), "displayName": "Léa Martin"},
    ]
    assert listed(n.worker_b) == [{"id": person_id(shared), "displayName": "Camille Martin"}]
    assert listed(n.worker_c) == []


def test_other_associations_entries_are_redacted_without_consent(api: Api) -> None:
    case = a_entries_in_three_domains(api)

    assert interventions(api, api.network.worker_b, case) == [
        {"domain": None, "summary": None, "redacted": True, "association": A_NAME},
        {"domain": "EDUCATION", "summary": None, "redacted": True, "association": A_NAME},
        {"domain": None, "summary": None, "redacted": True, "association": A_NAME},
    ]


def test_an_involved_association_cannot_record_a_consent_that_opens_others_notes(
    api: Api,
) -> None:
    """B is involved, not the lead: a consent it recorded naming itself would open A's
    HEALTH and JUSTICE notes on B's own word."""
    n = api.network
    case = a_entries_in_three_domains(api)

    answer = mutate(
        api,
        n.coordinator_b,
        "giveConsent",
        "GiveConsentInput",
        youngPersonId=person_id(case),
        sensitivities=["HEALTH", "JUSTICE"],
        associationIds=[global_id("Association", n.b)],
        purpose="coordinated care",
        givenBy="YOUNG_PERSON",
    )
    settle(api)

    assert answer["__typename"] == "NotPermitted"
    assert [e["summary"] for e in interventions(api, n.worker_b, case)] == [None, None, None]


def test_a_redacted_entry_still_shows_its_kind_and_times(api: Api) -> None:
    case = a_entries_in_three_domains(api)
    document = """query($id: ID!) { youngPerson(id: $id) { timeline(domains: [EDUCATION]) {
        edges { node { kind occurredAt redacted } } } } }"""

    person = api.gql(api.network.worker_b, document, id=person_id(case))["youngPerson"]

    assert [e["node"] for e in person["timeline"]["edges"]] == [
        {"kind": "INTERVENTION", "occurredAt": "2026-02-20T10:02:00+00:00", "redacted": True}
    ]


def test_an_association_always_reads_its_own_entries(api: Api) -> None:
    n = api.network
    case = case_led_by_a(api)
    record(api, n.worker_b, case, Domain.ADDICTION, "cut down", minutes_after=1)

    assert interventions(api, n.worker_b, case) == [
        {"domain": "ADDICTION", "summary": "cut down", "redacted": False, "association": B_NAME}
    ]
    assert interventions(api, n.worker_a, case) == [
        {"domain": None, "summary": None, "redacted": True, "association": B_NAME}
    ]


def test_a_consent_opens_exactly_the_sensitivities_it_covers(api: Api) -> None:
    case = a_entries_in_three_domains(api)
    consent(api, case, Sensitivity.HEALTH)

    assert interventions(api, api.network.worker_b, case) == [
        {
            "domain": "MENTAL_HEALTH",
            "summary": "panic attacks",
            "redacted": False,
            "association": A_NAME,
        },
        {"domain": "EDUCATION", "summary": None, "redacted": True, "association": A_NAME},
        {"domain": None, "summary": None, "redacted": True, "association": A_NAME},
    ]


def test_withdrawing_a_consent_closes_the_entries_from_the_next_request(api: Api) -> None:
    n = api.network
    case = case_led_by_a(api)
    record(api, n.worker_a, case, Domain.EDUCATION, "back at school")
    given = consent(api, case, Sensitivity.GENERAL)
    assert [e["summary"] for e in interventions(api, n.worker_b, case)] == ["back at school"]

    withdrawn = mutate(
        api,
        n.worker_a,
        "withdrawConsent",
        "WithdrawConsentInput",
        youngPersonId=person_id(case),
        consentId=global_id("Consent", given),
    )

    assert withdrawn == {"__typename": "ConsentWithdrawn"}
    assert interventions(api, n.worker_b, case) == [
        {"domain": "EDUCATION", "summary": None, "redacted": True, "association": A_NAME}
    ]


def test_a_consent_to_named_associations_opens_only_to_them(api: Api) -> None:
    n = api.network
    case = case_led_by_a(api)
    referral = n.ledger.make_referral(
        n.worker_a, case, to_association_id=n.c, domain=Domain.EDUCATION
    )
    n.ledger.accept_referral(n.worker_c, case, referral_id=referral)
    record(api, n.worker_a, case, Domain.EDUCATION, "back at school")
    consent(api, case, Sensitivity.GENERAL, to=(n.b,))

    assert [e["summary"] for e in interventions(api, n.worker_b, case)] == ["back at school"]
    assert [e["summary"] for e in interventions(api, n.worker_c, case)] == [None]


def test_an_expired_consent_opens_nothing(api: Api) -> None:
    n = api.network
    case = case_led_by_a(api)
    record(api, n.worker_a, case, Domain.EDUCATION, "back at school")
    consent(api, case, Sensitivity.GENERAL, expires_on=date(2026, 3, 2))
    assert [e["summary"] for e in interventions(api, n.worker_b, case)] == ["back at school"]

    n.clock.advance(days=1)

    assert [e["summary"] for e in interventions(api, n.worker_b, case)] == [None]


def test_a_goal_description_follows_the_consent_of_its_sensitivity(api: Api) -> None:
    """A GENERAL consent opens the education goal; the mental-health goal is not even listed
    (its domain is non-null in the contract, and would reveal what redaction hides)."""
    n = api.network
    case = case_led_by_a(api)
    n.ledger.agree_action_plan(n.worker_a, case)
    n.ledger.add_goal(n.worker_a, case, domain=Domain.EDUCATION, description="pass the exam")
    n.clock.advance(minutes=1)
    n.ledger.add_goal(n.worker_a, case, domain=Domain.MENTAL_HEALTH, description="sleep better")
    consent(api, case, Sensitivity.GENERAL)
    document = """query($id: ID!) { youngPerson(id: $id) {
        actionPlan { goals { domain description } } } }"""

    def goals(actor: Actor) -> list[dict[str, str]]:
        goals: list[dict[str, str]] = api.gql(actor, document, id=person_id(case))["youngPerson"][
            "actionPlan"
        ]["goals"]
        return goals

    assert goals(n.worker_b) == [{"domain": "EDUCATION", "description": "pass the exam"}]
    assert goals(n.worker_a) == [
        {"domain": "EDUCATION", "description": "pass the exam"},
        {"domain": "MENTAL_HEALTH", "description": "sleep better"},
    ]


def test_filtering_by_a_hidden_domain_does_not_reveal_which_entries_are_in_it(api: Api) -> None:
    case = a_entries_in_three_domains(api)
    document = """query($id: ID!) { youngPerson(id: $id) {
        timeline(domains: [MENTAL_HEALTH, LEGAL_JUSTICE]) {
            edges { node { domain summary } } } } }"""

    def matched(actor: Actor) -> list[dict[str, str]]:
        person = api.gql(actor, document, id=person_id(case))["youngPerson"]
        return [e["node"] for e in person["timeline"]["edges"]]

    assert matched(api.network.worker_b) == []
    assert matched(api.network.worker_a) == [
        {"domain": "MENTAL_HEALTH", "summary": "panic attacks"},
        {"domain": "LEGAL_JUSTICE", "summary": "court hearing"},
    ]
    consent(api, case, Sensitivity.JUSTICE)
    assert matched(api.network.worker_b) == [
        {"domain": "LEGAL_JUSTICE", "summary": "court hearing"}
    ]


def test_a_referral_between_two_other_associations_is_null_through_node(api: Api) -> None:
    n = api.network
    case = case_led_by_a(api, involve_b=False)
    referral = n.ledger.make_referral(
        n.worker_a, case, to_association_id=n.c, domain=Domain.HOUSING
    )
    settle(api)
    document = "query($id: ID!) { node(id: $id) { ... on Referral { status } } }"
    referral_id = global_id("Referral", referral)

    assert api.gql(n.worker_b, document, id=referral_id) == {"node": None}
    assert api.gql(n.worker_c, document, id=referral_id) == {"node": {"status": "MADE"}}


def test_another_association_s_health_need_is_listed_only_under_consent(api: Api) -> None:
    from domain.vocabulary import ConsentGiver, Domain, Sensitivity  # noqa: PLC0415
    from tests.e2e.conftest import global_id  # noqa: PLC0415

    n, ledger = api.network, api.parcours.ledger
    young_person = n.enrol()
    ledger.identify_need(n.worker_a, young_person, domain=Domain.MENTAL_HEALTH, severity=4)
    ledger.identify_need(n.worker_a, young_person, domain=Domain.HOUSING, severity=2)
    ledger.make_referral(n.worker_a, young_person, to_association_id=n.b, domain=Domain.HOUSING)
    api.parcours.projections.catch_up()
    query = "query($id: ID!) { youngPerson(id: $id) { needs { domain } } }"
    case = global_id("YoungPerson", young_person)

    def domains(actor: object) -> list[str]:
        needs = api.gql(actor, query, id=case)["youngPerson"]["needs"]  # type: ignore[arg-type]
        return sorted(need["domain"] for need in needs)

    before = domains(n.worker_b)
    ledger.give_consent(
        n.worker_a,
        young_person,
        sensitivities=(Sensitivity.HEALTH,),
        purpose="care",
        given_by=ConsentGiver.YOUNG_PERSON,
        recipients=(n.b,),
    )
    api.parcours.projections.catch_up()
    after = domains(n.worker_b)
    lead = domains(n.worker_a)

    assert before == ["HOUSING"]
    assert after == ["HOUSING", "MENTAL_HEALTH"]
    assert lead == after


def test_a_practice_note_and_a_resource_are_found_by_node_under_their_lists_rules(
    api: Api,
) -> None:
    """Both implement Node, yet `node(id:)` answered null for every one of them."""
    from domain.vocabulary import Domain, ResourceKind  # noqa: PLC0415

    n = api.network
    note = n.ledger.publish_practice_note(
        n.worker_a, title="Accueil", body="what we learned", domains=(Domain.EDUCATION,)
    )
    pooled = n.ledger.offer_resource(
        n.coordinator_a, n.a, kind=ResourceKind.PREMISES, name="Salle B", capacity=2
    )
    settle(api)
    document = """query($id: ID!) { node(id: $id) { id
        ... on PracticeNote { domains } ... on SharedResource { capacity } } }"""
    note_id, resource_id = global_id("PracticeNote", note), global_id("SharedResource", pooled)

    assert api.gql(n.worker_b, document, id=note_id) == {
        "node": {"id": note_id, "domains": ["EDUCATION"]}
    }
    assert api.gql(n.worker_b, document, id=resource_id) == {
        "node": {"id": resource_id, "capacity": 2}
    }
    assert api.gql(api.auditor(), document, id=note_id) == {"node": None}  # reads no notes
    unknown = global_id("SharedResource", uuid4())
    assert api.gql(n.worker_b, document, id=unknown) == {"node": None}
