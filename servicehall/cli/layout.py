"""``servicehall layout``: search hall layouts (windows per zone, pooled comprehensive windows,
dedicated bundle windows) by the staff-hours the target needs."""

from __future__ import annotations

import argparse
import json
import os
import sys

import sim
from optimize.methods import DEFAULT_METHOD, METHODS
from sim.atomic import atomic_dir
from sim.output import json_value

from .commands import summary
from .errors import UserError
from .options import at_least_two, check_queue_models, nonneg_float, nonneg_int, positive_int, scenario_targets, workers
from .tables import render_table


def _positive(text: str) -> float:
    value = nonneg_float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "layout", help=summary("layout"),
        description="Screen every way of pooling zones into comprehensive windows (analytic queues that know "
                    "pooling), then optimize the staffing of the best few layouts and simulate them with common "
                    "random numbers; rank by staff-hours, windows used and waiting.",
        epilog="example: servicehall layout scenarios/linqu_departmental.yaml --pool-by all --speed 1.2 "
               "--budget-windows 30 --out out/linqu-layout")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--target", default=None, metavar="TARGET",
                   help="e.g. 'wait<=15@80%%' (default: wait<=TARGET_WAIT@80%% with the scenario's target_wait)")
    p.add_argument("--pool-by", choices=("category", "floor", "all", "none"), default="category",
                   help="which zones may pool: those whose services share a category (default), those on one "
                        "floor, all, or none (windows per zone only)")
    p.add_argument("--pool-group", action="append", metavar="ZONE,ZONE,...",
                   help="zones that may pool together (replaces --pool-by); give it once per group")
    p.add_argument("--speed", type=_positive, default=1.15,
                   help="service-time multiplier at comprehensive windows (default 1.15: generalists 15%% slower)")
    p.add_argument("--budget-windows", type=positive_int, default=None, help="windows the hall may have at most")
    p.add_argument("--floor-area", type=_positive, default=None, metavar="M2",
                   help="floor area for windows (m²), with --window-footprint")
    p.add_argument("--window-footprint", type=_positive, default=None, metavar="M2",
                   help="floor area one window takes (m²), including its share of the waiting area")
    p.add_argument("--no-bundles", dest="bundles", action="store_false",
                   help="keep the bundles as the scenario has them (default: also try dedicated bundle windows "
                        "or none)")
    p.add_argument("--bundle-reduction", type=_positive, default=1.0,
                   help="a dedicated bundle window's combined time as a share of the parts' times (default 1)")
    p.add_argument("--top", type=positive_int, default=3,
                   help="screened layouts to optimize and simulate, besides the departmental one (default 3)")
    p.add_argument("--method", default=DEFAULT_METHOD, choices=METHODS,
                   help=f"optimizer method for each candidate (default {DEFAULT_METHOD})")
    p.add_argument("--seed", type=nonneg_int, default=0, help="seed, the same for every candidate (default 0)")
    p.add_argument("--margin", type=nonneg_float, default=None,
                   help="calibrated method: posterior standard deviations of safety in every candidate's plan "
                        "(default 1; 0: the point estimate)")
    p.add_argument("--replications", "-n", type=at_least_two, default=30,
                   help="simulated days per evaluation (default 30)")
    p.add_argument("--workers", type=workers, default=None, help="worker processes (default: all cores)")
    p.add_argument("--out", metavar="DIR",
                   help="write screened.csv, candidates.csv, pareto.csv, layout.yaml (the recommended layout as a "
                        "variant of SCENARIO), staffing.csv, summary.json and pareto.png here")
    p.add_argument("--report", metavar="FILE.html", help="write an HTML report")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the report (default en)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar (default: only when stderr is a terminal)")
    p.set_defaults(func=run)


def _groups(specs):
    if not specs:
        return None
    groups = []
    for spec in specs:
        zones = [z.strip() for z in spec.split(",")]
        if any(not z for z in zones):
            raise UserError(f"--pool-group: empty zone id in {spec!r}; expected e.g. tax,social")
        groups.append(zones)
    return groups


def summary_document(search) -> dict:
    """What ``--json`` prints and ``summary.json`` holds."""
    best = search.simulated[search.simulated["recommended"]].iloc[0]

    return {
        "scenario": search.scenario.name, "targets": [str(x) for x in search.targets],
        "replications": search.replications, "seed": search.seed, "budget_windows": search.budget_windows,
        "screened": {"layouts_covered": search.covered, "pooled_zone_evaluations": search.blocks_scored,
                     "exact": search.exact, "candidates_kept": len(search.screened)},
        "recommended": {k: json_value(best[k]) for k in ("candidate", "layout", "pools", "bundles", "windows_used",
                                                    "staff_hours", "cost", "lower_bound", "mean_wait", "missed")},
        "candidates": [{k: json_value(v) for k, v in row.items()} for row in search.simulated.to_dict("records")],
        "seconds": {k: round(v, 2) for k, v in search.seconds.items()},
    }


