"""The closed loop: requirements -> roster -> simulate -> check -> raise -> solve again,
then (with shift patterns, optionally) a cost descent.

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
reported as stuck. It stops when every zone-period holds or after
*max_iterations*.

Raising alone never lowers the roster's cost, and a requirement optimized
period by period is stricter than needed once the roster's shifts add
surplus around it. With *descent* (and shifts) the loop then lowers the
requirement where the roster holds with room to spare and keeps a cheaper
roster only if the simulation shows it holding everywhere: see
:mod:`optimize.descent`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimize.demand import period_labels, zone_demand
from optimize.errors import RosterError
from optimize.periods import PeriodGrid
from optimize.roster import solve_roster
from optimize.roster_model import DEFAULT_SOLVER
from optimize.roster_result import RosterResult
from optimize.simulation_method import MAX_ATTEMPTS, _reach, pass_on, pooled_server
from optimize.targets import parse_targets
from optimize.verify import cell_estimates, failing_cells, missed_cells, plan_array, plan_frame, simulate_plan

__all__ = ["ITERATION_COLUMNS", "LoopResult", "plan_hours", "roster_plan", "run_closed_loop", "solved_roster"]

ITERATION_COLUMNS = ["iteration", "kind", "staff_hours", "paid_hours", "cost", "failing", "raised", "lowered",
                     "accepted", "simulations", "roster_status", "seconds"]


@dataclass(frozen=True)
class LoopResult:
    """Where the loop ended.

    *requirements* and *plan* (staff on duty, what was simulated) are
    DataFrames zone x period ``"HH:MM"``; *roster* the last RosterResult (None
    without shifts); *estimates* the last check; *iterations* one row per
    iteration (``iteration, kind, staff_hours, paid_hours, cost, failing,
    raised, lowered, accepted, roster_status, seconds``; *kind* ``raise`` or
    ``descent``, *accepted* whether its roster became the loop's plan,
    *failing* empty for a descent step whose roster was not cheaper and so
    not simulated); *converged*: every zone-period holds (stuck ones aside).
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


def roster_plan(scenario, requirements, shifts, *, solver: str = DEFAULT_SOLVER, time_limit=None) -> RosterResult:
    """The cheapest roster of *shifts* (a ShiftSpec) covering *requirements* within the windows."""
    grid = PeriodGrid(scenario.open_minute, scenario.close_minute, scenario.period_minutes)
    reqs = plan_frame(scenario, plan_array(scenario, requirements))
    windows = {z.id: z.windows for z in scenario.zones}
    return solve_roster(reqs, shifts, grid, windows=windows, solver=solver, time_limit=time_limit)


def solved_roster(scenario, requirements, shifts, *, solver: str = DEFAULT_SOLVER, time_limit=None) -> RosterResult:
    """:func:`roster_plan`, or RosterError saying why no roster covers *requirements*."""
    roster = roster_plan(scenario, requirements, shifts, solver=solver, time_limit=time_limit)
    if not roster.solved:
        raise RosterError("no roster covers the requirements with these shifts: "
                          + "; ".join(roster.diagnosis or (roster.status,)))
    return roster


@dataclass
class Trial:
    """One plan of the loop: the requirement it was built for, its roster (or None), the
    staff on duty, which zone-periods are full (at the windows or not coverable), and,
    once simulated, the results and estimates."""

    reqs: np.ndarray
    roster: RosterResult | None
    plan: np.ndarray
    full: np.ndarray
    hours: float
    results: object = None
    estimates: pd.DataFrame | None = None
    holdout: pd.DataFrame | None = None     # estimates on the hold-out days, when simulated
    simulations: int = 0

    @property
    def cost(self) -> float:
        return float(self.roster.cost) if self.roster is not None else self.hours

    @property
    def paid_hours(self) -> float:
        return float(self.roster.staff_hours) if self.roster is not None else self.hours


