"""What the simulated workers write: intervention kinds, and short French case notes.

Kinds are the short labels the ledger keeps in clear for evaluation, so they are categories, never
narratives. Summaries and descriptions are sealed like any case content; they are generic
sentences that name nobody, so the demo shows plausible notes without any real person in them.
"""

from random import Random

from domain.vocabulary import DeclineReason, Domain, Sensitivity

D = Domain

KINDS: dict[Domain, tuple[tuple[str, int, int], ...]] = {
    D.PSYCHOSOCIAL: (
        ("entretien individuel", 45, 75), ("visite à domicile", 60, 90),
        ("accompagnement physique", 90, 180), ("entretien téléphonique", 10, 25),
    ),
    D.EDUCATION: (
        ("soutien scolaire", 60, 90), ("rencontre avec l'établissement", 45, 60),
        ("entretien d'orientation", 45, 60),
    ),
    D.EMPLOYMENT_TRAINING: (
        ("atelier CV", 90, 120), ("simulation d'entretien", 45, 60),
        ("stage de découverte", 240, 420), ("inscription en formation", 30, 60),
    ),
    D.MENTAL_HEALTH: (
        ("consultation psychologique", 45, 60), ("groupe de parole", 90, 120),
        ("bilan psychologique", 60, 90),
    ),
    D.PHYSICAL_HEALTH: (
        ("bilan de santé", 45, 90), ("consultation médicale", 20, 30),
        ("accompagnement aux soins", 60, 150),
    ),
    D.ADDICTION: (
        ("consultation jeunes consommateurs", 45, 60), ("entretien motivationnel", 30, 45),
        ("groupe de parole", 90, 120),
    ),
    D.HOUSING: (
        ("entretien logement", 45, 60), ("dossier de demande de logement", 60, 90),
        ("visite de logement", 60, 120),
    ),
    D.FAMILY_SUPPORT: (
        ("entretien familial", 60, 90), ("médiation familiale", 90, 120),
        ("visite à domicile", 60, 90),
    ),
    D.MENTORING: (
        ("séance de mentorat", 60, 120), ("rencontre avec le mentor", 45, 90),
        ("sortie culturelle", 120, 240),
    ),
    D.LEISURE_CULTURE_SPORT: (
        ("atelier collectif", 90, 150), ("séance sportive", 60, 120), ("atelier théâtre", 90, 120),
    ),
    D.LEGAL_JUSTICE: (
        ("entretien juridique", 45, 60), ("préparation d'audience", 60, 90),
        ("accompagnement au tribunal", 120, 240),
    ),
    D.FINANCIAL_ADMINISTRATIVE: (
        ("aide aux démarches", 45, 90), ("ouverture de droits", 30, 60),
        ("atelier budget", 90, 120),
    ),
}  # fmt: skip

