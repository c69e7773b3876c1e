"""Scenario format: schema, loading, validation."""

from .load import load_scenario, merge_overrides, scenario_from_dict, scenario_to_dict
from .schema import Arrivals, DayVariation, Hours, Scenario, Service, Zone

__all__ = [
    "Arrivals",
    "DayVariation",
    "Hours",
    "Scenario",
    "Service",
    "Zone",
    "load_scenario",
    "merge_overrides",
    "scenario_from_dict",
    "scenario_to_dict",
]
