"""The ledger service: the only way to write to Parcours."""

from domain.ledger.case_flows import CaseFlowCommands
from domain.ledger.core import Clock, ConcurrencyConflict, utc_now
from domain.ledger.fingerprints import fingerprint_commands
from domain.ledger.network import NetworkCommands


@fingerprint_commands
class Ledger(CaseFlowCommands, NetworkCommands):
    """Every command of the network, over one event store (SQLite or PostgreSQL). A keyed
    command's arguments are fingerprinted for its receipt (`fingerprints.py`)."""


__all__ = ["Clock", "ConcurrencyConflict", "Ledger", "utc_now"]
