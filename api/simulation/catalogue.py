"""The blueprint of the simulated network: who the associations are and what they pool.

Pure data, no ledger: nine invented associations over three départements (93, 75, 94), each with
the competences a real partner of that kind would declare. Capacities are written for the
reference cohort (300 young people over 18 months) and scaled to the simulated one, so that the
scarce services (mental health, housing) are saturated in small runs as in large ones.
"""

from dataclasses import dataclass

from domain.vocabulary import Domain, ResourceKind

D = Domain
REFERENCE_INTAKE_PER_MONTH = 300 / 18
"""Young people entering the reference network each month; capacities below are sized for it."""


@dataclass(frozen=True)
class ResourceSpec:
    kind: ResourceKind
    name: str
    capacity: int


@dataclass(frozen=True)
class AssociationSpec:
    key: str
    name: str
    territory: str
    competences: tuple[tuple[Domain, int], ...]
    """(domain, new young people a month) at the reference intake."""
    staff: tuple[str, ...]
    """Job titles of its workers: the first ones become referents of the cases it leads."""
    leads_cases: bool
    resources: tuple[ResourceSpec, ...] = ()


@dataclass(frozen=True)
class ProgrammeSpec:
    key: str
    name: str
    components: tuple[tuple[str, Domain], ...]
    """(association key, domain) delivered within the programme."""
    focus: tuple[Domain, ...]
    """Needs that make a young person a candidate for it."""
    capacity: int
    opens_after_days: int
    pooled: tuple[str, int]
    """(association key, quantity): the share of that association's resource the programme uses."""


ASSOCIATIONS = (
    AssociationSpec(
        "rebonds93", "Rebonds 93", "93",
        ((D.PSYCHOSOCIAL, 14), (D.FAMILY_SUPPORT, 6), (D.LEISURE_CULTURE_SPORT, 6),
         (D.MENTORING, 4)),
        ("éducatrice spécialisée", "éducateur spécialisé", "éducatrice spécialisée", "animateur"),
        leads_cases=True,
        resources=(ResourceSpec(ResourceKind.PREMISES, "Salle d'activités de Bobigny", 2),),
    ),
    AssociationSpec(
        "missionest", "Mission Jeunes Est", "93",
        ((D.EMPLOYMENT_TRAINING, 8), (D.EDUCATION, 5), (D.FINANCIAL_ADMINISTRATIVE, 5)),
        ("conseillère en insertion", "conseiller en insertion", "chargée d'accompagnement"),
        leads_cases=True,
        resources=(ResourceSpec(ResourceKind.STAFF_TIME, "Demi-journées de conseiller emploi", 8),),
    ),
    AssociationSpec(
        "mda93", "Maison des Ados Les Tilleuls", "93",
        ((D.MENTAL_HEALTH, 2), (D.PHYSICAL_HEALTH, 2), (D.ADDICTION, 1)),
        ("psychologue", "infirmière", "psychologue"),
        leads_cases=False,
        resources=(ResourceSpec(ResourceKind.STAFF_TIME, "Vacations de psychologue", 6),),
    ),
    AssociationSpec(
        "toitdabord", "Un Toit Pour Démarrer", "75",
        ((D.HOUSING, 2), (D.FINANCIAL_ADMINISTRATIVE, 4)),
        ("travailleuse sociale", "chargé de gestion locative"),
        leads_cases=False,
        resources=(ResourceSpec(ResourceKind.FUNDING, "Fonds d'aide au premier loyer", 12),),
    ),
    AssociationSpec(
        "passerelles", "Passerelles Paris", "75",
        ((D.EDUCATION, 6), (D.MENTORING, 5), (D.LEISURE_CULTURE_SPORT, 5), (D.PSYCHOSOCIAL, 6)),
        ("éducateur spécialisé", "coordinatrice de mentorat", "animatrice", "éducatrice"),
        leads_cases=True,
        resources=(ResourceSpec(ResourceKind.PREMISES, "Studio de répétition du 19e", 1),),
    ),
    AssociationSpec(
        "droitdevant", "Droit Devant Jeunesse", "75",
        ((D.LEGAL_JUSTICE, 3), (D.PSYCHOSOCIAL, 3)),
        ("juriste", "éducatrice PJJ détachée"),
        leads_cases=False,
    ),
    AssociationSpec(
        "horizon94", "Horizon 94", "94",
        ((D.PSYCHOSOCIAL, 12), (D.FAMILY_SUPPORT, 6), (D.HOUSING, 1)),
        ("éducatrice spécialisée", "éducateur spécialisé", "conseillère familiale", "éducateur"),
        leads_cases=True,
        resources=(ResourceSpec(ResourceKind.MATERIAL, "Ordinateurs portables en prêt", 10),),
    ),
    AssociationSpec(
        "tremplin", "Atelier Tremplin", "94",
        ((D.EMPLOYMENT_TRAINING, 6), (D.MENTORING, 3), (D.EDUCATION, 3)),
        ("formateur", "chargée d'insertion", "encadrant technique"),
        leads_cases=True,
    ),
    AssociationSpec(
        "santejeunes94", "Espace Santé Jeunes du Val-de-Marne", "94",
        ((D.MENTAL_HEALTH, 2), (D.ADDICTION, 1), (D.PHYSICAL_HEALTH, 2)),
        ("psychologue clinicienne", "médecin", "addictologue"),
        leads_cases=False,
        resources=(ResourceSpec(ResourceKind.STAFF_TIME, "Permanences d'écoute", 8),),
    ),
)  # fmt: skip

PROGRAMMES = (
    ProgrammeSpec(
        "tremplin-emploi", "Parcours Tremplin Emploi 93-94",
        (("missionest", D.EMPLOYMENT_TRAINING), ("missionest", D.FINANCIAL_ADMINISTRATIVE),
         ("rebonds93", D.MENTORING)),
        focus=(D.EMPLOYMENT_TRAINING, D.FINANCIAL_ADMINISTRATIVE),
        capacity=45, opens_after_days=14, pooled=("missionest", 3),
    ),
    ProgrammeSpec(
        "bien-etre", "Bien-être et Santé des Jeunes",
        (("santejeunes94", D.MENTAL_HEALTH), ("mda93", D.MENTAL_HEALTH),
         ("passerelles", D.LEISURE_CULTURE_SPORT), ("horizon94", D.PSYCHOSOCIAL)),
        focus=(D.MENTAL_HEALTH, D.ADDICTION, D.PSYCHOSOCIAL),
        capacity=35, opens_after_days=30, pooled=("santejeunes94", 4),
    ),
)  # fmt: skip

LATE_PARTNER = ("tremplin-emploi", "tremplin", (D.EMPLOYMENT_TRAINING, D.MENTORING))
"""An association that joins a running programme, two months in, with a component of its own."""

CAPACITY_RAISE = ("santejeunes94", D.MENTAL_HEALTH, 2)
"""Six months in, the saturated mental-health service is funded for twice as many places."""

NEED_WEIGHTS = (
    (D.PSYCHOSOCIAL, 14), (D.EDUCATION, 13), (D.EMPLOYMENT_TRAINING, 14), (D.MENTAL_HEALTH, 10),
    (D.HOUSING, 9), (D.FAMILY_SUPPORT, 9), (D.FINANCIAL_ADMINISTRATIVE, 8),
    (D.LEISURE_CULTURE_SPORT, 5), (D.MENTORING, 6), (D.LEGAL_JUSTICE, 7), (D.ADDICTION, 4),
    (D.PHYSICAL_HEALTH, 4),
)  # fmt: skip
"""How often each domain comes up as a need in the network's assessments."""
