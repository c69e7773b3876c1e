"""The simulation method: staff per zone and period found by simulating the hall.

An iterative search with common random numbers, in the spirit of the iterative
staffing algorithm of Feldman, Mandelbaum, Massey & Whitt (2008) and of the
simulation-based staffing of Atlason, Epelman & Henderson (2004): every
evaluation simulates the whole hall under one plan for *replications* days
from the same *seed*, so two plans see the same visitors and differ only by
their staffing. A zone-period *holds* when every target holds there with
the stated confidence (see :mod:`optimize.verify`: the one-sided bound, not
just the estimate, meets the target); zone-periods with fewer than
*min_visitors* a day are exempt.

1. Start from an analytic plan (MOL by default) capped at the windows, at
   least one person in any period with demand.
2. **Raise** where the plan misses: each failing zone-period gets one more
   person (two or three when it keeps failing). One already at its windows
   passes the raise to the pooled windows that serve its visitors, else to
   the zone it helps most then (that zone's visitors served at its windows,
   staff it lent on alarm), else to the latest earlier period within reach
   (its backlog); after three such tries, or with nowhere to go, it is
   *stuck*: frozen, reported, and no longer counted.
3. **Lower** where the plan beats the target: when everything holds, lower
   by one a set of zone-periods spaced so that their effects cannot overlap
   within a zone (a change at period t reaches the visitors of t - 1 to
   t + d, d covering two mean service times plus the target wait). A failure
   is charged to the lowered periods within reach in the same zone,
   else to all lowered periods within reach in strongly coupled zones (pooled
   windows, moves on alarm, bundles visited zone by zone), else to the nearest
   earlier lowered period of its zone; charged changes are undone and that
   level becomes the zone-period's floor. Failures nothing explains are
   raised (step 2).
4. When nothing is left to try, *polish*: forget the floors set by undone
   changes and lower again once (the rest of the plan has moved since).
5. Stop when an evaluation with nothing lowered holds everywhere and nothing
   is left to try, or after *max_evaluations*; the answer is always the last
   plan seen to hold everywhere (or the last plan, flagged, if none did).

The result is locally minimal under the seed: lowering any one zone-period
by one was tried and made some zone-period fail.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimize.demand import analytic_requirements, period_labels, serving_zones, zone_demand
from optimize.targets import KINDS, parse_targets
from optimize.verify import cell_estimates, failing_cells, plan_frame, simulate_plan

__all__ = ["SimulationStaffing", "help_given", "help_received", "pass_on", "pooled_server", "simulation_requirements",
           "zone_components"]

MAX_ATTEMPTS = 3  # raises passed on by a zone-period at its windows before it counts as stuck


@dataclass(frozen=True)
class SimulationStaffing:
    """What the simulation method found.

    *requirements*: staff per zone (index) and period (columns ``"HH:MM"``);
    *estimates*: the last evaluation of that plan (see :func:`optimize.verify.cell_estimates`);
    *iterations*: one row per evaluation (``iteration, action, staff_hours,
    failing, lowered, undone, raised, seconds``); *converged*: the plan holds
    everywhere it can (``stuck`` lists zone-periods that miss even with every
    window staffed and their backlog periods full).
    """

    requirements: pd.DataFrame
    estimates: pd.DataFrame
    iterations: pd.DataFrame
    converged: bool
    stuck: tuple[tuple[str, str], ...] = field(default=())


def zone_components(scenario, strong_only: bool = False) -> list[int]:
    """A component number per zone: zones whose queues interact share one (the hall
    topology's couplings: strongly through pooled windows, moves on alarm, bundles
    visited zone by zone and visitors sent on; weakly through kiosks, same-day
    pick-up and the guide desk). *strong_only* joins zones by the strong links alone.
    """
    from sim.topology import hall_topology

    return hall_topology(scenario).components(strong_only)


def help_given(results, zone: str, period: int) -> dict[str, float]:
    """Per other zone: visits of its queues served at *zone*'s windows, plus staff
    *zone* lent it on alarm, per day, in period *period* and the one before."""
    scenario = results.scenario
    P, open_m = scenario.period_minutes, scenario.open_minute
    lo, hi = open_m + (period - 1) * P, open_m + (period + 1) * P
    visits = results.visits
    served = visits[(visits["outcome"] == "served") & (visits["start"] >= lo) & (visits["start"] < hi)]
    at_zone = served["window_zone"].astype(str) == zone
    other = served[at_zone & (served["zone"].astype(str) != zone)]
    counts = other["zone"].astype(str).value_counts().to_dict()
    moves = results.moves
    lent = moves[(moves["kind"] == "move") & (moves["from_zone"].astype(str) == zone)
                 & (moves["time"] >= lo) & (moves["time"] < hi)]
    for to, n in lent["to_zone"].astype(str).value_counts().items():
        counts[to] = counts.get(to, 0) + 10 * n  # a lent person is worth many visits
    return {z: n / results.replications for z, n in counts.items() if n > 0}


def _reach(scenario, targets) -> np.ndarray:
    """Per zone, how many periods after a change its effect is looked for (d)."""
    demand = zone_demand(scenario)
    waits = [t.wait for t in targets if t.wait is not None] or [0.0]
    means = [d.mean_service for d in demand.values() if sum(d.rates) > 0] or [1.0]
    out = []
    for z in scenario.zone_ids:
        d = demand[z]
        mean = d.mean_service if sum(d.rates) > 0 else max(means)
        out.append(math.ceil((2 * mean + max(waits)) / scenario.period_minutes) + 1)
    return np.array(out, dtype=np.int64)


def help_received(results, zone: str, period: int) -> dict[str, float]:
    """Per other zone: visits of *zone*'s queues served at its windows, per day, in period
    *period* and the one before."""
    scenario = results.scenario
    P, open_m = scenario.period_minutes, scenario.open_minute
    lo, hi = open_m + (period - 1) * P, open_m + (period + 1) * P
    visits = results.visits
    served = visits[(visits["outcome"] == "served") & (visits["start"] >= lo) & (visits["start"] < hi)
                    & (visits["zone"].astype(str) == zone)]
    at = served["window_zone"].astype(str)
    counts = at[at != zone].value_counts()
    return {z: n / results.replications for z, n in counts.items()}


def pooled_server(scenario, results, z: int, t: int, full: np.ndarray):
    """The zone whose pooled windows serve zone *z*'s visitors most in period *t* and have
    room (``full`` False), or None."""
    zone_ids = list(scenario.zone_ids)
    servers = serving_zones(scenario)[zone_ids[z]]
    if servers:
        got = help_received(results, zone_ids[z], t)
        for y in sorted(servers, key=lambda y: -got.get(y, 0.0)):
            if not full[zone_ids.index(y), t]:
                return zone_ids.index(y), t
    return None


def pass_on(scenario, results, z: int, t: int, full: np.ndarray, reach: np.ndarray):
    """Where else to add staff for zone-period (z, t) that is full (at its windows, or not
    coverable) and not served by pooled windows with room: the zone it helps most (visits
    served for it, staff lent on alarm), else the latest earlier period within reach that
    has room, its own or its pooled windows'; None when there is nowhere."""
    zone_ids = list(scenario.zone_ids)
    helped = help_given(results, zone_ids[z], t)
    for other, n in sorted(helped.items(), key=lambda kv: -kv[1]):
        if n >= 0.5 and other in zone_ids and not full[zone_ids.index(other), t]:
            return zone_ids.index(other), t
    backlog = [z] + [zone_ids.index(y) for y in serving_zones(scenario)[zone_ids[z]]]
    for u in range(t - 1, max(-1, t - reach[z] - 1), -1):
        for y in backlog:
            if not full[y, u]:
                return y, u
    return None


