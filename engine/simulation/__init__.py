"""Months of a ward's one-stop shop simulated through the real engine on a simulated
clock (docs/simulation.md), what it makes up (arrivals, applicants, form values), and
the demo's units and users."""

from engine.simulation.cases import SimulationResult
from engine.simulation.data import Rates
from engine.simulation.demo import (
    DEMO_MAP,
    DEMO_PASSWORD,
    DEMO_USERS,
    seed_demo_map,
    seed_demo_units,
)
from engine.simulation.simulation import simulate

__all__ = [
    "DEMO_MAP", "DEMO_PASSWORD", "DEMO_USERS", "Rates", "SimulationResult",
    "seed_demo_map", "seed_demo_units", "simulate",
]
