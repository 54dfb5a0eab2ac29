"""api/policy.py, one forbidden case per test, on hand-built access facts (no store, no HTTP)."""

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from api import policy
from api.policy import HIDDEN_DOMAIN_SENSITIVITIES, Capability, EntryView
from domain.actor import SYSTEM_ACTOR, Actor
from domain.errors import NotPermitted
from domain.vocabulary import Role
from projections.queries.cases import AccessFacts, ConsentScope, Involvement

A = UUID("00000000-0000-4000-8000-00000000000a")
B = UUID("00000000-0000-4000-8000-00000000000b")
C = UUID("00000000-0000-4000-8000-00000000000c")
CASE = "00000000-0000-4000-8000-0000000000ca"
GIVEN = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)

WORKER_A = Actor("worker-a", Role.WORKER, A)
WORKER_B = Actor("worker-b", Role.WORKER, B)
WORKER_C = Actor("worker-c", Role.WORKER, C)
COORDINATOR_B = Actor("coord-b", Role.COORDINATOR, B)
ADMIN = Actor("admin", Role.NETWORK_ADMIN)
AUDITOR = Actor("auditor", Role.AUDITOR)
EVALUATOR = Actor("evaluator", Role.EVALUATOR)


def involvement(association: UUID, relation: str, ended: bool = False) -> Involvement:
    return Involvement(
        association_id=str(association),
        relation=relation,
        source_id="source",
        valid_from=GIVEN,
        valid_to=GIVEN if ended else None,
    )


def consent(
    *sensitivities: str,
    to: tuple[UUID, ...] | None = None,
    expires_on: date | None = None,
    withdrawn: bool = False,
) -> ConsentScope:
    return ConsentScope(
        consent_id="consent-1",
        sensitivities=sensitivities,
        recipients=None if to is None else tuple(str(a) for a in to),
        purpose_token=None,
        given_by="YOUNG_PERSON",
        given_at=GIVEN,
        expires_on=expires_on,
        withdrawn_at=GIVEN if withdrawn else None,
    )


def facts(*consents: ConsentScope, involved: tuple[Involvement, ...] = ()) -> AccessFacts:
    """A case A leads and B is involved with (through a referral); C is not involved."""
    return AccessFacts(
        young_person_id=CASE,
        exists=True,
        lead_association_id=str(A),
        involvements=involved or (involvement(A, "LEAD"), involvement(B, "REFERRAL")),
        consents=consents,
    )


def view_of_a_entry(viewer: Actor, case: AccessFacts, sensitivity: str) -> EntryView:
    return policy.entry_view(viewer, case, str(A), sensitivity, TODAY)


HIDDEN = EntryView(readable=False, show_domain=False)
REDACTED_WITH_DOMAIN = EntryView(readable=False, show_domain=True)
READABLE = EntryView(readable=True, show_domain=True)

# --- who sees a case at all ------------------------------------------------------------------


def test_a_worker_of_an_association_not_involved_does_not_see_the_case() -> None:
    assert policy.may_see_case(WORKER_C, facts()) is False


def test_a_worker_whose_involvement_ended_does_not_see_the_case() -> None:
    ended = facts(involved=(involvement(A, "LEAD"), involvement(B, "REFERRAL", ended=True)))

    assert policy.may_see_case(WORKER_B, ended) is False


def test_nobody_sees_a_case_the_read_model_does_not_know() -> None:
    unknown = AccessFacts(CASE, False, None, (involvement(A, "LEAD"),), ())

    assert policy.may_see_case(WORKER_A, unknown) is False


def test_a_case_worker_without_an_association_sees_no_case() -> None:
    assert policy.may_see_case(Actor("orphan", Role.WORKER), facts()) is False


@pytest.mark.parametrize("viewer", [AUDITOR, EVALUATOR, ADMIN, SYSTEM_ACTOR])
def test_no_role_but_workers_and_coordinators_sees_a_case(viewer: Actor) -> None:
    assert policy.may_see_case(viewer, facts()) is False


def test_an_auditor_carrying_an_involved_association_still_sees_no_case() -> None:
    assert policy.may_see_case(Actor("auditor", Role.AUDITOR, A), facts()) is False


