"""Synthetic French first and last names for the simulated young people.

Drawn independently from two lists of common names, so the combinations are made up: the demo
never holds a real young person's identity, only plausible-looking ones.
"""

import unicodedata
from datetime import date, timedelta
from random import Random

FIRST_NAMES = (
    "Adam", "Aïcha", "Alice", "Amadou", "Amina", "Anaïs", "Axel", "Bilal", "Camille", "Chloé",
    "Clara", "Dylan", "Emma", "Enzo", "Fatou", "Hugo", "Ibrahim", "Inès", "Jade", "Jordan",
    "Kenza", "Kevin", "Léa", "Léna", "Lina", "Louis", "Lucas", "Lucie", "Maël", "Mamadou",
    "Manon", "Marie", "Mathis", "Maëlys", "Mehdi", "Moussa", "Nathan", "Nina", "Noah", "Noémie",
    "Océane", "Rayan", "Sacha", "Salomé", "Samir", "Sarah", "Sofiane", "Théo", "Thomas",
    "Wassim", "Yanis", "Yasmine", "Youssef", "Zoé",
)  # fmt: skip

LAST_NAMES = (
    "André", "Benali", "Bernard", "Bertrand", "Bonnet", "Camara", "Cissé", "Da Silva", "David",
    "Diallo", "Dubois", "Dupont", "Durand", "Fernandes", "Ferreira", "Fontaine", "Fournier",
    "François", "Garcia", "Girard", "Haddad", "Koné", "Lambert", "Laurent", "Lefebvre",
    "Legrand", "Leroy", "Martin", "Martinez", "Mendy", "Mercier", "Michel", "Moreau", "Morel",
    "Nguyen", "Ould", "Perrin", "Petit", "Richard", "Robert", "Roux", "Sanchez", "Simon",
    "Sow", "Thomas", "Traoré", "Vincent", "Yilmaz",
)  # fmt: skip

YOUNGEST = 14
OLDEST = 24


def full_name(rng: Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def birth_date(rng: Random, on: date) -> date:
    """Someone aged 14 to 24 on `on`: the ages the network's associations work with."""
    days = rng.randint(YOUNGEST * 365 + 10, (OLDEST + 1) * 365 - 10)
    return on - timedelta(days=days)


def contact_address(first_name: str, last_name: str, serial: int) -> str:
    """An address under example.org, reserved for examples (RFC 2606): it reaches nobody."""
    plain = unicodedata.normalize("NFKD", f"{first_name}.{last_name}".lower())
    local = "".join(c for c in plain if c.isascii() and (c.isalnum() or c == ".")) or "jeune"
    return f"{local}.{serial}@example.org"
