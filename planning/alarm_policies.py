"""Alarm policies for tuning: who may help whom (``can_help`` lists built from floors, categories
or the file), one policy as a value, and moves on alarm counted per simulated day."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sim.errors import InputError

__all__ = ["HELP_POLICIES", "AlarmTuningError", "Policy", "can_help_lists", "moves_per_day"]

LABEL = "alarm tuning"

HELP_POLICIES = ("scenario", "none", "same_floor", "same_category", "all")
"""Who may help whom: as in the file, alarm off, zones of one floor, zones sharing a service
category, every window zone (self-service terminals and the guide desk never take part)."""
class AlarmTuningError(InputError, ValueError):
    """A bad argument of :func:`tune_alarm`; *parameter* names it."""

    def __init__(self, parameter: str, message: str):
        super().__init__(LABEL, parameter, message)
        self.parameter = parameter


@dataclass(frozen=True)
class Policy:
    """One alarm policy: *threshold* (people waiting), *switch_minutes* (minutes), *help*
    (a name of :data:`HELP_POLICIES`); threshold and switch are None for ``none`` (alarm off)."""

    threshold: Optional[int]
    switch_minutes: Optional[float]
    help: str

    @classmethod
    def of(cls, threshold: int, switch_minutes: float, help: str) -> Policy:
        return cls(None, None, "none") if help == "none" else cls(int(threshold), float(switch_minutes), help)

    @property
    def label(self) -> str:
        if self.help == "none":
            return "alarm off"
        return f"threshold {self.threshold}, switch {self.switch_minutes:g} min, help {self.help}"


def can_help_lists(scenario, policy: str) -> dict[str, list[str]]:
    """``can_help`` of every zone of *scenario* under help *policy* (a name of :data:`HELP_POLICIES`).

    Built policies use the window zones other than kiosk zones and the guide desk.
    Raises AlarmTuningError for an unknown policy, ``same_category`` in a hall without
    categories, or a policy under which no zone may help any other.
    """
    if policy not in HELP_POLICIES:
        raise AlarmTuningError("help_policies", f"unknown help policy, expected one of {', '.join(HELP_POLICIES)}; "
                                                f"got {policy!r}")
    if policy == "scenario":
        return {z.id: ([o for o in scenario.zone_ids if o != z.id] if z.can_help == "all" else list(z.can_help))
                for z in scenario.zones}
    lists: dict[str, list[str]] = {z: [] for z in scenario.zone_ids}
    if policy == "none":
        return lists
    special = {svc.kiosk.zone for svc in scenario.services if svc.kiosk is not None}
    special |= {scenario.guide_desk.zone} if scenario.guide_desk is not None else set()
    part = [z for z in scenario.zones if z.windows > 0 and z.id not in special]
    cats = {z.id: {s.category for s in scenario.services if s.zone == z.id and s.category} for z in part}
    if policy == "same_category" and not any(cats.values()):
        raise AlarmTuningError("help_policies", "same_category needs services with a category; got none")
    for z in part:
        lists[z.id] = [o.id for o in part if o.id != z.id and (
            policy == "all" or (policy == "same_floor" and o.floor == z.floor)
            or (policy == "same_category" and bool(cats[z.id] & cats[o.id])))]
    if not any(lists.values()):
        raise AlarmTuningError("help_policies", f"under {policy} no zone may help another; got {len(part)} window "
                                                "zone(s) without a common floor or category")
    return lists


def moves_per_day(results, level: float = 0.95) -> tuple[float, float, float]:
    """Staff moves on alarm per simulated day (returns not counted): mean and Student-t interval."""
    from sim.stats import mean_ci

    m = results.moves
    x = m[m["kind"] == "move"].groupby("replication").size().reindex(range(results.replications), fill_value=0)
    mean, low, high, _ = mean_ci(x.to_numpy(float), level)
    return mean, max(0.0, low), high
