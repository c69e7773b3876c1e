"""The staffing optimizer on the reference hall (scenarios/lanling.yaml) with its lunch-break shifts.

Measures, on every core:

* the roster IP alone: ``optimize.solve_roster`` (HiGHS) for the hall's 25 zones x 18 half
  hours against ``scenarios/shifts/lanling_shifts.yaml``, median of several solves;
* the whole ``optimize_staffing`` run (calibrated method by default, ``--method simulation``
  for the old search and closed loop; fresh verification, SIPP and flat baselines), the
  time of each stage, and the run in simulation-equivalents (30 days of the hall simulated,
  timed in the same run);
* staff-hours and compliance (zone-periods met / borderline / missed / exempt in the fresh
  verification) of the optimized roster beside SIPP and flat rosters.

Run: ``python3 bench/optimizer.py [--quick] [--per-period] [--replications N]``
(``--per-period`` also optimizes without shifts; ``--quick`` uses 15 replications).
"""

from __future__ import annotations

import argparse
import time

import pandas as pd
from common import REFERENCE_HALL, ROOT, Goal, cores, machine, median, print_goals, print_table

import optimize
import sim
from optimize.methods import DEFAULT_BOUND_ITERATIONS, DEFAULT_MASTER_ROUNDS
from optimize.verify import simulate_plan

SHIFTS = ROOT / "scenarios" / "shifts" / "lanling_shifts.yaml"
TARGET = "wait<=15@80%"


def roster_solve_times(scenario, shifts, requirements, rounds: int = 5) -> list[float]:
    grid = (scenario.open_minute, scenario.close_minute, scenario.period_minutes)
    windows = {z.id: z.windows for z in scenario.zones}
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        result = optimize.solve_roster(requirements, shifts, grid, windows=windows)
        times.append(time.perf_counter() - t0)
        assert result.solved, result.summary()
    return times


def baseline_rows(result) -> list[list[str]]:
    rows = []
    for r in result.baselines.itertuples(index=False):
        rows.append([r.plan, f"{r.paid_hours:.1f}", f"{r.cost:.1f}", r.met, r.borderline, r.missed, r.exempt,
                     f"{100 * r.share_met:.1f}%", f"{100 * r.worst:.0f}%", r.roster or "-"])
    return rows


def run(scenario, shifts, replications: int, label: str, method: str = "calibrated", **options):
    t0 = time.perf_counter()
    result = optimize.optimize_staffing(scenario, TARGET, method=method, shifts=shifts, seed=0,
                                        replications=replications, **options)
    wall = time.perf_counter() - t0
    it = result.iterations
    stages = it[it["stage"] == "search"].groupby("stage").size().to_dict()
    if "kind" in it:   # the loop's rows: raising, then the cost descent (some steps only solve the roster)
        loop = it[it["stage"] == "loop"]
        stages["loop"] = ", ".join(f"{k} {int(v)}" for k, v in loop.groupby("kind", sort=False)["simulations"]
                                   .sum().items())
    print_table(f"{label}: optimize_staffing stages ({replications} replications per simulation, "
                f"{cores()} cores)", ["stage", "seconds", "simulations"],
                [[k, f"{v:.1f}", stages.get({"requirements": "search"}.get(k, k), "")]
                 for k, v in result.seconds.items()])
    if result.method == "calibrated":
        print(f"lower bound {result.lower_bound:.1f} (gap {100 * result.gap:.1f}%), expected zone-periods truly "
              f"missing {result.expected_misses:.2f}, {result.simulations} search simulations, "
              f"{'a fixed point' if result.converged else 'no fixed point'}\n")
        masters = it[it["stage"] == "master"]
        if len(masters):
            print_table(f"{label}: the zone roster masters' rounds", ["row", "cost", "proven zones",
                        "expected true misses", "zone-periods below target when simulated", "seconds"],
                        [[r.iteration, f"{r.cost:.1f}", f"{r.proven_zones:.0f} of {r.master_zones:.0f}",
                          f"{r.expected_misses:.2f}", "not simulated" if pd.isna(r.simulated_misses)
                          else f"{r.simulated_misses:.0f}", f"{r.seconds:.0f}"] for r in masters.itertuples()])
    if "kind" in it:
        loop = it[(it["stage"] == "loop")]
        raised = loop[loop["kind"] == "raise"]["cost"].iloc[-1]
        print(f"roster cost after raising {raised:.1f}, after the descent {result.cost:.1f} "
              f"({int(loop['accepted'][loop['kind'] == 'descent'].sum())} descent steps accepted)\n")
    print_table(f"{label}: {TARGET} in every zone-period; fresh verification (seed {result.seeds['verification']})",
                ["plan", "staff-hours", "cost", "met", "borderline", "missed", "exempt", "share met", "worst",
                 "roster"], baseline_rows(result))
    if result.stuck:
        print("over capacity even with every window staffed: "
              + ", ".join(f"{z} {t}" for z, t in result.stuck) + "\n")
    return result, wall


