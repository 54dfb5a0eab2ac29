"""What a mutation's result shows of a case is a read of it, logged like the same read by a
query: the result of accepting a referral told its domain, status and dates, and the result of
a consent or a need their content, with nothing in the access log."""

from typing import Any

from domain.vocabulary import Domain
from tests.e2e.conftest import Api, global_id
from tests.e2e.scenes import case_led_by_a, person_id, settle

LOG = "query($id: ID) { accessLog(youngPersonId: $id) { edges { node { userId what } } } }"


def logged(api: Api, case: Any) -> set[tuple[str, str]]:
    edges = api.gql(api.auditor(), LOG, id=person_id(case))["accessLog"]["edges"]
    return {(e["node"]["userId"], e["node"]["what"]) for e in edges}


def test_the_referral_a_partner_accepts_is_logged_as_read(api: Api) -> None:
    n = api.network
    case = case_led_by_a(api, involve_b=False)
    referral = n.ledger.make_referral(
        n.worker_a, case, to_association_id=n.b, domain=Domain.ADDICTION
    )
    settle(api)

    answer = api.gql(
        n.worker_b,
        """mutation($input: RespondToReferralInput!) { acceptReferral(input: $input) {
            ... on ReferralUpdated { referral { status domain } } } }""",
        input={"referralId": global_id("Referral", referral)},
    )["acceptReferral"]

    assert answer["referral"]["domain"] == "ADDICTION"
    assert ("worker-b", "referrals") in logged(api, case)


def test_the_handover_a_lead_proposes_is_logged_as_read(api: Api) -> None:
    n = api.network
    case = case_led_by_a(api)

    answer = api.gql(
        n.worker_a,
        """mutation($input: ProposeHandoverInput!) { proposeHandover(input: $input) {
            ... on HandoverUpdated { handover { status } } } }""",
        input={"youngPersonId": person_id(case), "toAssociationId": global_id("Association", n.b)},
    )["proposeHandover"]

    assert answer["handover"]["status"] == "PROPOSED"
    assert ("worker-a", "handovers") in logged(api, case)


def test_a_consent_and_a_need_recorded_are_logged_as_read(api: Api) -> None:
    n = api.network
    case = case_led_by_a(api)

    consent = api.gql(
        n.worker_a,
        """mutation($input: GiveConsentInput!) { giveConsent(input: $input) {
            ... on ConsentGiven { consent { sensitivities } } } }""",
        input={
            "youngPersonId": person_id(case),
            "sensitivities": ["HEALTH"],
            "purpose": "coordinated support",
            "givenBy": "YOUNG_PERSON",
        },
    )["giveConsent"]
    need = api.gql(
        n.worker_a,
        """mutation($input: IdentifyNeedInput!) { identifyNeed(input: $input) {
            ... on NeedIdentified { need { severity } } } }""",
        input={"youngPersonId": person_id(case), "domain": "HOUSING", "severity": 3},
    )["identifyNeed"]

    assert (consent["consent"]["sensitivities"], need["need"]["severity"]) == (["HEALTH"], 3)
    assert {("worker-a", "consents"), ("worker-a", "needs")} <= logged(api, case)
