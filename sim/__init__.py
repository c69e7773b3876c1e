"""servicehall simulation engine: scenario -> SimPy model -> replications -> results.

Typical use::

    import sim
    scenario = sim.load_scenario("scenarios/lanling.yaml")
    results = sim.simulate(scenario, replications=30, seed=0)
    results.summary(by="zone")
"""

import importlib

from . import whatif
from .clock import format_clock, parse_clock
from .compare import Comparison, compare
from .distributions import Deterministic, Empirical, Exponential, Gamma, LogNormal, Triangular, Uniform
from .errors import InputError, ScenarioError
from .results import KPI_HELP, KPIS, Results
from .runner import simulate
from .scenario import Scenario, load_scenario, merge_overrides, scenario_from_dict, scenario_to_dict
from .staffing_plan import apply_people, apply_staffing, read_roster_csv, read_staffing_csv, read_staffing_file
from .sweep import sweep

__all__ = [
    "Comparison",
    "Deterministic",
    "Empirical",
    "Exponential",
    "Gamma",
    "InputError",
    "KPIS",
    "KPI_HELP",
    "LogNormal",
    "Results",
    "Scenario",
    "ScenarioError",
    "Triangular",
    "Uniform",
    "apply_people",
    "apply_staffing",
    "compare",
    "format_clock",
    "load_scenario",
    "merge_overrides",
    "parse_clock",
    "read_roster_csv",
    "read_staffing_csv",
    "read_staffing_file",
    "scenario_from_dict",
    "scenario_to_dict",
    "simulate",
    "sweep",
    "whatif",
]


def __getattr__(name: str):
    # Plots and reports need matplotlib: load them on first use, not with ``import sim``.
    if name in ("plots", "report"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