class LoopHall:
    """The fixed inputs of a closed loop and its two operations: roster a requirement, simulate a plan."""

    def __init__(self, scenario, targets, *, shifts, seed, replications, confidence, min_visitors, rule,
                 workers, executor, solver, time_limit, holdout_seed=None):
        self.scenario, self.targets, self.shifts = scenario, parse_targets(targets), shifts
        self.seed, self.replications, self.holdout_seed = seed, replications, holdout_seed
        self.confidence, self.min_visitors, self.rule = confidence, min_visitors, rule
        self.workers, self.executor, self.solver, self.time_limit = workers, executor, solver, time_limit
        self.caps = np.array([[z.windows] * scenario.n_periods for z in scenario.zones], dtype=np.int64)
        self.reach = _reach(scenario, self.targets)
        self.zone_ids = list(scenario.zone_ids)
        self.labels = period_labels(scenario)
        demand = zone_demand(scenario)
        has_demand = np.array([[r > 0 for r in demand[z].rates] for z in scenario.zone_ids])
        self.least = np.minimum(has_demand.astype(np.int64), self.caps)   # one person wherever there is demand

    def plan_for(self, reqs: np.ndarray) -> Trial:
        """The roster (or the requirement itself without shifts) for *reqs*."""
        scenario = self.scenario
        if self.shifts is None:
            plan = reqs.copy()
            return Trial(reqs.copy(), None, plan, plan >= self.caps, plan_hours(scenario, plan))
        roster = solved_roster(scenario, reqs, self.shifts, solver=self.solver, time_limit=self.time_limit)
        plan = plan_array(scenario, roster.on_duty.reindex(self.zone_ids))
        # Where the roster cannot cover the requirement (lunch rules against the
        # windows), asking for more there is futile: treat it like a full zone.
        full = plan >= self.caps
        for u in roster.unmet:
            full[self.zone_ids.index(u.zone), self.labels.index(u.period)] = True
        return Trial(reqs.copy(), roster, plan, full, plan_hours(scenario, plan))

    def simulate(self, trial: Trial) -> Trial:
        """Simulate *trial*'s plan on the loop's days."""
        trial.results = simulate_plan(self.scenario, trial.plan, replications=self.replications, seed=self.seed,
                                      workers=self.workers, executor=self.executor)
        trial.estimates = cell_estimates(trial.results, self.targets, confidence=self.confidence,
                                         min_visitors=self.min_visitors)
        trial.simulations += 1
        return trial

    def simulate_holdout(self, trial: Trial) -> Trial:
        """Simulate *trial*'s plan on the hold-out days (seed *holdout_seed*)."""
        results = simulate_plan(self.scenario, trial.plan, replications=self.replications, seed=self.holdout_seed,
                                workers=self.workers, executor=self.executor)
        trial.holdout = cell_estimates(results, self.targets, confidence=self.confidence,
                                       min_visitors=self.min_visitors)
        trial.simulations += 1
        return trial

    def failing(self, trial: Trial, estimates=None) -> np.ndarray:
        """Zone-periods where the targets do not hold by the loop's rule (on the loop's days,
        or in *estimates*)."""
        estimates = trial.estimates if estimates is None else estimates
        if self.rule == "confident":
            return failing_cells(estimates, self.scenario)
        return missed_cells(estimates, self.scenario)

    def check(self, trial: Trial, stuck: np.ndarray, excused: np.ndarray | None = None) -> np.ndarray:
        """Simulate *trial* on the loop's days and, if it holds there and there is a hold-out
        seed, on the hold-out days too; the zone-periods that fail (not *stuck*, and on the
        hold-out days not *excused* either)."""
        fails = self.failing(self.simulate(trial)) & ~stuck
        if not fails.any() and self.holdout_seed is not None:
            excused = stuck if excused is None else stuck | excused
            fails = self.failing(trial, self.simulate_holdout(trial).holdout) & ~excused
        return fails

    def row(self, iteration: int, kind: str, trial: Trial, *, failing, raised: int = 0, lowered: int = 0,
            accepted: bool = True, seconds: float = 0.0) -> dict:
        return {"iteration": iteration, "kind": kind, "staff_hours": trial.hours, "paid_hours": trial.paid_hours,
                "cost": trial.cost, "failing": failing, "raised": raised, "lowered": lowered,
                "accepted": accepted, "simulations": trial.simulations,
                "roster_status": trial.roster.status if trial.roster is not None else "",
                "seconds": round(seconds, 3)}


class _RaiseState:
    """What the raising loop carries: the requirement, zone-periods given up on, passes tried,
    and the levels a simulation proved needed (one more than the staff that failed)."""

    def __init__(self, reqs):
        self.reqs = reqs
        self.stuck = np.zeros_like(reqs, dtype=bool)
        self.attempts = np.zeros_like(reqs)
        self.proven = np.zeros_like(reqs)


def _keep(hall, stuck, plan) -> np.ndarray:
    """A zone-period given up on keeps its staff and that of the periods feeding its backlog."""
    keep = np.zeros_like(plan)
    for z, t in zip(*np.nonzero(stuck)):
        lo = max(0, t - hall.reach[z] - 1)
        keep[z, lo:t + 1] = plan[z, lo:t + 1]
    return keep