def main(quick: bool = False, per_period: bool = False, replications: int | None = None,
         method: str = "calibrated", fresh_checks: int = 0, shifts_file=SHIFTS, staff_decrease: str | None = None,
         **options) -> list[Goal]:
    """*options*: more keywords for ``optimize_staffing`` (``adaptive_rounds``, ``master_iterations``, ``margin``);
    *fresh_checks*: that many more checks of the roster on 60 fresh days each (seeds 500, 501, ...);
    *shifts_file*: the shift file (default the reference hall's lunch-break shifts)."""
    replications = replications or (15 if quick else 30)
    scenario = sim.load_scenario(REFERENCE_HALL)
    if staff_decrease is not None:      # the hall under the other reading of a staff decrease
        scenario = sim.scenario_from_dict({**scenario.model_dump(mode="json", exclude_none=True),
                                           "staff_decrease": staff_decrease})
    shifts = optimize.load_shift_file(shifts_file, grid=(scenario.open_minute, scenario.close_minute,
                                                    scenario.period_minutes), zones=scenario.zone_ids)
    mol = optimize.analytic_requirements(scenario, TARGET, "mol")
    windows = [[z.windows] * scenario.n_periods for z in scenario.zones]
    mol[:] = [[min(a, b) for a, b in zip(row, cap)] for row, cap in zip(mol.to_numpy(), windows)]
    solves = roster_solve_times(scenario, shifts, mol, rounds=3 if quick else 7)
    variants = sum(len(p.variants((scenario.open_minute, scenario.close_minute, scenario.period_minutes)))
                   for p in shifts.patterns)
    print_table("Roster IP (HiGHS), reference hall, MOL requirements",
                ["zones", "periods", "shift variants", "integer variables", "median solve", "max solve"],
                [[len(scenario.zones), scenario.n_periods, variants, variants * len(scenario.zones),
                  f"{median(solves):.2f} s", f"{max(solves):.2f} s"]])
    # one simulation-equivalent: simulating 30 days of the hall (SIPP plan), timed in this run
    sipp = optimize.analytic_requirements(scenario, TARGET, "sipp").clip(upper=[z.windows for z in scenario.zones],
                                                                        axis=0)
    t0 = time.perf_counter()
    simulate_plan(scenario, sipp, replications=30, seed=99)
    equivalent = time.perf_counter() - t0
    print(f"one simulation-equivalent (30 days of the hall): {equivalent:.2f} s\n")
    result, wall = run(scenario, shifts, replications, "Reference hall with lunch-break shifts", method, **options)
    for i in range(fresh_checks):
        check = optimize.verify_plan(scenario, result.plan, TARGET, replications=60, seed=500 + i)
        print(f"roster on 60 more fresh days (seed {500 + i}): {optimize.compliance(check)}")
    own = result.seconds["requirements"] + result.seconds["verification"]   # the run without its baselines
    goals = [Goal(f"optimize reference hall ({method} method, shifts), without baselines", "< 60 s",
                  f"{own:.0f} s", own < 60),
             Goal("... in simulation-equivalents", "<= 40", f"{own / equivalent:.1f}", own / equivalent <= 40),
             Goal("whole run with SIPP and flat baselines", "(reported)", f"{wall:.0f} s", True)]
    c = result.compliance()
    goals.append(Goal("fresh verification: no zone-period missed", "0 missed", f"{c['missed']} missed, "
                      f"{c['borderline']} borderline, {len(result.stuck)} over capacity", c["missed"] == 0))
    rows = result.baselines.set_index("plan")
    optimized, sipp_cost = float(rows["cost"].iloc[0]), float(rows.loc["SIPP", "cost"])
    goals.append(Goal("roster cheaper than the SIPP roster", f"< {sipp_cost:.1f}", f"{optimized:.1f} "
                      f"({100 * (optimized / sipp_cost - 1):+.1f}%)", optimized < sipp_cost))
    if per_period:
        _, wall2 = run(scenario, None, replications, "Reference hall, per-period plan (no shifts)", method, **options)
        goals.append(Goal("optimize reference hall (per-period plan)", "< 180 s", f"{wall2:.0f} s", wall2 < 180))
    return goals


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="15 replications per simulation instead of 30")
    parser.add_argument("--per-period", action="store_true", help="also optimize without shift patterns")
    parser.add_argument("--replications", type=int, default=None, help="replications per simulation")
    parser.add_argument("--method", default="calibrated", help="optimizer method (default calibrated)")
    parser.add_argument("--adaptive-rounds", type=int, default=0, help="the calibrated method's adaptive stage (default 0)")
    parser.add_argument("--master-iterations", type=int, default=0,
                        help="zone roster masters, integer-program solves per zone (default 0: none)")
    parser.add_argument("--master-rounds", type=int, default=DEFAULT_MASTER_ROUNDS,
                        help="simulations of the masters' answer, each followed by the masters again "
                             f"(default {DEFAULT_MASTER_ROUNDS})")
    parser.add_argument("--bound-iterations", type=int, default=DEFAULT_BOUND_ITERATIONS,
                        help="without masters: solves of each zone's master for the lower bound only "
                             f"(default {DEFAULT_BOUND_ITERATIONS})")
    parser.add_argument("--margin", type=float, default=0.0,
                        help="the calibrated method's safety, posterior standard deviations (default 0)")
    parser.add_argument("--shifts", default=str(SHIFTS), help="shift file (default scenarios/shifts/lanling_shifts.yaml)")
    parser.add_argument("--fresh-checks", type=int, default=0, help="more checks of the roster on 60 fresh days each")
    parser.add_argument("--staff-decrease", choices=("first_free", "own_visitor"),
                        help="the hall's staff-decrease rule (default the scenario's, first_free)")
    args = parser.parse_args()
    print(f"Machine: {machine()}\n")
    print_goals(main(args.quick, args.per_period, args.replications, args.method, args.fresh_checks, args.shifts,
                     staff_decrease=args.staff_decrease,
                     adaptive_rounds=args.adaptive_rounds, master_iterations=args.master_iterations,
                     master_rounds=args.master_rounds, bound_iterations=args.bound_iterations,
                     margin=args.margin), "Optimizer goals")