SUMMARIES: dict[Domain, tuple[str, ...]] = {
    D.PSYCHOSOCIAL: (
        "Point sur la semaine : le jeune se dit plus serein et a tenu ses rendez-vous.",
        "Échange sur les relations avec les pairs ; quelques tensions au quartier.",
        "Le jeune est arrivé en retard mais a participé activement à l'entretien.",
        "Reprise du lien après deux rendez-vous manqués ; il s'engage à revenir.",
        "Travail sur la gestion du temps et les priorités du mois.",
    ),
    D.EDUCATION: (
        "Bilan du trimestre avec le professeur principal : assiduité en progrès.",
        "Aide aux devoirs en mathématiques ; méthode de travail à consolider.",
        "Réflexion sur l'orientation : intérêt pour une filière professionnelle.",
        "Préparation du dossier d'inscription pour la rentrée.",
    ),
    D.EMPLOYMENT_TRAINING: (
        "CV mis à jour et deux candidatures envoyées.",
        "Simulation d'entretien : bonne présentation, à travailler sur la confiance.",
        "Retour positif du stage de découverte en restauration.",
        "Inscription validée pour une formation qualifiante.",
    ),
    D.MENTAL_HEALTH: (
        "Consultation de suivi : sommeil amélioré, anxiété toujours présente.",
        "Le jeune exprime un mal-être lié à la situation familiale ; suivi renforcé.",
        "Bilan psychologique réalisé ; restitution prévue le mois prochain.",
        "Participation au groupe de parole, prise de parole spontanée.",
    ),
    D.PHYSICAL_HEALTH: (
        "Bilan de santé réalisé ; vaccinations à mettre à jour.",
        "Accompagnement au centre de santé pour un rendez-vous dentaire.",
        "Ouverture des droits à la complémentaire santé vérifiée.",
    ),
    D.ADDICTION: (
        "Entretien sur la consommation : diminution déclarée depuis un mois.",
        "Le jeune accepte un suivi régulier en consultation jeunes consommateurs.",
        "Travail sur les situations à risque et les alternatives.",
    ),
    D.HOUSING: (
        "Constitution du dossier de demande de logement ; pièces manquantes listées.",
        "Visite d'un studio en résidence jeunes actifs ; le jeune est intéressé.",
        "Point sur la situation d'hébergement : solution temporaire chez un proche.",
        "Accord de principe pour une place en foyer de jeunes travailleurs.",
    ),
    D.FAMILY_SUPPORT: (
        "Entretien avec la mère : communication difficile mais volonté d'avancer.",
        "Médiation familiale : accord trouvé sur les horaires de sortie.",
        "Visite à domicile : climat apaisé par rapport au mois dernier.",
    ),
    D.MENTORING: (
        "Première rencontre avec le mentor ; bon contact.",
        "Sortie au musée avec le mentor, échanges sur les projets d'avenir.",
        "Séance consacrée à la préparation d'un entretien d'embauche.",
    ),
    D.LEISURE_CULTURE_SPORT: (
        "Participation à l'atelier théâtre ; le jeune s'est porté volontaire pour le spectacle.",
        "Séance de football en équipe ; bonne intégration dans le groupe.",
        "Atelier collectif d'écriture, production d'un texte court.",
    ),
    D.LEGAL_JUSTICE: (
        "Explication de la procédure en cours et des prochaines échéances.",
        "Préparation de l'audience avec le jeune ; documents rassemblés.",
        "Point sur l'exécution de la mesure de réparation.",
    ),
    D.FINANCIAL_ADMINISTRATIVE: (
        "Ouverture d'un compte bancaire et demande de carte d'identité.",
        "Atelier budget : construction d'un budget mensuel.",
        "Dossier de bourse complété et envoyé.",
    ),
}

NEEDS: dict[Domain, str] = {
    D.PSYCHOSOCIAL: "Isolement et perte de repères ; besoin d'un accompagnement éducatif.",
    D.EDUCATION: "Décrochage scolaire : absences répétées depuis plusieurs mois.",
    D.EMPLOYMENT_TRAINING: "Sans emploi ni formation ; souhaite un projet professionnel.",
    D.MENTAL_HEALTH: "Signes d'anxiété et troubles du sommeil ; évaluation souhaitée.",
    D.PHYSICAL_HEALTH: "Pas de suivi médical depuis longtemps ; droits à vérifier.",
    D.ADDICTION: "Consommation régulière de cannabis qui pèse sur le quotidien.",
    D.HOUSING: "Hébergement précaire chez des proches ; risque de rupture.",
    D.FAMILY_SUPPORT: "Tensions importantes avec la famille ; dialogue rompu.",
    D.MENTORING: "Manque de modèles et de réseau ; intéressé par un mentor.",
    D.LEISURE_CULTURE_SPORT: "Peu d'activités hors de l'accompagnement ; envie de sport.",
    D.LEGAL_JUSTICE: "Procédure judiciaire en cours ; besoin d'être accompagné.",
    D.FINANCIAL_ADMINISTRATIVE: "Papiers d'identité périmés et droits non ouverts.",
}

GOALS: dict[Domain, str] = {
    D.PSYCHOSOCIAL: "Tenir un rendez-vous par semaine avec le référent.",
    D.EDUCATION: "Retrouver une assiduité scolaire régulière.",
    D.EMPLOYMENT_TRAINING: "Entrer en formation qualifiante ou en emploi.",
    D.MENTAL_HEALTH: "Mettre en place un suivi psychologique régulier.",
    D.PHYSICAL_HEALTH: "Réaliser un bilan de santé complet.",
    D.ADDICTION: "Réduire la consommation et s'engager dans un suivi.",
    D.HOUSING: "Accéder à un logement stable.",
    D.FAMILY_SUPPORT: "Renouer le dialogue avec la famille.",
    D.MENTORING: "Rencontrer un mentor deux fois par mois.",
    D.LEISURE_CULTURE_SPORT: "Pratiquer une activité sportive ou culturelle chaque semaine.",
    D.LEGAL_JUSTICE: "Respecter les obligations de la mesure judiciaire.",
    D.FINANCIAL_ADMINISTRATIVE: "Obtenir ses papiers et ouvrir ses droits.",
}

