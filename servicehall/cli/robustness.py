"""``servicehall robustness``: in how many demand scenarios each zone-period of a plan holds, and the
plan that holds in a chosen share of them."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

import sim
from optimize.methods import METHODS
from sim.output import json_value

from .commands import summary
from .errors import UserError
from .executors import open_executor
from .options import at_least_two, check_queue_models, nonneg_int, scenario_shifts, scenario_targets, workers
from .tables import render_table
from .visuals import writing

DEMAND_HELP = ("KIND=VALUES, repeatable: scale=0.9,1.1,1.2 (or 0.8:1.2:0.1: demand levels), shift=-30,30 (the "
               "arrivals moved by minutes, whole periods), file=VARIANT.yaml (a variant's demand, e.g. "
               "scenarios/lanling_monday.yaml), new=ITEM.yaml (a new service item), draws=20 with cv=0.15 or "
               "cv=CALIBRATED.yaml and seed=3 (days drawn from the day-to-day spread; default cv: the scenario's "
               "day_variation). The nominal scenario is always included")
HOLD_NOTE = ("a zone-period holds in a scenario when its estimate meets every target (met), or it has under one "
             "visitor a day (exempt); borderline does not hold")


def _share(text: str) -> float:
    try:
        value = float(text) if "_" not in text and text.isascii() else math.nan
    except ValueError:
        value = math.nan
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a share in (0, 1], e.g. 0.9, got {text[:40]!r}")
    return value


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "robustness", help=summary("robustness"),
        description="Simulate a staffing plan (or a layout with its staffing) under each demand scenario on the "
                    "same days (common random numbers) and count in how many each zone-period meets the target; "
                    "with --share also build the plan that holds in that share of the scenarios in every "
                    "zone-period, and show what it costs over the nominal plan.",
        epilog="example: servicehall robustness scenarios/lanling.yaml --staffing out/opt/staffing.csv "
               "--demand scale=0.9,1.1,1.2 --demand shift=-30,30 --demand file=scenarios/lanling_monday.yaml "
               "--demand draws=20 --demand cv=0.15 --share 0.9 --out out/robust")
    p.add_argument("scenario", help="scenario YAML file (a layout.yaml of `servicehall layout` is one too)")
    p.add_argument("--demand", action="append", required=True, metavar="KIND=VALUES", help=DEMAND_HELP)
    p.add_argument("--staffing", metavar="FILE",
                   help="staffing.csv (zone,start,staff) or roster.csv of `servicehall optimize` (default: the "
                        "scenario's own staff)")
    p.add_argument("--target", default=None, metavar="TARGET",
                   help="e.g. 'wait<=15@80%%', 'mean_wait<=10', 'abandon<=5%%'; several comma-separated "
                        "(default: wait<=TARGET_WAIT@80%% with the scenario's target_wait)")
    p.add_argument("--share", type=_share, default=None,
                   help="also build the plan whose requirement is met in at least this share of the scenarios in "
                        "every zone-period (capped at the windows) and the nominal plan, and simulate both")
    p.add_argument("--shifts", metavar="SHIFTS.yaml", help="with --share: roster both plans with these shift patterns")
    p.add_argument("--method", default="sipp", metavar="METHOD",
                   help=f"with --share: requirements by {', '.join(METHODS)} (default sipp; calibrated and "
                        "simulation run the optimizer for every scenario: slow)")
    p.add_argument("--replications", "-n", type=at_least_two, default=30,
                   help="days per scenario, at least 2 for an interval (default 30)")
    p.add_argument("--seed", type=nonneg_int, default=0, help="seed of every scenario's days (default 0)")
    p.add_argument("--workers", type=workers, default=None, help="worker processes (default: all cores)")
    p.add_argument("--executor", default=None, metavar="ADDRESS",
                   help="run replications on a Dask scheduler, e.g. dask://127.0.0.1:8786")
    p.add_argument("--out", metavar="DIR",
                   help="write holds.csv, confident.csv, cells.csv, estimates.csv, scenarios.csv, zones.csv and "
                        "summary.json here (with --share also chance_plan.csv, nominal_plan.csv, requirements.csv, "
                        "uncovered.csv and the rosters)")
    p.add_argument("--plots", metavar="DIR", help="write holds.png (and with --share chance_holds.png, "
                                                  "nominal_holds.png): the counts as heatmaps")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout (nothing else)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar on stderr (default: only when stderr is a terminal)")
    p.set_defaults(func=run)


def _records(frame) -> list[dict]:
    return [{k: json_value(v) for k, v in r.items()} for r in frame.to_dict("records")]


def _grid(frame) -> dict:
    return {str(z): {str(p): json_value(v) for p, v in row.items()} for z, row in frame.iterrows()}


def summary_document(result, chance=None, staffing: str | None = None) -> dict:
    """The ``--json`` document and ``summary.json``."""
    doc = {"scenario": result.scenario.name, "staffing": staffing or "scenario",
           "targets": [str(t) for t in result.targets], "replications": result.replications, "seed": result.seed,
           "definition": HOLD_NOTE, "n_scenarios": result.n,
           "scenarios": _records(result.per_scenario), "zones": _records(result.zone_table()),
           "holds": _grid(result.holds), "confident": _grid(result.confident)}
    if chance is not None:
        doc["chance_constrained"] = {
            "share": chance.share, "needed": chance.needed, "method": chance.method,
            "plans": _records(chance.costs()), "extra_cost": chance.extra_cost,
            "uncovered": _records(chance.uncovered), "plan": _grid(chance.plan), "nominal": _grid(chance.nominal),
            "roster_status": chance.roster.status if chance.roster is not None else None,
            "chance_holds": _grid(chance.evaluation.holds) if chance.evaluation is not None else None,
            "nominal_holds": _grid(chance.nominal_evaluation.holds) if chance.nominal_evaluation is not None else None}
    return doc


def _percent(v: float) -> str:
    return "-" if v is None or not math.isfinite(v) else f"{100 * v:.1f}%"


def tables(result) -> str:
    """The zone table and the per-scenario table."""
    n = result.n
    zones = [[r.name, f"{r.every_period}/{n}", f"{r.fewest}/{n} at {r.worst_period}", f"{r.always}/{r.periods}"]
             for r in result.zone_table().itertuples()]
    labels = {z.id: z.label for z in result.scenario.zones}
    rows = []
    for r in result.per_scenario.itertuples():
        zone, _, start = r.worst_cell.partition(" ")
        rows.append([r.scenario, r.description, f"{r.visitors:.0f}", _percent(r.share_held), str(r.met),
                     str(r.borderline), str(r.missed), f"{_percent(r.worst_level)} {labels.get(zone, zone)} {start}",
                     f"{r.mean_wait:.1f}"])
    return "\n\n".join([
        render_table(["zone", "every period holds in", "worst period holds in", "periods holding in all"], zones),
        render_table(["scenario", "demand", "visitors/day", "zone-periods holding", "met", "borderline", "missed",
                      "worst zone-period level", "mean wait (min)"], rows)])


def chance_text(chance) -> str:
    """The chance-constrained plan beside the nominal plan."""
    k, n = chance.needed, len(chance.requirements)
    rows = []
    for r in chance.costs().itertuples():
        held = "-" if r.holding is None else f"{r.holding}/{r.zone_periods}"
        every = "-" if r.every_scenario is None else f"{r.every_scenario}/{r.zone_periods}"
        rows.append([r.plan, f"{r.staff_hours:.1f}", f"{r.paid_hours:.1f}", f"{r.cost:.1f}",
                     f"{r.covering}/{r.zone_periods}", held, every])
    c = chance.costs().set_index("plan")["cost"]
    rise = f" ({100 * chance.extra_cost / c['nominal']:+.1f}%)" if c["nominal"] > 0 else ""
    lines = [render_table(["plan", "staff-hours", "paid hours", "cost", f"requirement covered in >={k}",
                           f"holding in >={k} (simulated)", f"holding in all {n}"], rows,
                          f"plan for {chance.share:g} of the scenarios: the requirement ({chance.method}) of at "
                          f"least {k} of {n} in every zone-period, capped at the windows"),
             f"the chance-constrained plan costs {chance.extra_cost:+.1f}{rise} over the nominal plan"]
    if len(chance.uncovered):
        cells = ", ".join(f"{chance.scenario.zone(u.zone).label} {u.start} (needs {u.needed}, {u.windows} windows, "
                          f"covers {u.covered}/{n})" for u in chance.uncovered.itertuples())
        lines.append(f"beyond the windows: {cells}")
    return "\n".join(lines)


def _long(frame, value: str):
    long = frame.stack().rename(value).reset_index()
    long.columns = ["zone", "start", value]
    return long


def write_outputs(stage: Path, result, chance, staffing) -> None:
    """Every output file of ``--out`` into the staging folder *stage*."""
    result.holds.to_csv(stage / "holds.csv")
    result.confident.to_csv(stage / "confident.csv")
    result.cells.to_csv(stage / "cells.csv", index=False, float_format="%.6g")
    result.estimates.to_csv(stage / "estimates.csv", index=False, float_format="%.6g")
    result.per_scenario.to_csv(stage / "scenarios.csv", index=False, float_format="%.6g")
    result.zone_table().to_csv(stage / "zones.csv", index=False)
    if chance is not None:
        _long(chance.plan, "staff").to_csv(stage / "chance_plan.csv", index=False)
        _long(chance.nominal, "staff").to_csv(stage / "nominal_plan.csv", index=False)
        frames = [_long(f, "required").assign(scenario=name) for name, f in chance.requirements.items()]
        import pandas as pd

        pd.concat(frames)[["scenario", "zone", "start", "required"]].to_csv(stage / "requirements.csv", index=False)
        chance.uncovered.to_csv(stage / "uncovered.csv", index=False)
        for name, roster in (("chance_roster.csv", chance.roster), ("nominal_roster.csv", chance.nominal_roster)):
            if roster is not None:
                roster.to_frame().to_csv(stage / name, index=False)
    (stage / "summary.json").write_text(json.dumps(summary_document(result, chance, staffing), ensure_ascii=False,
                                                   indent=2), encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    from . import deferred_interrupts

    with deferred_interrupts():
        import optimize
        import planning
        from planning.demand_set import parse_demand_scenarios
        from sim.atomic import atomic_dir

    if args.share is None and (args.shifts or args.method != "sipp"):
        raise UserError(f"{'--shifts' if args.shifts else '--method'}: goes with --share (the chance-constrained plan)")
    if args.method not in METHODS:
        raise UserError(f"--method: must be one of {', '.join(METHODS)}, got {args.method!r}")
    scenario = sim.load_scenario(args.scenario)
    if args.staffing:
        scenario = sim.read_staffing_file(args.staffing, scenario)
    targets = scenario_targets(args, scenario)
    if args.share is not None:          # the chance-constrained plan uses the queue models
        check_queue_models(args, scenario)
    shifts = scenario_shifts(args, scenario)
    demands = parse_demand_scenarios(args.demand, scenario)  # every scenario is built and checked here
    progress = args.progress if args.progress is not None else sys.stderr.isatty()
    with open_executor(args.executor) as executor:
        result = planning.robustness(scenario, None, demands, targets, replications=args.replications,
                                     seed=args.seed, workers=args.workers, executor=executor, progress=progress)
        chance = None
        if args.share is not None:
            try:
                chance = planning.chance_constrained_plan(
                    scenario, targets, demands, args.share, shifts=shifts, method=args.method,
                    replications=args.replications, seed=args.seed, workers=args.workers, executor=executor,
                    progress=progress,
                    optimizer_options={"replications": args.replications, "seed": args.seed,
                                       "workers": args.workers, "executor": executor})
            except optimize.RosterError as exc:
                raise UserError(f"{args.shifts}: {exc}") from None
    written: list[str] = []
    if args.out:
        with writing("--out", args.out), atomic_dir(args.out) as stage:
            write_outputs(stage, result, chance, args.staffing)
            written += [os.path.join(args.out, p.name) for p in sorted(stage.iterdir())]
    if args.plots:
        from planning.robustness_plot import save_robustness_plots

        with writing("--plots", args.plots), atomic_dir(args.plots) as stage:
            save_robustness_plots(result, stage, chance)
            written += [os.path.join(args.plots, p.name) for p in sorted(stage.iterdir())]
    if args.json:
        json.dump(summary_document(result, chance, args.staffing), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        staffing = args.staffing or "the scenario's own staff"
        print(f"{scenario.name}, staffed by {staffing}: {result.n} demand scenarios, {args.replications} days each, "
              f"seed {args.seed} for all (common random numbers); {', '.join(map(str, targets))}\n{HOLD_NOTE}\n")
        print(tables(result))
        if chance is not None:
            print()
            print(chance_text(chance))
    if written:
        print(("\n" if not args.json else "") + "wrote " + ", ".join(written), file=sys.stderr if args.json else sys.stdout)
    return 0