class _Search:
    """State of the search: plan, floors, caps, and the bookkeeping of steps 2-3."""

    def __init__(self, scenario, start, min_staff, reach, components):
        self.scenario = scenario
        Z, T = start.shape
        self.caps = np.array([[z.windows] * T for z in scenario.zones], dtype=np.int64)
        demand = zone_demand(scenario)
        has_demand = np.array([[r > 0 for r in demand[z].rates] for z in scenario.zone_ids])
        self.floor = np.minimum(np.where(has_demand, np.maximum(min_staff, 1), min_staff), self.caps)
        self.base_floor = self.floor.copy()
        self.plan = np.clip(start, self.floor, self.caps)
        self.reach = reach
        self.component = np.asarray(components)
        self.streak = np.zeros((Z, T), dtype=np.int64)
        self.stuck = np.zeros((Z, T), dtype=bool)
        self.attempts = np.zeros((Z, T), dtype=np.int64)

    def pick_lowering(self, slack: np.ndarray) -> list[tuple[int, int]]:
        """Zone-periods to lower together: above their floor, most slack first, spaced per zone."""
        Z, T = self.plan.shape
        chosen = []
        for z in range(Z):
            gap = self.reach[z] + 2
            candidates = [t for t in range(T) if self.plan[z, t] > self.floor[z, t]]
            candidates.sort(key=lambda t: (-slack[z, t], t))
            taken: list[int] = []
            for t in candidates:
                if all(abs(t - u) >= gap for u in taken):
                    taken.append(t)
            chosen += [(z, t) for t in sorted(taken)]
        return chosen

    def charge(self, fails: np.ndarray, lowered: list[tuple[int, int]]):
        """Split failures into lowered cells to undo and failures nothing lowered explains."""
        undo: set[tuple[int, int]] = set()
        unexplained: list[tuple[int, int]] = []
        by_zone: dict[int, list[int]] = {}
        for z, t in lowered:
            by_zone.setdefault(z, []).append(t)
        for z, t in zip(*np.nonzero(fails)):
            z, t = int(z), int(t)
            near = [u for u in by_zone.get(z, []) if t - self.reach[z] - 1 <= u <= t + 1]
            if near:
                undo.update((z, u) for u in near)
                continue
            coupled = [(y, u) for y, us in by_zone.items() for u in us
                       if y != z and self.component[y] == self.component[z]
                       and t - self.reach[y] - 1 <= u <= t + 1]
            if coupled:
                undo.update(coupled)
                continue
            far = [u for u in by_zone.get(z, []) if u <= t + 1]
            if far:
                undo.add((z, max(far)))
                continue
            unexplained.append((z, t))
        return sorted(undo), unexplained

    def _bump(self, z: int, t: int, step: int, proven: bool) -> None:
        if proven:  # this level was seen to fail
            self.floor[z, t] = max(self.floor[z, t], self.plan[z, t] + 1)
        self.plan[z, t] = min(self.plan[z, t] + step, self.caps[z, t])

    def raise_cells(self, cells, results) -> int:
        """Raise each failing cell; at its windows, the zones it helps, then its backlog periods."""
        raised = 0
        for z, t in cells:
            self.streak[z, t] += 1
            if self.plan[z, t] < self.caps[z, t]:
                self._bump(z, t, int(min(self.streak[z, t], 3)), proven=True)
                raised += 1
                continue
            server = pooled_server(self.scenario, results, z, t, self.plan >= self.caps)
            if server is not None:  # the pooled windows are this zone's servers: a plain raise
                self._bump(server[0], server[1], 1, proven=False)
                raised += 1
                continue
            self.attempts[z, t] += 1
            if self.attempts[z, t] <= MAX_ATTEMPTS:
                cell = pass_on(self.scenario, results, z, t, self.plan >= self.caps, self.reach)
                if cell is not None:
                    self._bump(cell[0], cell[1], 1, proven=False)
                    raised += 1
                    continue
            # nothing left to try: freeze it and the periods that feed its backlog
            self.stuck[z, t] = True
            lo = max(0, t - self.reach[z] - 1)
            self.floor[z, lo:t + 1] = self.plan[z, lo:t + 1]
        return raised


