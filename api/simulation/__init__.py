"""The simulator: seeds a realistic demo network, and the histories benchmarks reuse at scale."""

from api.simulation.cast import AssociationCast, Cast, Member, ProgrammeCast
from api.simulation.clock import DEFAULT_START, DrivableClock, SimulatedClock
from api.simulation.simulator import ERASURES, simulate
from api.simulation.summary import SimulationSummary

__all__ = [
    "DEFAULT_START",
    "ERASURES",
    "AssociationCast",
    "Cast",
    "DrivableClock",
    "Member",
    "ProgrammeCast",
    "SimulatedClock",
    "SimulationSummary",
    "simulate",
]
