"""Per-zone demand of a scenario for the analytic methods (an approximation).

The analytic methods (SIPP, lagged SIPP, MOL) see each zone as one queue with
Poisson arrivals at a rate per period, one mean service time and one mean
patience. That view is the engine's own: ``sim.flows.zone_loads`` adds up the
expected flows of visits every mechanic describes (``Mechanic.flows``), with
each zone's ``speed``; zones without windows hand their load to the pooled
windows that serve them. See :mod:`sim.flows` for what it leaves out. The
simulation method needs none of this: it simulates the hall.
"""

from __future__ import annotations

import pandas as pd

from optimize.periods import format_clock
from optimize.requirements import requirements_by_zone

__all__ = ["analytic_requirements", "period_labels", "serving_zones", "zone_demand"]


def __getattr__(name: str):
    if name == "ZoneDemand":  # the engine's class, loaded with the engine
        from sim.flows import ZoneLoad

        return ZoneLoad
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def period_labels(scenario) -> list[str]:
    """``"HH:MM"`` start of each period of *scenario*."""
    return [format_clock(s) for s in scenario.period_starts]


def serving_zones(scenario) -> dict[str, list[str]]:
    """For each zone, the other zones whose windows may serve its visitors (``serves``)."""
    from sim.topology import hall_topology

    return hall_topology(scenario).zone_servers()


def zone_demand(scenario) -> dict:
    """The analytic view of every zone of *scenario* (a ``sim.Scenario``), by zone id:
    ``sim.flows.ZoneLoad`` (rates per minute per period, mean service, mean patience)."""
    from sim.flows import zone_loads

    return zone_loads(scenario)


def analytic_requirements(scenario, targets, method: str = "sipp") -> pd.DataFrame:
    """Staff needed per zone and period by *method* (``sipp``, ``lag``, ``mol``).

    A DataFrame, index zone, columns the period labels ``"HH:MM"``; not capped
    at the zone's windows. The hall opens empty (rate 0 before opening). With
    patience, service levels use Erlang A's ``"served"`` definition - an
    abandoner is a miss, as the simulator counts it.
    """
    demand = zone_demand(scenario)
    frame = requirements_by_zone(
        {z: list(d.rates) for z, d in demand.items()}, period_minutes=scenario.period_minutes,
        mean_service={z: d.mean_service for z, d in demand.items()}, targets=targets, method=method,
        mean_patience={z: d.mean_patience for z, d in demand.items()}, definition="served")
    frame.columns = pd.Index(period_labels(scenario), name="period")
    return frame.astype(int)