def test_a_viewer_who_does_not_see_the_case_reads_no_personal_data() -> None:
    assert policy.may_read_personal_data(WORKER_C, facts()) is False
    assert policy.may_read_personal_data(AUDITOR, facts()) is False


def test_involved_workers_and_coordinators_see_the_case() -> None:
    assert [policy.may_see_case(v, facts()) for v in (WORKER_A, WORKER_B, COORDINATOR_B)] == [
        True,
        True,
        True,
    ]


# --- what an entry shows -----------------------------------------------------------------------


def test_another_associations_health_entry_without_consent_hides_summary_and_domain() -> None:
    assert view_of_a_entry(WORKER_B, facts(), "HEALTH") == HIDDEN


def test_another_associations_justice_entry_without_consent_hides_summary_and_domain() -> None:
    assert view_of_a_entry(WORKER_B, facts(), "JUSTICE") == HIDDEN


def test_another_associations_general_entry_without_consent_hides_the_summary_only() -> None:
    assert view_of_a_entry(WORKER_B, facts(), "GENERAL") == REDACTED_WITH_DOMAIN


def test_a_consent_for_one_sensitivity_does_not_open_another() -> None:
    assert view_of_a_entry(WORKER_B, facts(consent("GENERAL")), "HEALTH") == HIDDEN


def test_a_consent_to_named_associations_does_not_open_to_the_others() -> None:
    assert view_of_a_entry(WORKER_B, facts(consent("HEALTH", to=(C,))), "HEALTH") == HIDDEN


def test_a_withdrawn_consent_opens_nothing() -> None:
    assert view_of_a_entry(WORKER_B, facts(consent("HEALTH", withdrawn=True)), "HEALTH") == HIDDEN


def test_an_expired_consent_opens_nothing() -> None:
    expired = consent("HEALTH", expires_on=date(2026, 3, 1))

    assert view_of_a_entry(WORKER_B, facts(expired), "HEALTH") == HIDDEN


def test_a_consent_still_opens_on_its_last_day() -> None:
    last_day = consent("HEALTH", expires_on=TODAY)

    assert view_of_a_entry(WORKER_B, facts(last_day), "HEALTH") == READABLE


def test_a_consent_to_every_involved_association_does_not_open_to_an_uninvolved_one() -> None:
    assert view_of_a_entry(WORKER_C, facts(consent("HEALTH", "GENERAL")), "GENERAL") == HIDDEN


def test_a_consent_does_not_open_a_case_to_an_auditor() -> None:
    assert view_of_a_entry(AUDITOR, facts(consent("GENERAL")), "GENERAL") == HIDDEN


def test_an_association_reads_its_own_sensitive_entries_without_consent() -> None:
    assert policy.entry_view(WORKER_B, facts(), str(B), "HEALTH", TODAY) == READABLE


def test_a_covering_consent_to_the_viewers_association_opens_the_entry() -> None:
    assert view_of_a_entry(WORKER_B, facts(consent("HEALTH", to=(B,))), "HEALTH") == READABLE


# --- which domains a filter may match ----------------------------------------------------------


def test_without_consent_only_general_domains_of_others_may_be_matched() -> None:
    assert policy.domains_shown_of_others(WORKER_B, facts(), TODAY) == frozenset({"GENERAL"})


def test_a_viewer_who_does_not_see_the_case_may_match_no_domain() -> None:
    assert policy.domains_shown_of_others(WORKER_C, facts(consent("HEALTH")), TODAY) == frozenset()


def test_a_consent_lets_a_filter_match_the_domains_it_opens() -> None:
    shown = policy.domains_shown_of_others(WORKER_B, facts(consent("JUSTICE")), TODAY)

    assert shown == frozenset({"GENERAL", "JUSTICE"})


