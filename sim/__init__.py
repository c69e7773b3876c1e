"""servicehall simulation engine: scenario -> hall topology -> SimPy model -> replications -> results.

Typical use::

    import sim
    scenario = sim.load_scenario("scenarios/lanling.yaml")
    results = sim.simulate(scenario, replications=30, seed=0)
    results.summary(by="zone")

``import sim`` is light: each name below loads its module on first use (the engine,
pandas and matplotlib only when something needs them).
"""

from __future__ import annotations

import importlib

# Public name -> the module that defines it.
_EXPORTS = {
    "Comparison": "comparison", "compare": "comparison",
    "Deterministic": "distributions", "Empirical": "distributions", "Exponential": "distributions",
    "Gamma": "distributions", "LogNormal": "distributions", "Triangular": "distributions", "Uniform": "distributions",
    "InputError": "errors", "ScenarioError": "errors",
    "KPIS": "results", "KPI_HELP": "results", "Results": "results",
    "Scenario": "scenario", "load_scenario": "scenario", "merge_overrides": "scenario",
    "scenario_from_dict": "scenario", "scenario_to_dict": "scenario",
    "apply_people": "staffing_plan", "apply_staffing": "staffing_plan", "read_roster_csv": "staffing_plan",
    "read_staffing_csv": "staffing_plan", "read_staffing_file": "staffing_plan",
    "format_clock": "clock", "parse_clock": "clock",
    "simulate": "runner", "default_workers": "runner", "worker_pool": "runner", "stop_pool": "runner",
    "sweep": "sweep_grid",
}
_MODULES = ("flows", "plots", "report", "stream", "topology", "whatif")

__all__ = sorted(_EXPORTS) + list(_MODULES)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
