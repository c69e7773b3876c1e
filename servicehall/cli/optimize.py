"""``servicehall optimize``: the cheapest staffing that meets a waiting-time target, verified."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys

import sim
from optimize.methods import (
    DEFAULT_ADAPTIVE_ROUNDS,
    DEFAULT_BOUND_ITERATIONS,
    DEFAULT_MASTER_ITERATIONS,
    DEFAULT_MASTER_ROUNDS,
    DEFAULT_METHOD,
    DEFAULT_SOLVER,
    MAX_ADAPTIVE_ROUNDS,
    MAX_MASTER_ITERATIONS,
    MAX_MASTER_ROUNDS,
    MAX_SIMULATIONS,
    METHODS,
    SOLVERS,
)
from sim.atomic import atomic_dir
from sim.output import json_value

from .commands import summary
from .errors import UserError
from .executors import open_executor
from .options import (
    at_least_two,
    check_queue_models,
    int_within,
    nonneg_float,
    nonneg_int,
    positive_int,
    scenario_shifts,
    scenario_targets,
    workers,
)
from .tables import render_table


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "optimize", help=summary("optimize"),
        description="Staff per zone and period (and a roster when shift patterns are given) that meets the "
                    "target in every zone and period of the simulated hall, checked with fresh seeds and "
                    "shown beside SIPP and flat baselines.")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--target", default=None, metavar="TARGET",
                   help="e.g. 'wait<=15@80%%', 'mean_wait<=10', 'abandon<=5%%'; several comma-separated "
                        "(default: wait<=TARGET_WAIT@80%% with the scenario's target_wait)")
    p.add_argument("--method", default=DEFAULT_METHOD, metavar="METHOD",
                   help=f"{', '.join(METHODS)} (default {DEFAULT_METHOD}: each zone's exact queue model "
                        "corrected by simulating the hall; the others set requirements first and then run the "
                        "closed loop)")
    p.add_argument("--max-simulations", type=int_within(1, MAX_SIMULATIONS), default=4,
                   help=f"calibrated method: hall simulations of the search at most (default 4, at most {MAX_SIMULATIONS})")
    p.add_argument("--adaptive-rounds", type=int_within(0, MAX_ADAPTIVE_ROUNDS), default=DEFAULT_ADAPTIVE_ROUNDS,
                   help="calibrated method: rounds of two simulations spent only on the zone-periods where one staff "
                        f"fewer is a close call (default {DEFAULT_ADAPTIVE_ROUNDS}, 0: none, at most {MAX_ADAPTIVE_ROUNDS})")
    p.add_argument("--master-iterations", type=int_within(0, MAX_MASTER_ITERATIONS), default=DEFAULT_MASTER_ITERATIONS,
                   help="calibrated method with --shifts: integer-program solves each zone's roster master (one "
                        "master for the hall when zones share staff: pools, headcount, min_staff) may take to "
                        "cheapen the roster and prove its bound "
                        f"(default {DEFAULT_MASTER_ITERATIONS}, 0: none, at most {MAX_MASTER_ITERATIONS})")
    p.add_argument("--master-rounds", type=int_within(0, MAX_MASTER_ROUNDS), default=DEFAULT_MASTER_ROUNDS,
                   help="with --master-iterations: times the masters' roster is simulated, the models corrected "
                        "where it put staff, and the masters run again, until they answer a roster already "
                        f"simulated (default {DEFAULT_MASTER_ROUNDS}, 0: their first answer as it is, "
                        f"at most {MAX_MASTER_ROUNDS})")
    p.add_argument("--bound-iterations", type=int_within(0, MAX_MASTER_ITERATIONS), default=DEFAULT_BOUND_ITERATIONS,
                   help="calibrated method with --shifts and no --master-iterations: integer-program solves each "
                        "zone's roster master takes for the lower bound only, the roster unchanged (zones that "
                        f"share no staff; default {DEFAULT_BOUND_ITERATIONS}, 0: the per-period bounds only)")
    p.add_argument("--margin", type=nonneg_float, default=0.0,
                   help="calibrated method: posterior standard deviations of safety between each zone-period's "
                        "estimate and the target (default 0: the estimate itself)")
    p.add_argument("--shifts", metavar="SHIFTS.yaml", help="shift patterns: build a roster (writes roster.csv)")
    p.add_argument("--seed", type=nonneg_int, default=0,
                   help="seed of the search; the loop uses SEED+1, the verification SEED+2 (default 0)")
    p.add_argument("--replications", "-n", type=at_least_two, default=30,
                   help="simulated days per evaluation, at least 2 for an interval (default 30)")
    p.add_argument("--verify-replications", type=at_least_two, default=None,
                   help="days for the fresh verification (default: --replications)")
    p.add_argument("--max-iterations", type=positive_int, default=8,
                   help="closed-loop iterations (roster, simulate, raise) at most (default 8)")
    p.add_argument("--no-descent", dest="descent", action="store_false",
                   help="with --shifts: skip the cost descent after the closed loop (cheaper rosters kept only if "
                        "they still hold on two seeds)")
    p.add_argument("--max-descent", type=nonneg_int, default=20,
                   help="simulations the cost descent may use at most (default 20)")
    p.add_argument("--solver", choices=SOLVERS, default=DEFAULT_SOLVER,
                   help=f"integer-programming solver for the rosters (default {DEFAULT_SOLVER})")
    p.add_argument("--workers", type=workers, default=None, help="worker processes (default: all cores)")
    p.add_argument("--executor", default=None, metavar="ADDRESS",
                   help="run replications on a Dask scheduler, e.g. dask://127.0.0.1:8786")
    p.add_argument("--no-baselines", dest="baselines", action="store_false",
                   help="skip the SIPP and flat baselines")
    p.add_argument("--out", metavar="DIR",
                   help="write staffing.csv, roster.csv, verification.csv, requirements.csv, iterations.csv, "
                        "baselines.csv, summary.json and plots here")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="one line per simulation on stderr (default: only when stderr is a terminal)")
    p.set_defaults(func=run)


def summary_document(result) -> dict:
    """The ``--json`` document and ``summary.json``."""
    return {
        "scenario": result.scenario.name,
        "targets": [str(t) for t in result.targets],
        "method": result.method,
        "seeds": result.seeds,
        "staff_hours": result.staff_hours,
        "cost": result.cost,
        "converged": result.converged,
        "compliance": result.compliance(),
        "lower_bound": json_value(result.lower_bound),
        "gap": json_value(result.gap),
        "expected_true_misses": json_value(result.expected_misses),
        "simulations": result.simulations,
        "stuck": [{"zone": z, "start": t} for z, t in result.stuck],
        "stuck_why": list(result.stuck_reasons),
        "baselines": [{k: json_value(v) for k, v in row.items()} for row in result.baselines.to_dict("records")],
        "roster_status": result.roster.status if result.roster is not None else None,
        "seconds": result.seconds,
    }


def baseline_table(result) -> str:
    """Optimized, SIPP and flat plans side by side."""
    headers = ["plan", "staff-hours", "cost", "met", "borderline", "missed", "exempt", "share met", "worst"]
    rows = []
    for r in result.baselines.itertuples(index=False):
        worst = "-" if r.worst is None or math.isnan(r.worst) else f"{100 * r.worst:.0f}%"
        rows.append([r.plan, f"{r.paid_hours:.1f}", f"{r.cost:.1f}", str(r.met), str(r.borderline), str(r.missed),
                     str(r.exempt), f"{100 * r.share_met:.1f}%", worst])
    targets = ", ".join(str(t) for t in result.targets)
    title = (f"{result.scenario.name}: {targets} in every zone and period; fresh verification "
             f"(seed {result.seeds['verification']}) of each plan")
    return render_table(headers, rows, title)


def write_outputs(result, out_dir) -> list[str]:
    """Write every output file into *out_dir*, all or nothing; returns their names."""
    from optimize.plots import save_plots

    with atomic_dir(out_dir) as stage:
        result.staffing.to_csv(stage / "staffing.csv", index=False)
        req = result.requirements.stack().rename("required").reset_index()
        req.columns = ["zone", "start", "required"]
        req.to_csv(stage / "requirements.csv", index=False)
        if result.roster is not None:
            result.roster.to_frame().to_csv(stage / "roster.csv", index=False)
        result.verification.to_csv(stage / "verification.csv", index=False, float_format="%.6g")
        result.iterations.to_csv(stage / "iterations.csv", index=False, float_format="%.6g")
        result.baselines.to_csv(stage / "baselines.csv", index=False, float_format="%.6g")
        (stage / "summary.json").write_text(json.dumps(summary_document(result), ensure_ascii=False, indent=2),
                                            encoding="utf-8")
        save_plots(result, stage)
        names = sorted(p.name for p in stage.iterdir())
    return names


def run(args: argparse.Namespace) -> int:
    from . import deferred_interrupts

    with deferred_interrupts():
        import optimize

    scenario = sim.load_scenario(args.scenario)
    if args.method not in METHODS:
        raise UserError(f"--method: must be one of {', '.join(METHODS)}, got {args.method!r}")
    if args.master_iterations and (args.method != "calibrated" or not args.shifts):
        raise UserError("--master-iterations: the roster masters belong to the calibrated method with --shifts, "
                        + (f"got --method {args.method}" if args.method != "calibrated" else "got no --shifts"))
    targets = scenario_targets(args, scenario)
    check_queue_models(args, scenario)
    shifts = scenario_shifts(args, scenario)
    progress = args.progress if args.progress is not None else sys.stderr.isatty()
    with open_executor(args.executor) as executor:
        try:
            result = optimize.optimize_staffing(
                scenario, targets, method=args.method, shifts=shifts, seed=args.seed,
                replications=args.replications, verify_replications=args.verify_replications,
                max_iterations=args.max_iterations, descent=args.descent, max_descent=args.max_descent,
                max_simulations=args.max_simulations, margin=args.margin, adaptive_rounds=args.adaptive_rounds,
                master_iterations=args.master_iterations, master_rounds=args.master_rounds,
                bound_iterations=args.bound_iterations,
                baselines=args.baselines, workers=args.workers, solver=args.solver,
                executor=executor, progress=True if progress else None)
        except optimize.RosterError as exc:
            raise UserError(f"{args.shifts}: {exc}") from None
    names = write_outputs(result, args.out) if args.out else []
    if args.json:
        json.dump(summary_document(result), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    c = result.compliance()
    kind = "roster" if result.roster is not None else "per-period plan"
    print(f"{kind}: {result.staff_hours:.1f} staff-hours, cost {result.cost:.1f}; "
          f"{c['met']} zone-periods met, {c['borderline']} borderline, {c['missed']} missed, "
          f"{c['exempt']} exempt (fewer than one visitor a day); {result.seconds['total']:.0f} s")
    if math.isfinite(result.lower_bound):
        print(f"lower bound {result.lower_bound:.1f} (gap {100 * result.gap:.1f}%); expected zone-periods truly "
              f"missing: {result.expected_misses:.1f}, from {result.simulations} simulations of "
              f"{args.replications} days")
    if result.stuck_reasons:
        print("beyond reach, every window staffed:\n  " + "\n  ".join(sorted(result.stuck_reasons)))
    elif not result.converged and result.method == "calibrated":
        print(f"note: the plan changed until the last of {args.max_simulations} simulations; "
              "raise --max-simulations for a fixed point")
    if not result.converged and result.method != "calibrated":
        print(f"warning: the closed loop stopped after {args.max_iterations} iterations with targets not yet "
              "holding everywhere; raise --max-iterations")
    if result.stuck and not result.stuck_reasons:
        cells = ", ".join(f"{z} {t}" for z, t in result.stuck)
        print(f"not shown to hold with 95% confidence even with every window staffed: {cells} "
              "(the fresh verification's verdict for them is in the table and verification.csv)")
    print()
    print(baseline_table(result))
    if names:
        print(f"\nwrote {os.path.join(args.out, '')}" + ", ".join(names))
    return 0