def write_outputs(search, out_dir: str, scenario_path: str) -> list[str]:
    import pandas as pd

    from planning.layout_plot import pareto_plot
    from sim.plots import png_bytes

    best = search.recommended
    staffing = [{"zone": z, "start": sim.format_clock(start), "staff": int(v)}
                for z in best.zone_ids for start, v in zip(best.period_starts, best.staff_per_period(z))]
    with atomic_dir(out_dir) as stage:
        search.screened.to_csv(stage / "screened.csv", index=False, float_format="%.6g")
        search.simulated.to_csv(stage / "candidates.csv", index=False, float_format="%.6g")
        search.pareto().to_csv(stage / "pareto.csv", index=False, float_format="%.6g")
        pd.DataFrame(staffing).to_csv(stage / "staffing.csv", index=False)
        extends = os.path.relpath(os.path.abspath(scenario_path), os.path.abspath(out_dir))
        (stage / "layout.yaml").write_text(search.variant_yaml(extends), encoding="utf-8")
        (stage / "summary.json").write_text(json.dumps(summary_document(search), ensure_ascii=False, indent=2),
                                            encoding="utf-8")
        (stage / "pareto.png").write_bytes(png_bytes(pareto_plot(search)))
    return [os.path.join(out_dir, name) for name in
            ("screened.csv", "candidates.csv", "pareto.csv", "staffing.csv", "layout.yaml", "summary.json",
             "pareto.png")]


def run(args: argparse.Namespace) -> int:
    import planning

    if (args.floor_area is None) != (args.window_footprint is None):
        raise UserError("--floor-area and --window-footprint go together; got only "
                        + ("--floor-area" if args.floor_area is not None else "--window-footprint"))
    if args.budget_windows is not None and args.floor_area is not None:
        raise UserError("give --budget-windows or --floor-area with --window-footprint, not both")
    scenario = sim.load_scenario(args.scenario)
    targets = scenario_targets(args, scenario)
    check_queue_models(args, scenario)
    target = ", ".join(map(str, targets))
    try:
        search = planning.search_layouts(
            scenario, targets, pool_by=args.pool_by, groups=_groups(args.pool_group), speed=args.speed,
            budget_windows=args.budget_windows, floor_area=args.floor_area, window_footprint=args.window_footprint,
            bundles=args.bundles, bundle_reduction=args.bundle_reduction, top=args.top, method=args.method,
            replications=args.replications, seed=args.seed, margin=args.margin, workers=args.workers,
            progress=args.progress)
    except ValueError as exc:
        if isinstance(exc, sim.InputError):
            raise
        raise UserError(f"{args.scenario}: {exc}") from None
    out = sys.stderr if args.json else sys.stdout
    if args.json:
        json.dump(summary_document(search), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        how = "exactly" if search.exact else "exactly in small groups, greedily in large ones"
        print(f"{scenario.name}: {search.covered:,} layouts screened {how} ({search.blocks_scored} pooled-zone "
              f"evaluations), {len(search.simulated)} optimized and simulated ({args.replications} days, seed "
              f"{args.seed} for all); targets {target}"
              + (f"; windows budget {search.budget_windows}" if search.budget_windows is not None else ""))
        frame = search.table()
        print(render_table(list(frame.columns), frame.to_numpy().tolist()))
        print("* recommended; p on the Pareto front of windows, staff-hours and mean wait (minutes, 95% interval)")
        best = search.simulated[search.simulated["recommended"]].iloc[0]
        if not best["within_budget"]:
            print(f"note: no optimized layout fits the budget of {search.budget_windows} windows; the recommendation "
                  f"is the cheapest optimized layout, with {int(best['windows_used'])} windows")
        if best["missed"] > 0:
            print(f"note: no optimized layout holds in every zone-period of the fresh simulation; the recommendation "
                  f"misses {int(best['missed'])} (more days, --replications, narrow the doubt)")
    written = []
    if args.out:
        written += write_outputs(search, args.out, args.scenario)
    if args.report:
        from planning.layout_report import write_layout_report

        written.append(str(write_layout_report(search, args.report, args.lang)))
    for path in written:
        print(f"wrote {path}", file=out)
    return 0
