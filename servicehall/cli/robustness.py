"""``servicehall robustness``: in how many demand scenarios each zone-period of a plan holds."""

from __future__ import annotations

import argparse
import json
import os
import sys

import sim

from .commands import summary
from .errors import UserError
from .options import at_least_two, nonneg_float, nonneg_int, workers
from .tables import render_table

DEMAND_HELP = ("KIND=VALUES, repeatable: scale=0.9,1.1,1.2 (demand levels), shift=-30,30 (minutes, whole periods), "
               "file=VARIANT.yaml (a variant's demand, e.g. a Monday), item=SERVICE.yaml (a new service item), "
               "draws=20 [cv=0.15] [seed=3] (days drawn from the day-to-day spread)")


def _share(text: str) -> float:
    value = nonneg_float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {text}")
    return value


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "robustness", help=summary("robustness"),
        description="Simulate a staffing plan (or a layout with its staffing) under each demand scenario with the "
                    "same seeds, and count in how many each zone and period meets the target; with --share, also "
                    "build the plan that holds in that share of the scenarios and show what it costs.",
        epilog="example: servicehall robustness scenarios/lanling.yaml --demand scale=0.9,1.1,1.2 --demand shift=30 "
               "--demand file=scenarios/lanling_monday.yaml --staffing out/opt/staffing.csv")
    p.add_argument("scenario", help="scenario YAML file (a layout.yaml of servicehall layout works too)")
    p.add_argument("--demand", action="append", required=True, metavar="KIND=VALUES", help=DEMAND_HELP)
    p.add_argument("--staffing", metavar="FILE", help="staffing.csv or roster.csv (default: the scenario's staff)")
    p.add_argument("--target", default=None, metavar="TARGET",
                   help="e.g. 'wait<=15@80%%' (default: wait<=TARGET_WAIT@80%% with the scenario's target_wait)")
    p.add_argument("--share", type=_share, default=None,
                   help="also build the plan meeting the target in this share of the scenarios in every zone-period "
                        "(analytic requirements, capped at the windows), and check it and the nominal plan")
    p.add_argument("--seed", type=nonneg_int, default=0, help="seed, the same for every scenario (default 0)")
    p.add_argument("--replications", "-n", type=at_least_two, default=30, help="days per scenario (default 30)")
    p.add_argument("--workers", type=workers, default=None, help="worker processes (default: all cores)")
    p.add_argument("--out", metavar="DIR", help="write holds.csv, cells.csv, scenarios.csv, summary.json and "
                                                "holds.png here (with --share also chance_plan.csv)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar (default: only when stderr is a terminal)")
    p.set_defaults(func=run)


def summary_document(result, chance=None, chance_result=None, nominal_result=None) -> dict:
    def clean(v):
        if isinstance(v, float) and v != v:
            return None
        return v.item() if hasattr(v, "item") else v

    doc = {"scenario": result.scenario.name, "targets": [str(t) for t in result.targets],
           "replications": result.replications, "seed": result.seed,
           "scenarios": [{k: clean(v) for k, v in r.items()} for r in result.per_scenario.to_dict("records")],
           "zones": [{k: clean(v) for k, v in r.items()} for r in result.zone_table().to_dict("records")],
           "holds": {z: {p: int(v) for p, v in row.items()} for z, row in result.holds.iterrows()}}
    if chance is not None:
        doc["chance_constrained"] = {
            "share": chance.share, "scenarios_covered": chance.covered, "staff_hours": chance.staff_hours,
            "nominal_staff_hours": chance.nominal_staff_hours, "extra_staff_hours": chance.extra_cost,
            "uncovered": [list(u) for u in chance.uncovered],
            "zone_periods_holding_in_share": _in_share(chance_result, chance.covered),
            "nominal_zone_periods_holding_in_share": _in_share(nominal_result, chance.covered)}
    return doc


def _in_share(result, k: int) -> int:
    return int((result.holds.to_numpy() >= k).sum())


