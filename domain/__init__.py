"""The write side of Parcours: aggregates, their events and invariants, and the ledger service.

Nothing here knows about projections or the API; the layer contract in pyproject.toml enforces it.
"""