def _slack(estimates: pd.DataFrame, scenario) -> np.ndarray:
    """Zones x periods: the smallest margin by which the one-sided bound beats a target (scaled)."""
    margin = np.empty(len(estimates))
    bound, required = estimates["bound"].to_numpy(float), estimates["required"].to_numpy(float)
    for kind, rows in estimates.groupby("kind").indices.items():
        margin[rows] = KINDS[kind].margin(bound[rows], required[rows])
    frame = estimates.assign(margin=np.nan_to_num(margin, nan=1.0))
    table = frame.groupby(["zone", "start"], sort=False)["margin"].min().unstack("start")
    return table.reindex(index=list(scenario.zone_ids), columns=period_labels(scenario)).to_numpy(float)


def simulation_requirements(scenario, targets, *, start="mol", replications: int = 30, seed: int = 0,
                            confidence: float = 0.95, min_visitors: float = 1.0, min_staff: int = 0,
                            max_evaluations: int = 60, polish: int = 1, workers=None, executor=None,
                            on_iteration=None) -> SimulationStaffing:
    """Staff per zone and period that meets *targets* in the simulated hall (see the module doc).

    *scenario*: a ``sim.Scenario`` (its own staffing is ignored); *targets*: text
    or :class:`~optimize.Target` objects, all required in every zone-period;
    *start*: ``"sipp"``, ``"lag"``, ``"mol"`` or a plan (DataFrame zone x period).
    *replications* days per evaluation, all from *seed* (common random numbers);
    *min_staff* in every period (plus one wherever the zone has demand);
    *polish* extra rounds of lowering that retry what was undone before.
    *on_iteration* is called with each iteration's row (a dict).
    """
    targets = parse_targets(targets)
    if isinstance(start, str):
        start_plan = analytic_requirements(scenario, targets, start).to_numpy(np.int64)
    else:
        start_plan = np.array([[int(v) for v in start.loc[z]] for z in scenario.zone_ids], dtype=np.int64)
    search = _Search(scenario, start_plan, min_staff, _reach(scenario, targets),
                     zone_components(scenario, strong_only=True))
    hours = scenario.period_minutes / 60
    rows: list[dict] = []
    best: tuple | None = None
    lowered: list[tuple[int, int]] = []
    rounds_left = polish
    slack = np.zeros_like(search.plan, dtype=float)
    last = None
    for iteration in range(1, max_evaluations + 1):
        clock = time.perf_counter()
        trial = search.plan.copy()
        for z, t in lowered:
            trial[z, t] -= 1
        results = simulate_plan(scenario, trial, replications=replications, seed=seed, workers=workers,
                                executor=executor)
        estimates = cell_estimates(results, targets, confidence=confidence, min_visitors=min_visitors)
        fails = failing_cells(estimates, scenario) & ~search.stuck
        undo, unexplained = search.charge(fails, lowered)
        search.plan = trial
        for z, t in undo:
            search.plan[z, t] += 1
            search.floor[z, t] = search.plan[z, t]
        raised = search.raise_cells(unexplained, results)
        search.streak[~fails] = 0
        row = {"iteration": iteration, "action": "lower" if lowered else "evaluate",
               "staff_hours": float(trial.sum() * hours), "failing": int(fails.sum()),
               "lowered": len(lowered), "undone": len(undo), "raised": raised,
               "seconds": round(time.perf_counter() - clock, 3)}
        rows.append(row)
        if on_iteration is not None:
            on_iteration(dict(row))
        if not fails.any():
            best = (trial.copy(), estimates)
            slack = _slack(estimates, scenario)
        last = (trial.copy(), estimates)
        # After a raise, evaluate the repaired plan before lowering anything; after undoing
        # lowered cells only, the plan holds (more staff never hurts) and the search goes on.
        lowered = [] if unexplained else search.pick_lowering(slack)
        if not fails.any() and not lowered and rounds_left > 0:
            # Polish: what was undone earlier may pass now that the rest of the plan changed.
            rounds_left -= 1
            search.floor = np.where(search.stuck, search.floor, search.base_floor)
            lowered = search.pick_lowering(slack)
        if not fails.any() and not lowered:
            break
    converged = best is not None and not fails.any() and not lowered
    chosen = best if best is not None else last
    assert chosen is not None  # max_evaluations >= 1
    plan, estimates = chosen
    labels = period_labels(scenario)
    holds = ~failing_cells(estimates, scenario)   # a cell given up on may hold in the end
    stuck = tuple((scenario.zone_ids[z], labels[t]) for z, t in zip(*np.nonzero(search.stuck & ~holds)))
    return SimulationStaffing(plan_frame(scenario, plan), estimates, pd.DataFrame(rows), converged, stuck)
