"""`scripts/bench`: Parcours against the raw limits of the same machine (DESIGN.md P1-P8)."""
