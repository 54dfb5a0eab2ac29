"""The contract's enums, exposed from the domain's own vocabulary (one source of truth)."""

from enum import Enum

import strawberry

from domain import vocabulary

# Registered in place: the domain's own enums are the schema's (mypy sees plain classes).
for _enum in (
    vocabulary.Domain,
    vocabulary.Sensitivity,
    vocabulary.ReferralStatus,
    vocabulary.DeclineReason,
    vocabulary.HandoverStatus,
    vocabulary.GoalStatus,
    vocabulary.ConsentGiver,
    vocabulary.ResourceKind,
):
    strawberry.enum(_enum)

Domain = vocabulary.Domain
Sensitivity = vocabulary.Sensitivity
ReferralStatus = vocabulary.ReferralStatus
DeclineReason = vocabulary.DeclineReason
HandoverStatus = vocabulary.HandoverStatus
GoalStatus = vocabulary.GoalStatus
ConsentGiver = vocabulary.ConsentGiver
ResourceKind = vocabulary.ResourceKind


@strawberry.enum
class Role(Enum):
    """The roles a token may carry (the ledger's internal SYSTEM actor is not one of them)."""

    WORKER = "WORKER"
    COORDINATOR = "COORDINATOR"
    NETWORK_ADMIN = "NETWORK_ADMIN"
    AUDITOR = "AUDITOR"
    EVALUATOR = "EVALUATOR"


@strawberry.enum
class TimelineEntryKind(Enum):
    ENROLMENT = "ENROLMENT"
    CONSENT = "CONSENT"
    NEED = "NEED"
    PLAN = "PLAN"
    INTERVENTION = "INTERVENTION"
    REFERRAL = "REFERRAL"
    HANDOVER = "HANDOVER"
    PROGRAMME = "PROGRAMME"
    CLOSURE = "CLOSURE"
    ERASURE = "ERASURE"
    TEAM = "TEAM"
    """Referent changed, mentor assigned or unassigned (an extension of the contract)."""