def _zone_rows(result) -> list[list[str]]:
    labels = {z.id: z.name or z.id for z in result.scenario.zones}
    return [[labels[r.zone], f"{r.all_periods}/{r.of}", f"{r.fewest}/{r.of}", r.worst_period]
            for r in result.zone_table().itertuples()]


def run(args: argparse.Namespace) -> int:
    import planning
    from optimize import parse_targets
    from planning.demand_set import parse_demand_scenarios

    scenario = sim.load_scenario(args.scenario)
    if args.staffing:
        scenario = sim.read_staffing_file(args.staffing, scenario)
    targets = parse_targets(args.target or f"wait<={scenario.target_wait:g}@80%")
    demands = parse_demand_scenarios(args.demand, scenario)
    for d in demands:  # every scenario is checked before any is simulated
        d.apply(scenario)
    common = dict(replications=args.replications, seed=args.seed, workers=args.workers, progress=args.progress)
    result = planning.robustness(scenario, None, demands, targets, **common)
    chance = chance_result = nominal_result = None
    if args.share is not None:
        try:
            chance = planning.chance_constrained_plan(scenario, targets, demands, args.share)
        except ValueError as exc:
            raise UserError(f"--share: {exc}") from None
        chance_result = planning.robustness(scenario, chance.plan, demands, targets, **common)
        nominal_result = planning.robustness(scenario, chance.nominal, demands, targets, **common)
    out = sys.stderr if args.json else sys.stdout
    if args.json:
        json.dump(summary_document(result, chance, chance_result, nominal_result), sys.stdout, ensure_ascii=False,
                  indent=2)
        print()
    else:
        print(f"{scenario.name}: {result.n} demand scenarios, {args.replications} days each, seed {args.seed} for "
              f"all; targets {', '.join(map(str, targets))}; a zone-period holds when its estimate meets the target")
        print(render_table(["zone", "every period holds", "worst period holds", "worst period"], _zone_rows(result)))
        print()
        rows = [[r.scenario, r.description, f"{r.share_held:.1%}", str(r.missed), str(r.borderline),
                 "-" if r.worst != r.worst else f"{r.worst:.1%}"] for r in result.per_scenario.itertuples()]
        print(render_table(["scenario", "what", "zone-periods holding", "missed", "borderline", "worst level"], rows))
        if chance is not None:
            k = chance.covered
            print(f"\nplan for {args.share:.0%} of the scenarios ({k} of {result.n}) in every zone-period: "
                  f"{chance.staff_hours:.1f} staff-hours a day, {chance.extra_cost:+.1f} over the nominal plan "
                  f"({chance.nominal_staff_hours:.1f}); zone-periods holding in at least {k} scenarios: "
                  f"{_in_share(chance_result, k)} vs {_in_share(nominal_result, k)} of {result.holds.size}"
                  + (f"; {len(chance.uncovered)} zone-periods need more staff than windows" if chance.uncovered else ""))
    if args.out:
        from planning.robustness_plot import holds_heatmap
        from sim.output import atomic_dir
        from sim.plots import png_bytes

        with atomic_dir(args.out) as stage:
            result.holds.to_csv(stage / "holds.csv")
            result.cells.to_csv(stage / "cells.csv", index=False, float_format="%.6g")
            result.per_scenario.to_csv(stage / "scenarios.csv", index=False, float_format="%.6g")
            if chance is not None:
                long = chance.plan.stack().rename("staff").reset_index()
                long.columns = ["zone", "start", "staff"]
                long.to_csv(stage / "chance_plan.csv", index=False)
            (stage / "summary.json").write_text(json.dumps(summary_document(result, chance, chance_result,
                                                                            nominal_result), ensure_ascii=False,
                                                           indent=2), encoding="utf-8")
            (stage / "holds.png").write_bytes(png_bytes(holds_heatmap(result)))
        print(f"wrote {os.path.join(args.out, '')} (holds.csv, cells.csv, scenarios.csv, summary.json, holds.png)",
              file=out)
    return 0