# --- capabilities ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "capability"),
    [
        (WORKER_A, Capability.RUN_THE_NETWORK),
        (WORKER_A, Capability.MANAGE_OWN_ASSOCIATION),
        (WORKER_A, Capability.ERASE),
        (WORKER_A, Capability.AUDIT),
        (COORDINATOR_B, Capability.RUN_THE_NETWORK),
        (COORDINATOR_B, Capability.ERASE),
        (COORDINATOR_B, Capability.AUDIT),
        (ADMIN, Capability.WORK_ON_CASES),
        (ADMIN, Capability.WRITE_PRACTICE_NOTES),
        (ADMIN, Capability.AUDIT),
        (AUDITOR, Capability.WORK_ON_CASES),
        (AUDITOR, Capability.READ_INDICATORS),
        (AUDITOR, Capability.ERASE),
        (AUDITOR, Capability.MANAGE_OWN_ASSOCIATION),
        (EVALUATOR, Capability.WORK_ON_CASES),
        (EVALUATOR, Capability.AUDIT),
        (EVALUATOR, Capability.WRITE_PRACTICE_NOTES),
        (EVALUATOR, Capability.RUN_THE_NETWORK),
        (ADMIN, Capability.DOWNLOAD_EXPORTS),
        (COORDINATOR_B, Capability.LIST_STUDIES),
        (AUDITOR, Capability.LIST_STUDIES),
        (AUDITOR, Capability.WRITE_PRACTICE_NOTES),
        (SYSTEM_ACTOR, Capability.READ_DIRECTORY),
    ],
)
def test_a_role_is_refused_what_it_was_not_granted(viewer: Actor, capability: Capability) -> None:
    assert policy.allows(viewer, capability) is False
    with pytest.raises(NotPermitted):
        policy.require(viewer, capability)


def test_only_evaluators_download_exports_and_admins_only_list_the_studies() -> None:
    """The export route decided by itself (evaluators only) while the policy granted admins
    "list and download": the two could drift apart unseen."""
    assert policy.GRANTS[Capability.DOWNLOAD_EXPORTS] == frozenset({Role.EVALUATOR})
    assert policy.GRANTS[Capability.LIST_STUDIES] == frozenset({Role.EVALUATOR, Role.NETWORK_ADMIN})


def test_only_auditors_read_the_audit_trail_and_the_access_log() -> None:
    assert policy.GRANTS[Capability.AUDIT] == frozenset({Role.AUDITOR})


def test_only_network_admins_run_the_network_and_erase() -> None:
    admins = frozenset({Role.NETWORK_ADMIN})

    assert (policy.GRANTS[Capability.RUN_THE_NETWORK], policy.GRANTS[Capability.ERASE]) == (
        admins,
        admins,
    )


def test_a_refusal_names_the_role_and_what_it_may_not_do() -> None:
    with pytest.raises(NotPermitted) as refused:
        policy.require(AUDITOR, Capability.WORK_ON_CASES)

    assert refused.value.message == "an auditor may not work on case files"
    assert policy.refusal(ADMIN, Capability.AUDIT) == (
        "a network admin may not read the audit trail and the access log"
    )


def test_a_viewer_without_an_association_lists_no_associations_cases() -> None:
    assert policy.visible_association(ADMIN) is None
    assert policy.visible_association(WORKER_B) == str(B)


def test_the_network_s_own_entries_are_read_by_every_involved_association() -> None:
    case = facts(involved=(involvement(B, "REFERRAL"),))
    viewer = Actor("w", Role.WORKER, B)

    view = policy.entry_view(viewer, case, None, "GENERAL", date(2026, 3, 2))

    assert view == EntryView(readable=True, show_domain=True)


@pytest.mark.parametrize("sensitivity", sorted(HIDDEN_DOMAIN_SENSITIVITIES))
def test_the_network_s_own_entry_hides_a_sensitive_domain_as_another_s_would(
    sensitivity: str,
) -> None:
    """An erasure withdraws the case's open referrals in the network's name, and the entry
    keeps the referral's domain: without consent it must not show where the referral's own
    entry, another association's, hides it."""
    viewer = Actor("w", Role.WORKER, A)

    unconsented = policy.entry_view(viewer, facts(), None, sensitivity, TODAY)
    consented = policy.entry_view(viewer, facts(consent(sensitivity)), None, sensitivity, TODAY)

    assert unconsented == EntryView(readable=True, show_domain=False)
    assert consented == EntryView(readable=True, show_domain=True)
