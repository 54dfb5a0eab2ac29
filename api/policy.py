"""Authorisation, decided in one place, from the access facts the projections keep.

Every rule of DESIGN.md's "who may do what" lives here and has a test of its forbidden case
(tests/api/test_policy.py). Resolvers ask; they never decide.

- A case file is visible only to workers and coordinators of an association involved with the
  young person — to anyone else it does not exist (same answer as an unknown id).
- Within a visible case, an association always reads its own entries; another association's
  entry is readable only while an active consent covers the entry's sensitivity for the viewer's
  association; otherwise it is redacted (kind, time, association; the domain is hidden too for
  HEALTH and JUSTICE entries).
- Auditors read histories, hashes and the access log, never personal data or free text;
  evaluators read no case at all; network admins run the network and erasures, and read no case
  content.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum

from domain.actor import Actor
from domain.errors import NotPermitted
from domain.vocabulary import Role, Sensitivity
from projections.queries.cases import AccessFacts

CASE_ROLES = frozenset({Role.WORKER, Role.COORDINATOR})
HIDDEN_DOMAIN_SENSITIVITIES = frozenset({"HEALTH", "JUSTICE"})


class Capability(Enum):
    """What a command or a query needs, beyond what the domain itself checks."""

    WORK_ON_CASES = "work on case files"
    MANAGE_OWN_ASSOCIATION = "manage the association's competences, resources and partnerships"
    RUN_THE_NETWORK = "register associations and launch or close programmes"
    ERASE = "carry out erasure requests"
    WRITE_PRACTICE_NOTES = "publish and endorse practice notes"
    AUDIT = "read the audit trail and the access log"
    READ_INDICATORS = "read the network's indicators"
    READ_DIRECTORY = "read the directory"
    LIST_STUDIES = "list the evaluation studies"
    DOWNLOAD_EXPORTS = "download evaluation exports"


GRANTS: dict[Capability, frozenset[Role]] = {
    Capability.WORK_ON_CASES: CASE_ROLES,
    Capability.MANAGE_OWN_ASSOCIATION: frozenset({Role.COORDINATOR, Role.NETWORK_ADMIN}),
    Capability.RUN_THE_NETWORK: frozenset({Role.NETWORK_ADMIN}),
    Capability.ERASE: frozenset({Role.NETWORK_ADMIN}),
    Capability.WRITE_PRACTICE_NOTES: CASE_ROLES,
    Capability.AUDIT: frozenset({Role.AUDITOR}),
    Capability.READ_INDICATORS: frozenset(
        {Role.WORKER, Role.COORDINATOR, Role.NETWORK_ADMIN, Role.EVALUATOR}
    ),
    Capability.READ_DIRECTORY: frozenset(Role) - {Role.SYSTEM},
    Capability.LIST_STUDIES: frozenset({Role.EVALUATOR, Role.NETWORK_ADMIN}),
    Capability.DOWNLOAD_EXPORTS: frozenset({Role.EVALUATOR}),
}


COMMANDS: dict[str, Capability] = {
    "register_association": Capability.RUN_THE_NETWORK,
    "launch_programme": Capability.RUN_THE_NETWORK,
    "declare_competence": Capability.MANAGE_OWN_ASSOCIATION,
    "join_programme": Capability.MANAGE_OWN_ASSOCIATION,
    **dict.fromkeys(
        (
            "enrol_young_person",
            "change_referent",
            "assign_mentor",
            "close_case",
            "reopen_case",
            "give_consent",
            "withdraw_consent",
            "identify_need",
            "meet_need",
            "close_need",
            "agree_action_plan",
            "add_goal",
            "review_goal",
            "end_goal",
            "record_intervention",
            "amend_intervention",
            "retract_intervention",
            "make_referral",
            "accept_referral",
            "decline_referral",
            "withdraw_referral",
            "complete_referral",
            "propose_handover",
            "accept_handover",
            "end_handover",
            "enrol_in_programme",
            "leave_programme",
        ),
        Capability.WORK_ON_CASES,
    ),
}
"""The commands a bulk import may run (`api.importing.commands.IMPORTABLE`), each with what
its mutation needs: an imported line is held to the same rules as a request."""


def allows(viewer: Actor, capability: Capability) -> bool:
    return viewer.role in GRANTS[capability]


def refusal(viewer: Actor, capability: Capability) -> str:
    """Why the viewer may not: "an auditor may not work on case files"."""
    role = viewer.role.value.lower().replace("_", " ")
    article = "an" if role[0] in "aeiou" else "a"
    return f"{article} {role} may not {capability.value}"


def require(viewer: Actor, capability: Capability) -> None:
    """Raises the typed refusal the API turns into a `NotPermitted` result."""
    if not allows(viewer, capability):
        raise NotPermitted(refusal(viewer, capability))


def may_see_case(viewer: Actor, facts: AccessFacts) -> bool:
    """Involved workers and coordinators only; for anyone else the case does not exist."""
    if viewer.role not in CASE_ROLES or viewer.association_id is None or not facts.exists:
        return False
    return bool(facts.relations_of(str(viewer.association_id)))


def may_read_personal_data(viewer: Actor, facts: AccessFacts) -> bool:
    """Identity is needed to work with the young person: every viewer who sees the case."""
    return may_see_case(viewer, facts)


@dataclass(frozen=True)
class EntryView:
    readable: bool
    """The summary (free text) may be shown."""
    show_domain: bool


def entry_view(
    viewer: Actor, facts: AccessFacts, author: str | None, sensitivity: str, on: date
) -> EntryView:
    """How one timeline entry (or goal, need…) written by `author` shows to the viewer.

    An entry with no author association is the network's own (an erasure carried out by the
    data-protection officer): it holds no case content, and everyone who sees the case reads
    it — but its domain shows as another association's would. The withdrawal of a referral
    that an erasure writes carries the referral's domain: shown as the viewer's own, it
    revealed to the lead the HEALTH referral another partner had made, whose own entry was
    redacted without its domain.
    """
    if not may_see_case(viewer, facts):
        return EntryView(readable=False, show_domain=False)
    own = author == str(viewer.association_id)
    consented = sensitivity in facts.consented_sensitivities(str(viewer.association_id), on)
    if own or consented:
        return EntryView(readable=True, show_domain=True)
    shown = sensitivity in domains_shown_of_others(viewer, facts, on)
    return EntryView(readable=author is None, show_domain=shown)


def domains_shown_of_others(viewer: Actor, facts: AccessFacts, on: date) -> frozenset[str]:
    """The sensitivities whose domain the viewer sees on *other* associations' entries (its own
    entries show everything). A filter by domain must match only these, or it would reveal the
    hidden domain of a redacted entry."""
    if not may_see_case(viewer, facts):
        return frozenset()
    consented = facts.consented_sensitivities(str(viewer.association_id), on)
    never_hidden = {s.value for s in Sensitivity} - HIDDEN_DOMAIN_SENSITIVITIES
    return frozenset(never_hidden) | consented


def visible_association(viewer: Actor) -> str | None:
    """The association whose referrals and cases the viewer lists."""
    return None if viewer.association_id is None else str(viewer.association_id)


def roles(grants: Iterable[Role]) -> str:
    return ", ".join(sorted(r.value for r in grants))