REFERRAL_REASON = "Orientation pour un accompagnement spécialisé ; le jeune est d'accord."
REFERRAL_OUTCOMES = (
    "Accompagnement terminé : objectifs atteints.",
    "Suivi terminé ; le relais est repris par le référent.",
    "Fin de prise en charge : le jeune a trouvé une solution durable.",
    "Accompagnement mené à terme ; bilan partagé avec le référent.",
)
DECLINE_NOTES: dict[DeclineReason, str] = {
    DeclineReason.AT_CAPACITY: "Plus de place ce mois-ci ; à réorienter le mois prochain.",
    DeclineReason.NOT_ELIGIBLE: "Ne correspond pas aux critères d'admission du service.",
    DeclineReason.OUT_OF_AREA: "Le jeune réside hors de notre territoire d'intervention.",
    DeclineReason.DUPLICATE: "Orientation déjà reçue pour ce besoin.",
    DeclineReason.OTHER: "Service fermé temporairement.",
}
CONSENT_PURPOSES: dict[Sensitivity, str] = {
    Sensitivity.GENERAL: "Coordination de l'accompagnement entre les associations du parcours.",
    Sensitivity.HEALTH: "Partage des informations de santé utiles au suivi.",
    Sensitivity.JUSTICE: "Partage des informations relatives à la procédure judiciaire.",
}
HANDOVER_SUMMARIES = (
    "Déménagement du jeune : relais proposé à l'association de son nouveau territoire.",
    "Le besoin principal relève désormais de votre champ : proposition de reprendre le suivi.",
    "Fin de notre mission ; proposition de passer le relais du parcours.",
)
CLOSING_REASONS = (
    "Objectifs atteints : fin d'accompagnement d'un commun accord.",
    "Le jeune ne souhaite plus être accompagné.",
    "Déménagement hors des territoires du réseau.",
)
AMENDMENT_REASON = "Correction de la durée et du compte rendu saisis."
RETRACTION_REASON = "Saisie en double ; l'intervention est déjà enregistrée."


def intervention(rng: Random, domain: Domain) -> tuple[str, int, str]:
    """A kind, a duration in minutes and a summary that fit together for `domain`."""
    kind, shortest, longest = rng.choice(KINDS[domain])
    return kind, rng.randrange(shortest, longest + 1, 5), rng.choice(SUMMARIES[domain])


PRACTICE_NOTES: tuple[tuple[tuple[Domain, ...], str, str], ...] = (
    (
        (D.MENTAL_HEALTH, D.PSYCHOSOCIAL),
        "Un premier rendez-vous santé dans un lieu connu du jeune",
        "Proposer la première consultation dans les locaux de l'association référente, en "
        "présence de l'éducateur, divise par deux les rendez-vous manqués.",
    ),
    (
        (D.HOUSING,),
        "Préparer le dossier logement avant l'orientation",
        "Une liste partagée des pièces à réunir, remplie avec le jeune avant l'orientation, "
        "évite des semaines d'attente à l'association qui reçoit.",
    ),
    (
        (D.EMPLOYMENT_TRAINING, D.MENTORING),
        "Le binôme conseiller et mentor",
        "Quand le mentor assiste au bilan de fin de stage, le jeune tient mieux ses engagements "
        "dans les semaines qui suivent.",
    ),
    (
        (D.EDUCATION, D.FAMILY_SUPPORT),
        "Associer la famille au retour en classe",
        "Un entretien à trois avec l'établissement et un parent avant la reprise facilite le "
        "retour et rassure tout le monde.",
    ),
    (
        (D.LEGAL_JUSTICE,),
        "Expliquer la procédure avec des mots simples",
        "Un schéma des étapes de la procédure, remis au jeune, réduit l'angoisse avant "
        "l'audience et les absences aux convocations.",
    ),
    (
        (D.LEISURE_CULTURE_SPORT, D.PSYCHOSOCIAL),
        "Le sport comme porte d'entrée",
        "Les jeunes rencontrés d'abord sur un terrain de sport acceptent plus facilement un "
        "entretien individuel ensuite.",
    ),
    (
        (D.FINANCIAL_ADMINISTRATIVE,),
        "Une permanence administrative sans rendez-vous",
        "Une demi-journée par semaine sans rendez-vous débloque les démarches simples en une "
        "seule visite.",
    ),
    (
        (D.ADDICTION, D.MENTAL_HEALTH),
        "Parler de consommation sans jugement",
        "Commencer par les projets du jeune plutôt que par sa consommation ouvre le dialogue et "
        "favorise l'entrée en soin.",
    ),
)
"""Lessons learned the network's workers publish and endorse (title, body, domains)."""
