"""Auditors, evaluators and network admins over HTTP: what each reads and does, and the
access log that records every read of case content."""

import re

from domain.actor import Actor
from domain.vocabulary import Domain
from tests.e2e.conftest import Api, global_id
from tests.e2e.scenes import PERSON, case_led_by_a, mutate, person_id, record, settle

TRAIL = """query($stream: ID) { auditTrail(streamId: $stream) { edges { node {
    streamId version type actorUserId actorAssociationId hash } } } }"""
ACCESS_LOG = """query($person: ID) { accessLog(youngPersonId: $person) { edges { node {
    userId role associationId youngPersonId what } } } }"""
REFERRALS_SEEN = """query($id: ID!) { youngPerson(id: $id) {
    timeline(first: 50) { edges { node { kind association { name } domain redacted } } } } }"""
HASH = re.compile(r"^[0-9a-f]{64}$")


def error_messages(api: Api, actor: Actor, document: str) -> list[str]:
    return [e["message"] for e in api.raw(actor, document).get("errors", [])]


def test_an_auditor_reads_a_cases_audit_trail_with_its_hashes(api: Api) -> None:
    n = api.network
    case = case_led_by_a(api)

    trail = api.gql(api.auditor(), TRAIL, stream=person_id(case))["auditTrail"]["edges"]

    assert [
        (e["node"]["streamId"], e["node"]["version"], e["node"]["type"], e["node"]["actorUserId"])
        for e in trail
    ] == [
        (str(case), 1, "YoungPerson.Enrolled", "worker-a"),
        (str(case), 2, "CaseReferrals.ReferralMade", "worker-a"),
        (str(case), 3, "CaseReferrals.ReferralAccepted", "worker-b"),
    ]
    assert [e["node"]["actorAssociationId"] for e in trail] == [str(n.a), str(n.a), str(n.b)]
    assert all(HASH.match(e["node"]["hash"]) for e in trail)
    assert len({e["node"]["hash"] for e in trail}) == 3


def every_audit_field(api: Api) -> str:
    """The audit trail asked for every field its entries have, as the schema lists them: a
    field added later that carried case content would show in the trail below."""
    found = api.gql(api.auditor(), '{ __type(name: "AuditEvent") { fields { name } } }')
    fields = " ".join(f["name"] for f in found["__type"]["fields"])
    assert "hash" in fields
    return f"query {{ auditTrail {{ edges {{ node {{ {fields} }} }} }} }}"


def test_an_auditor_gets_no_case_and_no_personal_data(api: Api) -> None:
    case = case_led_by_a(api)
    record(api, api.network.worker_a, case, Domain.EDUCATION, "back at school")

    assert api.gql(api.auditor(), PERSON, id=person_id(case)) == {"youngPerson": None}
    document = every_audit_field(api)
    trail = api.post(api.token(api.auditor()), {"query": document, "variables": {}}).text
    assert "YoungPerson.Enrolled" in trail  # the trail was read, not refused
    assert ("Camille" in trail, "Martin" in trail, "back at school" in trail) == (False,) * 3
    assert error_messages(api, api.auditor(), "{ youngPeople { edges { node { id } } } }") == [
        "an auditor may not work on case files"
    ]


def test_an_evaluator_reads_indicators_but_no_case(api: Api) -> None:
    case = case_led_by_a(api)
    evaluator = api.evaluator()

    assert api.gql(evaluator, "{ referralMetrics { made accepted declined completed } }") == {
        "referralMetrics": {"made": 1, "accepted": 1, "declined": 0, "completed": 0}
    }
    assert api.gql(evaluator, PERSON, id=person_id(case)) == {"youngPerson": None}
    assert error_messages(api, evaluator, "{ auditTrail { edges { node { hash } } } }") == [
        "an evaluator may not read the audit trail and the access log"
    ]


