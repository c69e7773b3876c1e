"""The closed loop: requirements -> roster -> simulate -> check -> raise -> solve again.

Each iteration turns the requirements into a plan (the cheapest roster that
covers them when shift patterns are given, else the requirements themselves),
simulates the hall under that plan (always from the same seed: common random
numbers across iterations) and checks every zone-period against every target
with confidence intervals (:mod:`optimize.verify`). Where a target does not
hold with the stated confidence, the requirement is raised to one more than
the staff the plan had there. A zone-period at its windows, or one the roster
cannot cover (lunch rules against the windows), passes the raise on as in
:mod:`optimize.simulation_method` (to the pooled windows serving it, else the
zone it helps most, else an earlier period) or, after three tries, is
reported as stuck. It stops when
every zone-period holds or after *max_iterations*.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimize.demand import period_labels
from optimize.errors import RosterError
from optimize.periods import PeriodGrid
from optimize.roster import solve_roster
from optimize.roster_result import RosterResult
from optimize.simulation_method import MAX_ATTEMPTS, _reach, pass_on, pooled_server
from optimize.targets import parse_targets
from optimize.verify import cell_estimates, failing_cells, missed_cells, plan_array, plan_frame, simulate_plan

__all__ = ["LoopResult", "plan_hours", "roster_plan", "run_closed_loop"]


@dataclass(frozen=True)
class LoopResult:
    """Where the loop ended.

    *requirements* and *plan* (staff on duty, what was simulated) are
    DataFrames zone x period ``"HH:MM"``; *roster* the last RosterResult (None
    without shifts); *estimates* the last check; *iterations* one row per
    iteration (``iteration, staff_hours, paid_hours, cost, failing, raised,
    roster_status, seconds``); *converged*: every zone-period holds (stuck
    ones aside).
    """

    requirements: pd.DataFrame
    plan: pd.DataFrame
    roster: RosterResult | None
    estimates: pd.DataFrame
    iterations: pd.DataFrame
    converged: bool
    stuck: tuple[tuple[str, str], ...] = field(default=())


def plan_hours(scenario, plan) -> float:
    """Staffed window-hours of a plan over the day."""
    return float(plan_array(scenario, plan).sum() * scenario.period_minutes / 60)


def roster_plan(scenario, requirements, shifts, *, solver: str = "HiGHS", time_limit=None) -> RosterResult:
    """The cheapest roster of *shifts* (a ShiftSpec) covering *requirements* within the windows."""
    grid = PeriodGrid(scenario.open_minute, scenario.close_minute, scenario.period_minutes)
    reqs = plan_frame(scenario, plan_array(scenario, requirements))
    windows = {z.id: z.windows for z in scenario.zones}
    return solve_roster(reqs, shifts, grid, windows=windows, solver=solver, time_limit=time_limit)


def run_closed_loop(scenario, targets, requirements, *, shifts=None, seed: int = 1, replications: int = 30,
                max_iterations: int = 8, confidence: float = 0.95, min_visitors: float = 1.0,
                rule: str = "confident", workers=None, executor=None, solver: str = "HiGHS", time_limit=None,
                on_iteration=None) -> LoopResult:
    """Raise *requirements* (zone x period) until the simulated plan meets *targets* everywhere.

    *shifts*: a ShiftSpec (from :func:`optimize.load_shift_file`) or None.
    Every iteration simulates *replications* days from *seed*. *on_iteration*
    is called with each iteration's row (a dict).
    Raises RosterError if the roster cannot be solved (its diagnosis says why).
    """
    targets = parse_targets(targets)
    caps = np.array([[z.windows] * scenario.n_periods for z in scenario.zones], dtype=np.int64)
    reqs = np.minimum(plan_array(scenario, requirements), caps)
    reach = _reach(scenario, targets)
    zone_ids = list(scenario.zone_ids)
    labels = period_labels(scenario)
    stuck = np.zeros_like(reqs, dtype=bool)
    attempts = np.zeros_like(reqs)
    rows, roster, converged = [], None, False
    for iteration in range(1, max_iterations + 1):
        clock = time.perf_counter()
        if shifts is not None:
            roster = roster_plan(scenario, reqs, shifts, solver=solver, time_limit=time_limit)
            if not roster.solved:
                raise RosterError("no roster covers the requirements with these shifts: "
                                 + "; ".join(roster.diagnosis or (roster.status,)))
            plan = plan_array(scenario, roster.on_duty.reindex(zone_ids))
            # Where the roster cannot cover the requirement (lunch rules against the
            # windows), asking for more there is futile: treat it like a full zone.
            full = plan >= caps
            for u in roster.unmet:
                full[zone_ids.index(u.zone), labels.index(u.period)] = True
        else:
            plan = reqs.copy()
            full = plan >= caps
        results = simulate_plan(scenario, plan, replications=replications, seed=seed, workers=workers,
                                executor=executor)
        estimates = cell_estimates(results, targets, confidence=confidence, min_visitors=min_visitors)
        fails = (failing_cells(estimates, scenario) if rule == "confident" else missed_cells(estimates, scenario)) & ~stuck
        raised = 0
        for z, t in zip(*np.nonzero(fails)):
            z, t = int(z), int(t)
            if not full[z, t]:
                reqs[z, t] = max(reqs[z, t], plan[z, t] + 1)
                raised += 1
                continue
            target_cell = pooled_server(scenario, results, z, t, full)
            if target_cell is None:
                attempts[z, t] += 1
                target_cell = pass_on(scenario, results, z, t, full, reach) if attempts[z, t] <= MAX_ATTEMPTS else None
            if target_cell is None:
                stuck[z, t] = True
                continue
            y, u = target_cell
            reqs[y, u] = max(reqs[y, u], plan[y, u] + 1)
            raised += 1
        row = {"iteration": iteration, "staff_hours": plan_hours(scenario, plan),
               "paid_hours": roster.staff_hours if roster is not None else plan_hours(scenario, plan),
               "cost": roster.cost if roster is not None else plan_hours(scenario, plan),
               "failing": int(fails.sum()), "raised": raised,
               "roster_status": roster.status if roster is not None else "",
               "seconds": round(time.perf_counter() - clock, 3)}
        rows.append(row)
        if on_iteration is not None:
            on_iteration(dict(row))
        if not fails.any():
            converged = True
            break
    stuck &= failing_cells(estimates, scenario)   # a cell given up on may hold in the end
    stuck_cells = tuple((zone_ids[z], labels[t]) for z, t in zip(*np.nonzero(stuck)))
    return LoopResult(plan_frame(scenario, np.minimum(reqs, caps)), plan_frame(scenario, plan), roster, estimates,
                      pd.DataFrame(rows), converged, stuck_cells)
