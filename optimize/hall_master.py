"""One roster master for the whole hall, for shifts whose zones' rosters interact.

When staff are shared - pools of multi-skilled staff placed period by period in any of their
zones (comprehensive windows), a headcount over the hall, minimum staff per zone - the
hall's cheapest roster is not each zone's cheapest roster, so the zones cannot each get a
master of their own (:func:`optimize.exact_staffing.solve_exact`). This master is the
roster program of :func:`optimize.roster.roster_program` (shift variants with their lunch
choice, the pools' placements, windows, minimum staff, headcount) with each modelled zone's
staff on duty written in unary, as in :mod:`optimize.exact_staffing`:

    lv[z, t, k] in {0, 1}, k = 1..windows   lv[z, t, k] = 1 iff zone z has >= k on duty in t
    link:   on_duty[z, t] = sum_k lv[z, t, k]
    order:  lv[z, t, k] <= lv[z, t, k - 1]
    low:    sum_k lv[z, t, k] >= L[z, t]       (the zone model's proven lower bounds, the floor)
    cut:    sum_{(u, k) in support} lv[z, u, k] >= 1    (per zone, failing plan and period)

minimising the shifts' cost. The answer's staff on duty is judged by each zone's model where
it lives (the :class:`~optimize.zone_pool.ZonePool` workers, in parallel), and every failing
period of every zone gets a strengthened cut (:func:`optimize.exact_staffing.strengthened_cut`,
valid where a zone's performance only improves with its own staff, earlier staff included:
every model :attr:`~optimize.exact_staffing.ZoneEvaluator.monotone`). Then each solve's
optimum is a lower bound on every roster the zones' models pass; when the answer passes in
every zone it is the cheapest such roster (proven); when the bound reaches the incumbent's
cost, the incumbent is. Where some model is not monotone (patience shorter than the service,
or ``own_visitor``), the cuts only steer the search and the bound is the first, cut-free
solve's.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from optimize import roster_model as rm
from optimize.closed_loop import roster_plan
from optimize.exact_staffing import MAX_CUTS_PER_ITERATION, strengthened_cut
from optimize.periods import PeriodGrid
from optimize.roster import roster_program
from optimize.verify import plan_array

__all__ = ["HallMasterAnswer", "hall_master"]

@dataclass(frozen=True)
class HallMasterAnswer:
    """*coverage*: staff on duty (zones x periods) of the cheapest passing roster found (the
    incumbent's if none cheaper); *cost*: its cost; *lower_bound*: no roster the models pass
    costs less; *proven*: the bound meets the cost; *solves*: integer programs solved;
    *cuts*: cuts added."""

    coverage: np.ndarray
    cost: float
    lower_bound: float
    proven: bool
    solves: int
    cuts: int


def _zone_cuts(ev, row) -> list[list[tuple[int, int]]]:
    """The strengthened cuts of the periods where *row* (one zone's staff on duty) fails the
    zone's corrected model, run where the model lives; empty when it passes everywhere."""
    row = np.asarray(row, dtype=np.int64)
    return [strengthened_cut(row, int(t), ev.windows, ev.check, ev.horizon, ev.T)
            for t in _failing(ev, row)[:MAX_CUTS_PER_ITERATION]]


def _monotone(ev) -> bool:
    return bool(ev.monotone)


def _failing(ev, row) -> np.ndarray:
    """The periods where *row* fails the zone's corrected model (run where the model lives)."""
    return np.nonzero(~ev(np.asarray(row, dtype=np.int64)))[0]


def hall_master(scenario, pool, lowest: np.ndarray, incumbent: tuple[float, np.ndarray], shifts, *,
                solver: str, time_limit: float | None, iterations: int, seconds: float) -> HallMasterAnswer:
    """The hall's roster master (see the module docstring), for at most *iterations* solves or
    *seconds* (a safety limit); *pool*: the zones' models (a ZonePool of ZoneEvaluators, keyed
    by zone index); *lowest*: the fewest staff per zone-period (zones x periods: the floor,
    raised to the models' proven lower bounds); *incumbent*: (cost, staff on duty) of a roster
    the models pass; *time_limit* (seconds) per solve."""
    started = time.perf_counter()
    zones = list(scenario.zone_ids)
    T = scenario.n_periods
    grid = PeriodGrid(scenario.open_minute, scenario.close_minute, scenario.period_minutes)
    windows = {z.id: z.windows for z in scenario.zones}
    modelled = sorted(pool.zones)
    cuts: dict[int, list[list[tuple[int, int]]]] = {z: [] for z in modelled}
    best_cost, best = float(incumbent[0]), np.asarray(incumbent[1], dtype=np.int64)
    lower_bound, solves = -math.inf, 0
    monotone = all(pool.each(_monotone).values())
    while solves < iterations and time.perf_counter() - started < seconds:
        # built afresh each solve, each zone's cuts together: the order of the rows steers
        # HiGHS among equally cheap answers, and the measured runs were made with this order
        program = roster_program({zone: [0] * T for zone in zones}, shifts, grid, windows=windows)
        if program.problems:
            break
        prob: Any = program.prob        # a pulp.LpProblem once the program is built
        keys = [(z, t, k) for z in modelled for t in range(T) for k in range(1, windows[zones[z]] + 1)]
        lv = rm.integer_vars(prob, "lv", keys, upper=1)
        for z, zone in enumerate(zones):
            for t in range(T):
                duty = program.on_duty(zone, t)
                if z not in cuts:           # no model (no visitors or no windows): its floor only
                    if lowest[z, t] > 0:
                        prob += (duty >= int(lowest[z, t]), f"floor_{z}_{t}")
                    continue
                top = windows[zone]
                level = rm.linear_sum([lv[z, t, k] for k in range(1, top + 1)])
                prob += (duty - level == 0, f"link_{z}_{t}")
                for k in range(2, top + 1):
                    prob += (lv[z, t, k] <= lv[z, t, k - 1], f"order_{z}_{t}_{k}")
                if lowest[z, t] > 0:
                    prob += (level >= int(min(lowest[z, t], top)), f"low_{z}_{t}")
        for z, zone_cuts in cuts.items():
            for i, cut in enumerate(zone_cuts):
                prob += (rm.linear_sum([lv[z, u, k] for u, k in cut]) >= 1, f"cut_{z}_{i}")
        prob += program.paid_cost()
        status = rm.solve(prob, solver, time_limit)
        solves += 1
        if status != "optimal":
            break
        master = float(rm.value(prob.objective))
        if monotone or not any(cuts.values()):      # every cut valid, or none yet: a bound
            lower_bound = master
        if master >= best_cost - 1e-9:
            break
        duty = np.array([[int(round(rm.value(program.on_duty(zone, t)))) for t in range(T)] for zone in zones],
                        dtype=np.int64)
        found = pool.map(_zone_cuts, {z: (duty[z],) for z in modelled})
        if not any(found.values()):
            best_cost, best = master, duty              # passes everywhere: the cheapest (if monotone)
            break
        if any(not cut for zone_cuts in found.values() for cut in zone_cuts):
            break                                       # beyond reach even at every window: none passes
        for z, zone_cuts in found.items():
            cuts[z].extend(zone_cuts)
        repaired = _repair(scenario, pool, duty, shifts, solver, time_limit, best_cost)
        if repaired is not None:
            best_cost, best = repaired
    return HallMasterAnswer(best, best_cost, min(lower_bound, best_cost), lower_bound >= best_cost - 1e-9,
                            solves, sum(len(c) for c in cuts.values()))


def _repair(scenario, pool, duty: np.ndarray, shifts, solver: str, time_limit: float | None, ceiling: float,
            rounds: int = 10) -> tuple[float, np.ndarray] | None:
    """A roster the models pass near the staff on duty *duty* and cheaper than *ceiling*:
    where a zone fails, its requirement goes one above what the roster put there, and the
    hall is rostered again (as :func:`optimize.exact_staffing._repair_roster` does for one
    zone); (cost, staff on duty), or None if *rounds* do not find one. Requirements only
    rise, so a roster that reaches the ceiling ends the search."""
    windows = np.array([[z.windows] * scenario.n_periods for z in scenario.zones], dtype=np.int64)
    need = duty.copy()
    for _ in range(rounds):
        roster = roster_plan(scenario, need, shifts, solver=solver, time_limit=time_limit)
        if not roster.solved or roster.unmet or roster.cost >= ceiling - 1e-9:
            return None
        cover = plan_array(scenario, roster.on_duty.reindex(list(scenario.zone_ids)))
        failing = pool.map(_failing, {z: (cover[z],) for z in pool.zones})
        if not any(len(ts) for ts in failing.values()):
            return float(roster.cost), cover
        for z, ts in failing.items():
            need[z, ts] = np.minimum(cover[z, ts] + 1, windows[z, ts])
    return None