def test_a_network_admin_registers_an_association_and_launches_a_programme(api: Api) -> None:
    n = api.network
    registered = api.gql(
        n.admin,
        """mutation { registerAssociation(input: {name: "Association D", territory: "75",
            competences: [{domain: HOUSING, monthlyCapacity: 3}]}) {
            ... on AssociationUpdated { association { name territory
                competences { domain monthlyCapacity } } } } }""",
    )["registerAssociation"]
    launched = api.gql(
        n.admin,
        """mutation($a: ID!, $b: ID!) { launchProgramme(input: {name: "Réussir", capacity: 10,
            components: [{associationId: $a, domain: EDUCATION},
                         {associationId: $b, domain: HOUSING}]}) {
            ... on ProgrammeUpdated { programme { name capacity partners { name } } } } }""",
        a=global_id("Association", n.a),
        b=global_id("Association", n.b),
    )["launchProgramme"]

    assert registered == {
        "association": {
            "name": "Association D",
            "territory": "75",
            "competences": [{"domain": "HOUSING", "monthlyCapacity": 3}],
        }
    }
    programme = launched["programme"]
    assert (programme["name"], programme["capacity"]) == ("Réussir", 10)
    assert sorted(p["name"] for p in programme["partners"]) == ["Association A", "Association B"]


def test_a_network_admin_reads_no_case_content(api: Api) -> None:
    case = case_led_by_a(api)
    node = "query($id: ID!) { node(id: $id) { id } }"

    assert api.gql(api.network.admin, PERSON, id=person_id(case)) == {"youngPerson": None}
    assert api.gql(api.network.admin, node, id=person_id(case)) == {"node": None}


def test_after_erasure_the_lead_reads_erased_and_the_ended_referral_ends_access(
    api: Api,
) -> None:
    """The erasure withdrew B's accepted referral, which was all that involved B."""
    n = api.network
    case = case_led_by_a(api)
    record(api, n.worker_a, case, Domain.EDUCATION, "back at school")

    erased = api.gql(
        n.admin,
        """mutation($id: ID!) { eraseYoungPerson(input: {youngPersonId: $id, reason: "art. 17"}) {
            __typename ... on YoungPersonErased { youngPersonId } } }""",
        id=person_id(case),
    )["eraseYoungPerson"]

    assert erased == {"__typename": "YoungPersonErased", "youngPersonId": person_id(case)}
    person = api.gql(n.worker_a, PERSON, id=person_id(case))["youngPerson"]
    assert (person["displayName"], person["birthYear"]) == ("[erased]", None)
    entries = [e["node"] for e in person["timeline"]["edges"]]
    assert [e["summary"] for e in entries if e["kind"] == "INTERVENTION"] == [None]
    assert [e["kind"] for e in entries][-1] == "ERASURE"
    assert api.gql(n.worker_b, PERSON, id=person_id(case)) == {"youngPerson": None}


def test_an_erasure_s_withdrawal_keeps_a_partner_s_health_referral_domain_hidden(
    api: Api,
) -> None:
    """B, a partner, referred the case to C for mental health; A, the lead, has no HEALTH
    consent and saw B's referral redacted without its domain. The erasure withdrew it in the
    network's name, an entry everyone who sees the case reads: it showed A the domain."""
    n = api.network
    case = case_led_by_a(api)
    n.ledger.make_referral(n.worker_b, case, to_association_id=n.c, domain=Domain.MENTAL_HEALTH)
    n.ledger.erase_young_person(n.admin, case, reason="art. 17")
    settle(api)

    person = api.gql(n.worker_a, REFERRALS_SEEN, id=person_id(case))["youngPerson"]

    referrals = [e["node"] for e in person["timeline"]["edges"] if e["node"]["kind"] == "REFERRAL"]
    seen = [(e["association"] and e["association"]["name"], e["domain"]) for e in referrals]
    assert seen == [
        ("Association A", "HOUSING"),  # made
        ("Association B", "HOUSING"),  # accepted
        ("Association B", None),  # made, redacted
        (None, "HOUSING"),  # withdrawn by the erasure
        (None, None),  # withdrawn by the erasure: the domain stays hidden
    ]
    assert [e["redacted"] for e in referrals] == [False, True, True, False, False]


