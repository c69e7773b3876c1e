"""``optimize_staffing``: requirements, roster, closed loop, fresh verification and baselines.

With ``method="calibrated"`` (the default) the search of :mod:`optimize.calibrated_method`
(exact zone models calibrated by simulation, the roster made lean against them) replaces
steps 1-2 below; steps 3 on are the same. With the other methods:

1. Requirements per zone and period by *method*: ``sipp``, ``lag`` or ``mol``
   (analytic, see :mod:`optimize.demand`), or ``simulation``
   (:mod:`optimize.simulation_method`, seed *seed*).
2. The closed loop (:mod:`optimize.closed_loop`, seed *seed* + 1): roster (with
   shift patterns) or the requirements themselves, simulated and checked,
   requirements raised where a target does not hold with confidence, until
   every zone-period holds or *max_iterations*. Its seed differs from the
   search's, so it is also a hold-out check of what the search found. With
   shift patterns and *descent*, then a cost descent (:mod:`optimize.descent`):
   cheaper rosters kept only if they hold on the loop's days and on the
   search's.
3. A fresh verification (seed *seed* + 2) of the final plan and of the
   baselines (SIPP and flat, :mod:`optimize.baselines`), all on the same days.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from optimize.baselines import flat_plan, sipp_plan
from optimize.calibrated_method import (
    DEFAULT_ADAPTIVE_ROUNDS,
    DEFAULT_BOUND_ITERATIONS,
    DEFAULT_MASTER_ITERATIONS,
    DEFAULT_MASTER_ROUNDS,
    calibrated_staffing,
)
from optimize.closed_loop import plan_hours, run_closed_loop, solved_roster
from optimize.demand import analytic_requirements, period_labels
from optimize.methods import DEFAULT_METHOD, METHODS
from optimize.roster_model import DEFAULT_SOLVER
from optimize.roster_result import RosterResult
from optimize.simulation_method import simulation_requirements
from optimize.targets import Target, parse_targets
from optimize.verify import compliance, plan_array, plan_frame, verify_plan

__all__ = ["METHODS", "StaffingResult", "optimize_staffing"]

BASELINE_COLUMNS = ["plan", "staff_hours", "paid_hours", "cost", "met", "borderline", "missed", "exempt",
                    "confident", "share_met", "worst", "roster"]


@dataclass(frozen=True, eq=False)
class StaffingResult:
    """The outcome of :func:`optimize_staffing`.

    *requirements* and *plan* are DataFrames zone x period ``"HH:MM"``: what
    each zone-period needs, and the staff on duty under the final plan (the
    roster's coverage with shifts, else the requirements); *roster* is the
    RosterResult or None; *verification* the fresh check of *plan* (see
    :func:`optimize.verify.cell_estimates`); *iterations* one row per
    simulation of the search and step of the loop (``stage`` says which; the
    loop's ``kind`` is ``raise`` or ``descent``);
    *baselines* a table of the optimized, SIPP and flat plans side by side
    (``plan, staff_hours, paid_hours, cost, met, borderline, missed, exempt,
    confident, share_met, worst`` - the lowest service level achieved in a
    zone-period - and ``roster``, its status), with *baseline_plans* and
    *baseline_verifications* by plan name; *stuck* lists zone-periods that no
    staffing within the windows could fix; *seconds* the time per stage.
    """

    scenario: object
    targets: tuple[Target, ...]
    method: str
    requirements: pd.DataFrame
    plan: pd.DataFrame
    roster: RosterResult | None
    verification: pd.DataFrame
    iterations: pd.DataFrame
    baselines: pd.DataFrame
    baseline_plans: dict = field(default_factory=dict)
    baseline_verifications: dict = field(default_factory=dict)
    converged: bool = True
    stuck: tuple[tuple[str, str], ...] = ()
    seeds: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    lower_bound: float = float("nan")
    expected_misses: float = float("nan")
    miss_probability: pd.DataFrame | None = None
    stuck_reasons: tuple[str, ...] = ()
    simulations: int = 0

    @property
    def gap(self) -> float:
        """(cost - lower bound) / cost: how far the answer may be from the cheapest plan the
        calibrated models accept (NaN without a bound: methods other than ``calibrated``)."""
        if not np.isfinite(self.lower_bound) or self.cost <= 0:
            return float("nan")
        return max(0.0, (self.cost - self.lower_bound) / self.cost)

    @property
    def staffing(self) -> pd.DataFrame:
        """The plan in long format for ``staffing.csv``: ``zone, start, staff``."""
        long = self.plan.stack().rename("staff").reset_index()
        long.columns = ["zone", "start", "staff"]
        return long.astype({"staff": int})

    @property
    def staff_hours(self) -> float:
        """Paid hours of the roster, or staffed window-hours of the per-period plan."""
        return float(self.roster.staff_hours) if self.roster is not None else plan_hours(self.scenario, self.plan)

    @property
    def cost(self) -> float:
        """The roster's cost, or the plan's staff-hours (one unit per hour) without shifts."""
        return float(self.roster.cost) if self.roster is not None else self.staff_hours

    def compliance(self) -> dict:
        """Zone-periods met, borderline, missed and exempt in the fresh verification."""
        return compliance(self.verification)


def _say(progress, text: str) -> None:
    if progress is True:
        print(text, file=sys.stderr, flush=True)
    elif callable(progress):
        progress(text)


def _plan_for(scenario, requirements, shifts, solver, time_limit):
    if shifts is None:
        return requirements, None
    roster = solved_roster(scenario, requirements, shifts, solver=solver, time_limit=time_limit)
    return roster.on_duty.reindex(list(scenario.zone_ids)), roster


def _baseline_row(name, scenario, plan, roster, verification) -> dict:
    c = compliance(verification)
    judged = verification[verification["status"] != "exempt"]
    levels = judged[judged["kind"] == "service_level"]["achieved"]
    hours = plan_hours(scenario, plan)
    return {"plan": name, "staff_hours": hours,
            "paid_hours": roster.staff_hours if roster is not None else hours,
            "cost": roster.cost if roster is not None else hours,
            **{k: c[k] for k in ("met", "borderline", "missed", "exempt", "confident", "share_met")},
            "worst": float(levels.min()) if len(levels) else np.nan,
            "roster": roster.status if roster is not None else ""}


def optimize_staffing(scenario, targets, method: str = DEFAULT_METHOD, shifts=None, *, seed: int = 0,
                      replications: int = 30, verify_replications: int | None = None,
                      max_iterations: int = 8, max_evaluations: int = 60, confidence: float = 0.95,
                      min_visitors: float = 1.0, baselines: bool = True, workers=None, executor=None,
                      solver: str = DEFAULT_SOLVER, time_limit: float | None = 120, loop_rule: str = "confident",
                      descent: bool = True, max_descent: int = 20, max_simulations: int = 4,
                      margin: float = 0.0, adaptive_rounds: int = DEFAULT_ADAPTIVE_ROUNDS,
                      master_iterations: int = DEFAULT_MASTER_ITERATIONS,
                      master_rounds: int = DEFAULT_MASTER_ROUNDS,
                      bound_iterations: int = DEFAULT_BOUND_ITERATIONS, progress=None) -> StaffingResult:
    """The cheapest staffing found for *scenario* (a ``sim.Scenario``) that meets *targets*.

    *targets*: text (``"wait<=15@80%"``, comma-separated for several) or
    :class:`~optimize.Target` objects, required in every zone and period;
    *method*: ``sipp``, ``lag``, ``mol`` or ``simulation``; *shifts*: a
    ShiftSpec (:func:`optimize.load_shift_file`) or None for a per-period plan.
    Seeds: the search uses *seed*, the closed loop *seed* + 1, the fresh
    verification *seed* + 2; *replications* days per simulation
    (*verify_replications*, default the same, for the verification).
    *descent* (with *shifts*): after the loop, look for a cheaper roster that
    still holds on the loop's and the search's days, in at most *max_descent*
    simulations (:mod:`optimize.descent`).
    ``calibrated`` (:mod:`optimize.calibrated_method`) instead runs at most
    *max_simulations* simulations (seeds *seed* + 11, + 12, ...) of plans from the
    zones' exact models corrected by them, with *margin* posterior standard deviations of
    safety (0: the point estimate), then spends at most *adaptive_rounds* rounds of two
    simulations where one staff fewer is a close call (:mod:`optimize.adaptive_effort`);
    with shifts each zone's roster master (one master for the hall when pools, a headcount
    or minimum staff link the zones) then has *master_iterations* solves of its integer
    program, and the masters' answer is simulated and the models corrected there, at most
    *master_rounds* times (without masters, *bound_iterations* solves of each zone's master
    for the lower bound only); it reports a lower bound, the gap and the expected number of
    zone-periods that truly miss.
    *progress*: True prints one line per simulation to stderr, a callable gets
    the line. *time_limit* (seconds) bounds each roster solve.
    Raises TargetError for a bad target, ValueError for an unknown method.
    """
    started = time.perf_counter()
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    targets = parse_targets(targets)
    verify_replications = verify_replications or replications
    seeds = {"search": seed, "loop": seed + 1, "verification": seed + 2}
    common = dict(confidence=confidence, min_visitors=min_visitors, workers=workers, executor=executor)
    seconds: dict[str, float] = {}
    frames: list[pd.DataFrame] = []
    stuck: tuple[tuple[str, str], ...] = ()

    clock = time.perf_counter()
    if method == "calibrated":
        return _calibrated(scenario, targets, shifts, seeds=seeds, replications=replications,
                           verify_replications=verify_replications, max_simulations=max_simulations,
                           margin=margin, adaptive_rounds=adaptive_rounds, master_iterations=master_iterations,
                           master_rounds=master_rounds, bound_iterations=bound_iterations,
                           baselines=baselines, solver=solver, time_limit=time_limit, progress=progress,
                           started=started, common=common)
    if method == "simulation":
        def report(row):
            _say(progress, f"search {row['iteration']:>3}: {row['action']:<8} {row['staff_hours']:8.1f} staff-h, "
                           f"{row['failing']} failing, {row['lowered']} lowered, {row['undone']} undone, "
                           f"{row['raised']} raised")
        found = simulation_requirements(scenario, targets, replications=replications, seed=seeds["search"],
                                        max_evaluations=max_evaluations, on_iteration=report, **common)
        requirements, stuck = found.requirements, found.stuck
        frames.append(found.iterations.assign(stage="search"))
    else:
        requirements = analytic_requirements(scenario, targets, method)
    seconds["requirements"] = time.perf_counter() - clock

    clock = time.perf_counter()

    def report_loop(row):
        if row["kind"] == "raise":
            _say(progress, f"loop {row['iteration']:>3}: {row['paid_hours']:8.1f} paid h, cost {row['cost']:.1f}, "
                           f"{row['failing']} failing, {row['raised']} raised {row['roster_status']}")
        else:
            failing = "not simulated (not cheaper)" if row["failing"] is None else f"{row['failing']} failing"
            _say(progress, f"descent {row['iteration']:>3}: {row['lowered']} lowered, cost {row['cost']:.1f}, "
                           f"{failing}, {row['raised']} restored, {'accepted' if row['accepted'] else 'rejected'}")
    loop = run_closed_loop(scenario, targets, requirements, shifts=shifts, seed=seeds["loop"],
                           replications=replications, max_iterations=max_iterations, solver=solver,
                           time_limit=time_limit, on_iteration=report_loop, rule=loop_rule, descent=descent,
                           max_descent=max_descent, holdout_seed=seeds["search"], **common)
    frames.append(loop.iterations.assign(stage="loop"))
    stuck = tuple(dict.fromkeys(stuck + loop.stuck))
    seconds["loop"] = time.perf_counter() - clock

    verification, rows, plans, verifications = _verify_and_compare(
        scenario, targets, f"optimized ({method})", loop.plan, loop.roster, stuck, shifts=shifts, seeds=seeds,
        replications=replications, verify_replications=verify_replications, baselines=baselines, solver=solver,
        time_limit=time_limit, progress=progress, seconds=seconds, common=common)
    seconds["total"] = time.perf_counter() - started
    iterations = pd.concat(frames, ignore_index=True)
    iterations = iterations[["stage"] + [c for c in iterations.columns if c != "stage"]]
    return StaffingResult(
        scenario=scenario, targets=targets, method=method, requirements=loop.requirements, plan=loop.plan,
        roster=loop.roster, verification=verification, iterations=iterations,
        baselines=pd.DataFrame(rows, columns=BASELINE_COLUMNS), baseline_plans=plans,
        baseline_verifications=verifications, converged=loop.converged, stuck=stuck, seeds=seeds,
        seconds={k: round(v, 2) for k, v in seconds.items()})


def _verify_and_compare(scenario, targets, name, plan, roster, stuck, *, shifts, seeds, replications,
                        verify_replications, baselines, solver, time_limit, progress, seconds, common):
    """The fresh verification of *plan* and, with *baselines*, the SIPP and flat plans on the
    same days: (verification, baseline rows, plans by name, verifications by name)."""
    clock = time.perf_counter()
    verification = verify_plan(scenario, plan, targets, replications=verify_replications,
                               seed=seeds["verification"], **common)
    seconds["verification"] = time.perf_counter() - clock
    c = compliance(verification)
    _say(progress, f"verification on fresh days: {c['met']} zone-periods met, {c['borderline']} borderline, "
                   f"{c['missed']} missed, {c['exempt']} exempt")

    plans, verifications = {name: plan}, {name: verification}
    rows = [_baseline_row(name, scenario, plan, roster, verification)]
    if baselines:
        clock = time.perf_counter()
        labels = period_labels(scenario)
        ignore = np.zeros((len(scenario.zone_ids), len(labels)), dtype=bool)
        for zone_id, start in stuck:
            ignore[list(scenario.zone_ids).index(zone_id), labels.index(start)] = True
        at_least = np.where(ignore, plan_array(scenario, plan), 0).max(axis=1)
        # Bounded by the windows, not by the optimized plan: a baseline must not depend on
        # the result it is compared with (a lowered plan's peak can be too low for a flat day).
        flat, _ = flat_plan(scenario, targets, ignore=ignore, at_least=at_least,
                            seed=seeds["loop"], replications=replications, **common)
        for base, reqs in (("SIPP", sipp_plan(scenario, targets)), ("flat", flat)):
            base_plan, base_roster = _plan_for(scenario, reqs, shifts, solver, time_limit)
            check = verify_plan(scenario, base_plan, targets, replications=verify_replications,
                                seed=seeds["verification"], **common)
            plans[base], verifications[base] = plan_frame(scenario, plan_array(scenario, base_plan)), check
            rows.append(_baseline_row(base, scenario, base_plan, base_roster, check))
        seconds["baselines"] = time.perf_counter() - clock
    return verification, rows, plans, verifications


def _calibrated(scenario, targets, shifts, *, seeds, replications, verify_replications, max_simulations, margin,
                adaptive_rounds, master_iterations, master_rounds, bound_iterations, baselines, solver, time_limit,
                progress, started, common) -> StaffingResult:
    """:func:`optimize_staffing` with the calibrated method (its search replaces the loop)."""
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    # one bar for the whole run (simulations, verification, baselines), with the time left
    budget = max_simulations + 2 * adaptive_rounds + (master_rounds if master_iterations else 0)
    bar = tqdm(total=budget + 1 + int(baselines), desc="optimize", unit="step", leave=False,
               file=sys.stderr, disable=progress is not True,
               bar_format="{desc}: {n_fmt}/{total_fmt} steps [{elapsed}<{remaining}]")

    def say(text):
        if bar.disable:
            _say(progress, text)
        else:
            bar.write(text, file=sys.stderr)

    def report(row):
        if row["stage"] == "master":
            bar.update(int(row["simulated_misses"] is not None))
            say(f"zone roster masters: cost {row['cost']:8.1f} ({row['staff_hours']:.1f} staff-h on duty), "
                f"{row['proven_zones']} of {row['master_zones']} zones proven optimal, "
                f"{row['expected_misses']:.1f} expected true misses"
                + ("" if row["simulated_misses"] is None else
                   f"; simulated: {row['simulated_misses']} zone-periods below target"))
            return
        if row["stage"] == "adaptive":     # its probe simulations moved the bar already
            say(f"adaptive effort: {row['close_cells']} close zone-periods simulated one staff lower "
                f"({row['probes']} probe simulations), {row['lowered_cells']} lowered; cost {row['cost']:8.1f} "
                f"({row['staff_hours']:.1f} staff-h on duty), {row['expected_misses']:.1f} expected true misses")
            return
        bar.update(1)
        say(f"simulation {row['iteration']:>2}: cost {row['cost']:8.1f} ({row['staff_hours']:.1f} "
            f"staff-h on duty), {row['simulated_misses']} zone-periods below target in the simulation, "
            f"{row['expected_misses']:.1f} expected true misses")
    try:
        found = calibrated_staffing(scenario, targets, shifts, seed=seeds["search"], replications=replications,
                                    max_simulations=max_simulations, margin=margin, solver=solver,
                                    adaptive_rounds=adaptive_rounds, master_iterations=master_iterations,
                                    master_rounds=master_rounds, bound_iterations=bound_iterations,
                                    time_limit=time_limit, on_iteration=report,
                                    on_probe=lambda: bar.update(1), **common)
        bar.update(budget - found.simulations)   # steps not needed: skipped
        seconds["requirements"] = time.perf_counter() - clock
        stuck = tuple(dict.fromkeys((s.zone, s.period) for s in found.stuck))
        verification, rows, plans, verifications = _verify_and_compare(
            scenario, targets, "optimized (calibrated)", found.plan, found.roster, stuck, shifts=shifts,
            seeds=seeds, replications=replications, verify_replications=verify_replications, baselines=baselines,
            solver=solver, time_limit=time_limit, progress=say if progress else None, seconds=seconds,
            common=common)
        bar.update(1 + int(baselines))
    finally:
        bar.close()
    seconds["total"] = time.perf_counter() - started
    return StaffingResult(
        scenario=scenario, targets=targets, method="calibrated", requirements=found.requirements, plan=found.plan,
        roster=found.roster, verification=verification, iterations=found.iterations,
        baselines=pd.DataFrame(rows, columns=BASELINE_COLUMNS), baseline_plans=plans,
        baseline_verifications=verifications, converged=found.converged, stuck=stuck, seeds=seeds,
        seconds={k: round(v, 2) for k, v in seconds.items()}, lower_bound=found.lower_bound,
        expected_misses=found.expected_misses, miss_probability=found.miss_probability,
        stuck_reasons=tuple(s.why() for s in found.stuck), simulations=found.simulations)
