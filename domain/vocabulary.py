"""The shared taxonomy of the network, in the words of DESIGN.md.

These are plain `Enum`s (not `StrEnum`) on purpose: the JSON transcoder only calls our
transcodings for objects it cannot serialise natively, so a `str` subclass would come back from
the store as a bare string and replay would not equal live.
"""

from enum import Enum


class Domain(Enum):
    EDUCATION = "EDUCATION"
    EMPLOYMENT_TRAINING = "EMPLOYMENT_TRAINING"
    PSYCHOSOCIAL = "PSYCHOSOCIAL"
    MENTAL_HEALTH = "MENTAL_HEALTH"
    PHYSICAL_HEALTH = "PHYSICAL_HEALTH"
    ADDICTION = "ADDICTION"
    HOUSING = "HOUSING"
    FAMILY_SUPPORT = "FAMILY_SUPPORT"
    MENTORING = "MENTORING"
    LEISURE_CULTURE_SPORT = "LEISURE_CULTURE_SPORT"
    LEGAL_JUSTICE = "LEGAL_JUSTICE"
    FINANCIAL_ADMINISTRATIVE = "FINANCIAL_ADMINISTRATIVE"

    @property
    def sensitivity(self) -> "Sensitivity":
        """Consent is given per sensitivity, so every domain must map to exactly one."""
        return _SENSITIVITY_OF.get(self, Sensitivity.GENERAL)


class Sensitivity(Enum):
    GENERAL = "GENERAL"
    HEALTH = "HEALTH"
    JUSTICE = "JUSTICE"


_SENSITIVITY_OF = {
    Domain.MENTAL_HEALTH: Sensitivity.HEALTH,
    Domain.PHYSICAL_HEALTH: Sensitivity.HEALTH,
    Domain.ADDICTION: Sensitivity.HEALTH,
    Domain.LEGAL_JUSTICE: Sensitivity.JUSTICE,
}


class Role(Enum):
    WORKER = "WORKER"
    COORDINATOR = "COORDINATOR"
    NETWORK_ADMIN = "NETWORK_ADMIN"
    AUDITOR = "AUDITOR"
    EVALUATOR = "EVALUATOR"
    SYSTEM = "SYSTEM"


class ReferralStatus(Enum):
    MADE = "MADE"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    WITHDRAWN = "WITHDRAWN"
    EXPIRED = "EXPIRED"
    COMPLETED = "COMPLETED"


class DeclineReason(Enum):
    AT_CAPACITY = "AT_CAPACITY"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    OUT_OF_AREA = "OUT_OF_AREA"
    DUPLICATE = "DUPLICATE"
    OTHER = "OTHER"


class HandoverStatus(Enum):
    PROPOSED = "PROPOSED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    CANCELLED = "CANCELLED"


class GoalStatus(Enum):
    OPEN = "OPEN"
    ACHIEVED = "ACHIEVED"
    DROPPED = "DROPPED"


class NeedStatus(Enum):
    OPEN = "OPEN"
    MET = "MET"
    CLOSED = "CLOSED"


class ConsentGiver(Enum):
    """Who gave a consent: the young person themself or a legal guardian."""

    YOUNG_PERSON = "YOUNG_PERSON"
    GUARDIAN = "GUARDIAN"


class ResourceKind(Enum):
    PREMISES = "PREMISES"
    STAFF_TIME = "STAFF_TIME"
    MATERIAL = "MATERIAL"
    FUNDING = "FUNDING"