def test_reads_of_case_content_are_logged_with_who_which_association_and_which_case(
    api: Api,
) -> None:
    n = api.network
    case = case_led_by_a(api)
    api.gql(n.worker_b, PERSON, id=person_id(case))

    logged = api.gql(api.auditor(), ACCESS_LOG, person=person_id(case))["accessLog"]["edges"]

    assert sorted((e["node"] for e in logged), key=lambda r: r["what"]) == [
        {
            "userId": "worker-b",
            "role": "WORKER",
            "associationId": str(n.b),
            "youngPersonId": str(case),
            "what": what,
        }
        for what in ("personal_data", "timeline:3")
    ]


def test_a_refused_read_and_a_read_without_case_content_leave_no_trace(api: Api) -> None:
    n = api.network
    case = case_led_by_a(api)
    api.gql(n.worker_c, PERSON, id=person_id(case))
    api.gql(
        n.worker_a, "query($id: ID!) { youngPerson(id: $id) { territory } }", id=person_id(case)
    )

    assert api.gql(api.auditor(), ACCESS_LOG, person=person_id(case)) == {
        "accessLog": {"edges": []}
    }


def test_only_auditors_may_query_the_access_log(api: Api) -> None:
    n = api.network
    refused = {
        actor.user_id: error_messages(api, actor, "{ accessLog { edges { node { what } } } }")
        for actor in (n.worker_a, n.coordinator_a, n.admin, api.evaluator())
    }

    assert refused == {
        "worker-a": ["a worker may not read the audit trail and the access log"],
        "coord-a": ["a coordinator may not read the audit trail and the access log"],
        "admin": ["a network admin may not read the audit trail and the access log"],
        "evaluator-1": ["an evaluator may not read the audit trail and the access log"],
    }
    assert api.raw(api.auditor(), "{ accessLog { edges { node { what } } } }") == {
        "data": {"accessLog": {"edges": []}}
    }


def test_a_worker_cannot_erase_a_young_person(api: Api) -> None:
    case = case_led_by_a(api)

    refused = mutate(
        api,
        api.network.worker_a,
        "eraseYoungPerson",
        "EraseYoungPersonInput",
        youngPersonId=person_id(case),
        reason="asked",
    )

    assert refused == {
        "__typename": "NotPermitted",
        "code": "NOT_PERMITTED",
        "message": "a worker may not carry out erasure requests",
        "field": None,
    }
    assert api.gql(api.network.worker_a, PERSON, id=person_id(case))["youngPerson"][
        "displayName"
    ] == ("Camille Martin")


def test_a_case_read_as_of_a_recorded_time_shows_the_ledger_s_knowledge_then(api: Api) -> None:
    from datetime import UTC, datetime  # noqa: PLC0415

    from tests.e2e.conftest import global_id  # noqa: PLC0415

    n, ledger = api.network, api.parcours.ledger
    young_person = n.enrol()
    then = datetime.now(UTC)
    handover = ledger.propose_handover(n.worker_a, young_person, to_association_id=n.b)
    ledger.accept_handover(n.worker_b, young_person, handover_id=handover)
    api.parcours.projections.catch_up()
    query = """query($id: ID!, $at: DateTime) { youngPerson(id: $id, asOf: $at) {
        leadAssociation { name } handovers { status }
        timeline { edges { node { kind } } } } }"""

    past = api.gql(
        n.worker_b, query, id=global_id("YoungPerson", young_person), at=then.isoformat()
    )
    now = api.gql(n.worker_b, query, id=global_id("YoungPerson", young_person))

    assert past["youngPerson"]["leadAssociation"] == {"name": "Association A"}
    assert past["youngPerson"]["handovers"] == []
    assert [e["node"]["kind"] for e in past["youngPerson"]["timeline"]["edges"]] == ["ENROLMENT"]
    assert now["youngPerson"]["leadAssociation"] == {"name": "Association B"}
    assert now["youngPerson"]["handovers"] == [{"status": "ACCEPTED"}]


