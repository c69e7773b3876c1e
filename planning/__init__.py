"""The planner's tools, built on ``sim`` and ``optimize`` through their public APIs:

- layout search (:mod:`planning.layout_search`): windows per zone, which zones pool into
  comprehensive windows, dedicated bundle windows - ranked by the staff-hours the target needs;
- robustness (:mod:`planning.plan_robustness`): a layout or staffing plan over a set of demand
  scenarios (:mod:`planning.demand_set`), and the plan that holds in a chosen share of them;
- alarm policy tuning (:mod:`planning.alarm_tuning`): threshold, switch time, who may help whom.

``import planning`` is light: each name loads its module on first use. No module is
named like a function it exports (``planning.robustness`` is the function; its module is
``plan_robustness``): importing a submodule sets the package attribute of its name.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Layout": "layout", "PoolSpec": "layout",
    "fixed_zones": "candidates", "pooling_groups": "candidates",
    "screen_layouts": "layout_screen", "LayoutScreen": "layout_screen", "Screen": "screen",
    "LayoutSearch": "layout_search", "search_layouts": "layout_search",
    "DemandScenario": "demand_set", "demand_scenarios": "demand_set", "parse_demand_scenarios": "demand_set",
    "Robustness": "plan_robustness", "robustness": "plan_robustness", "chance_constrained_plan": "plan_robustness",
    "AlarmTuning": "alarm_tuning", "tune_alarm": "alarm_tuning",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