def _raise(hall, state, max_iterations, record):
    """Raise *state*'s requirement until its plan holds everywhere; returns (last Trial, converged)."""
    scenario, reqs = hall.scenario, state.reqs
    trial = None
    for iteration in range(1, max_iterations + 1):
        clock = time.perf_counter()
        trial = hall.simulate(hall.plan_for(reqs))
        fails = hall.failing(trial) & ~state.stuck
        plan, full, results = trial.plan, trial.full, trial.results
        raised = 0
        for z, t in zip(*np.nonzero(fails)):
            z, t = int(z), int(t)
            if not full[z, t]:
                reqs[z, t] = max(reqs[z, t], plan[z, t] + 1)
                state.proven[z, t] = max(state.proven[z, t], plan[z, t] + 1)
                raised += 1
                continue
            target_cell = pooled_server(scenario, results, z, t, full)
            if target_cell is None:
                state.attempts[z, t] += 1
                target_cell = (pass_on(scenario, results, z, t, full, hall.reach)
                               if state.attempts[z, t] <= MAX_ATTEMPTS else None)
            if target_cell is None:
                state.stuck[z, t] = True
                continue
            y, u = target_cell
            reqs[y, u] = max(reqs[y, u], plan[y, u] + 1)
            raised += 1
        record(hall.row(iteration, "raise", trial, failing=int(fails.sum()), raised=raised,
                        seconds=time.perf_counter() - clock))
        if not fails.any():
            return trial, True
    return trial, False


def run_closed_loop(scenario, targets, requirements, *, shifts=None, seed: int = 1, replications: int = 30,
                    max_iterations: int = 8, confidence: float = 0.95, min_visitors: float = 1.0,
                    rule: str = "confident", workers=None, executor=None, solver: str = DEFAULT_SOLVER, time_limit=None,
                    descent: bool = False, max_descent: int = 20, holdout_seed=None,
                    on_iteration=None) -> LoopResult:
    """Raise *requirements* (zone x period) until the simulated plan meets *targets* everywhere.

    *shifts*: a ShiftSpec (from :func:`optimize.load_shift_file`) or None.
    Every iteration simulates *replications* days from *seed*. With *descent*
    and *shifts*, once the plan holds everywhere, at most *max_descent*
    simulations of descent steps look for a cheaper roster that still holds
    (see :mod:`optimize.descent`); with *holdout_seed* a cheaper roster must
    also hold on the days of that seed (zone-periods where the loop's roster
    itself does not hold there excused). *on_iteration* is called with each iteration's
    row (a dict). Raises RosterError if the roster cannot be solved (its
    diagnosis says why).
    """
    hall = LoopHall(scenario, targets, shifts=shifts, seed=seed, replications=replications, confidence=confidence,
                    min_visitors=min_visitors, rule=rule, workers=workers, executor=executor, solver=solver,
                    time_limit=time_limit, holdout_seed=holdout_seed)
    caps = hall.caps
    zone_ids, labels = hall.zone_ids, hall.labels
    rows = []

    def record(row):
        rows.append(row)
        if on_iteration is not None:
            on_iteration(dict(row))

    state = _RaiseState(np.minimum(plan_array(scenario, requirements), caps))
    trial, converged = _raise(hall, state, max_iterations, record)
    reqs, stuck = state.reqs, state.stuck
    if converged and descent and shifts is not None and max_descent > 0:
        from optimize.descent import descend

        excused = np.zeros_like(stuck)
        if holdout_seed is not None:
            # zone-periods the loop's roster itself does not hold on the hold-out days (next to
            # a stuck one, usually) are not held against a cheaper roster there - but keep their staff
            excused = hall.failing(trial, hall.simulate_holdout(trial).holdout) & ~stuck
        keep = _keep(hall, stuck | excused, trial.plan)
        floor = np.minimum(np.maximum.reduce([hall.least, np.minimum(state.proven, caps), keep]), caps)
        trial = descend(hall, trial, floor=floor, stuck=stuck, excused=excused, max_descent=max_descent,
                        record=record, first_iteration=len(rows) + 1)
        reqs = trial.reqs
    stuck &= failing_cells(trial.estimates, scenario)   # a cell given up on may hold in the end
    stuck_cells = tuple((zone_ids[z], labels[t]) for z, t in zip(*np.nonzero(stuck)))
    table = pd.DataFrame(rows, columns=ITERATION_COLUMNS).astype({"failing": "Int64"})
    return LoopResult(plan_frame(scenario, np.minimum(reqs, caps)), plan_frame(scenario, trial.plan),
                      trial.roster, trial.estimates, table, converged, stuck_cells)