def test_evaluators_list_the_registered_studies_and_workers_may_not(api: Api) -> None:
    api.parcours.ledger.register_study(api.network.admin, name="eval-2026")
    api.parcours.projections.catch_up()
    query = "{ studies { name downloadPath } }"

    listed = api.gql(api.evaluator(), query)
    refused = api.raw(api.network.worker_a, query)

    assert listed["studies"] == [{"name": "eval-2026", "downloadPath": "/exports/eval-2026.zip"}]
    assert refused["data"] is None
    assert "a worker may not list the evaluation studies" in refused["errors"][0]["message"]


def test_reads_of_needs_consents_plan_referrals_and_handovers_are_logged_too(api: Api) -> None:
    """Every read of case content is logged, not only the name and the timeline: a goal's
    description, a need's domain or who a referral went to are case content too."""
    n = api.network
    case = case_led_by_a(api)
    n.ledger.agree_action_plan(n.worker_a, case)
    n.ledger.add_goal(n.worker_a, case, domain=Domain.EDUCATION, description="Back to school.")
    settle(api)
    document = """query($id: ID!) { youngPerson(id: $id) {
        needs { domain } consents { sensitivities } actionPlan { goals { description } }
        referrals { status } handovers { status } } }"""
    read = api.gql(n.worker_a, document, id=person_id(case))["youngPerson"]
    recorded = api.gql(
        n.worker_a,
        """mutation($input: RecordInterventionInput!) { recordIntervention(input: $input) {
            __typename ... on InterventionRecorded { entry { summary } } } }""",
        input={
            "youngPersonId": person_id(case),
            "domain": "EDUCATION",
            "kind": "visit",
            "occurredAt": n.clock.now.isoformat(),
            "summary": "met at school",
        },
    )["recordIntervention"]

    logged = api.gql(api.auditor(), ACCESS_LOG, person=person_id(case))["accessLog"]["edges"]

    assert read["actionPlan"] == {"goals": [{"description": "Back to school."}]}
    assert recorded == {"__typename": "InterventionRecorded", "entry": {"summary": "met at school"}}
    assert sorted(e["node"]["what"] for e in logged if e["node"]["userId"] == "worker-a") == [
        "action_plan",
        "consents",
        "handovers",
        "needs",
        "referrals",
        "timeline:1",
    ]


def test_referral_indicators_are_asked_by_whole_months(api: Api) -> None:
    """A window of a microsecond around a redacted referral's time, with a domain, told an
    involved association that referral's hidden domain."""
    n = api.network
    case_led_by_a(api)
    narrow = """{ referralMetrics(from: "2026-03-02T09:00:00+00:00",
                                  to: "2026-03-02T09:00:00.000001+00:00") { made } }"""
    month = """{ referralMetrics(from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z")
                 { made accepted } }"""

    naive = """{ referralMetrics(from: "2026-03-01T00:00:00", to: "2026-04-01T00:00:00Z")
                 { made } }"""

    assert error_messages(api, n.worker_b, narrow) == [
        "from must be the first instant of a month, in UTC (such as 2026-03-01T00:00:00Z)"
    ]
    assert error_messages(api, n.worker_b, naive) == ["from must carry a time zone"]
    assert api.gql(n.worker_b, month) == {"referralMetrics": {"made": 1, "accepted": 1}}


def test_reads_of_referrals_outside_the_case_are_logged(api: Api) -> None:
    """A referral tells of a young person (domain, status, dates): read in the association's
    list or by id, it was not logged, unlike the case's own list of referrals."""
    n = api.network
    case = case_led_by_a(api)
    referral = n.ledger.make_referral(
        n.worker_a, case, to_association_id=n.c, domain=Domain.EDUCATION
    )
    settle(api)

    def logged() -> list[tuple[str, str]]:
        edges = api.gql(api.auditor(), ACCESS_LOG, person=person_id(case))["accessLog"]["edges"]
        return sorted((e["node"]["userId"], e["node"]["what"]) for e in edges)

    before = logged()
    api.gql(n.worker_c, "{ referrals { edges { node { status } } } }")
    api.gql(
        n.worker_c,
        "query($id: ID!) { node(id: $id) { ... on Referral { status } } }",
        id=global_id("Referral", referral),
    )

    assert before == []
    assert logged() == [("worker-c", "referrals")] * 2
