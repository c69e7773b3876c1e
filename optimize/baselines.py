"""Baselines for an optimized plan: textbook SIPP and a flat plan.

* **SIPP**: the per-period Erlang C / Erlang A requirement at each period's
  average arrival rate (see :mod:`optimize.demand` for how a hall becomes one
  queue per zone), capped at the windows and not repaired by simulation - what
  a planner with a spreadsheet gets.
* **flat**: the same staff all day in each zone, at the smallest level that
  meets the targets in every zone-period in the simulated hall. Found by
  bisection for all zones at once (one simulation per step, common random
  numbers), between one person and the zone's windows. Pooled windows answer for the zones without
  windows that they serve; zones that only share some work (partial pooling,
  moves) are bisected side by side, so their levels are close to, not
  exactly, the least.

With shift patterns both are rostered like the optimized plan: the cheapest
roster covering them.
"""

from __future__ import annotations

import numpy as np

from optimize.demand import analytic_requirements, serving_zones, zone_demand
from optimize.verify import cell_estimates, failing_cells, plan_array, plan_frame, simulate_plan

__all__ = ["flat_plan", "sipp_plan"]


def sipp_plan(scenario, targets):
    """SIPP requirements capped at each zone's windows (DataFrame zone x period)."""
    caps = np.array([[z.windows] * scenario.n_periods for z in scenario.zones])
    return plan_frame(scenario, np.minimum(analytic_requirements(scenario, targets, "sipp").to_numpy(), caps))


def flat_plan(scenario, targets, *, upper=None, ignore=None, at_least=None, seed: int = 1, replications: int = 30,
              confidence: float = 0.95, min_visitors: float = 1.0, workers=None, executor=None):
    """The smallest constant staff per zone meeting *targets* in every zone-period (simulated).

    *upper*: a plan whose per-zone peak bounds the search (default: the
    windows); *ignore*: zones x periods booleans not to hold a zone to (e.g.
    zone-periods no staffing can fix); *at_least*: a lower bound per zone
    (e.g. the optimized staff where it is ignored). Returns (plan DataFrame,
    evaluations).
    """
    Z, T = len(scenario.zone_ids), scenario.n_periods
    windows = np.array([z.windows for z in scenario.zones], dtype=np.int64)
    demand = zone_demand(scenario)
    lo = np.array([1 if sum(demand[z].rates) > 0 else 0 for z in scenario.zone_ids], dtype=np.int64)
    hi = windows.copy() if upper is None else np.minimum(plan_array(scenario, upper).max(axis=1), windows)
    if at_least is not None:
        lo = np.maximum(lo, np.asarray(at_least, dtype=np.int64))
    lo = np.minimum(lo, hi)
    ignore = np.zeros((Z, T), dtype=bool) if ignore is None else np.asarray(ignore, dtype=bool)
    # zones without windows are served by pooled windows: their misses count against those
    ids = list(scenario.zone_ids)
    dependents: list[list[int]] = [[] for _ in ids]
    for z, servers in serving_zones(scenario).items():
        if scenario.zone(z).windows == 0:
            for y in servers:
                dependents[ids.index(y)].append(ids.index(z))
    evaluations = 0
    while (lo < hi).any():
        mid = np.where(lo < hi, (lo + hi) // 2, hi)
        results = simulate_plan(scenario, np.repeat(mid[:, None], T, axis=1), replications=replications,
                                seed=seed, workers=workers, executor=executor)
        evaluations += 1
        estimates = cell_estimates(results, targets, confidence=confidence, min_visitors=min_visitors)
        bad = (failing_cells(estimates, scenario) & ~ignore).any(axis=1)
        ok = ~bad & ~np.array([bad[d].any() if d else False for d in dependents])
        searching = lo < hi
        hi = np.where(searching & ok, mid, hi)
        lo = np.where(searching & ~ok, mid + 1, lo)
    return plan_frame(scenario, np.repeat(hi[:, None], T, axis=1)), evaluations
