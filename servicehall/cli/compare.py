"""``servicehall compare``: paired comparison of two scenarios with common random numbers."""

from __future__ import annotations

import argparse
import json
import sys

import sim
from sim.comparison import unpairable
from sim.kpis import COMPARE_KPIS, kpi
from sim.output import kpi_dict, summary_json

from .commands import summary
from .errors import UserError
from .executors import open_executor
from .options import add_run_options
from .tables import render_table
from .visuals import add_visual_options, write_visuals


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare", help=summary("compare"),
                       description="Simulate A and B with the same visitors and report B - A with 95% intervals.")
    p.add_argument("a", help="scenario A (YAML)")
    p.add_argument("b", help="scenario B (YAML)")
    add_run_options(p)
    add_visual_options(p)
    p.set_defaults(func=run)


def difference_json(comparison: sim.Comparison, target: float) -> dict:
    overall = comparison.differences("overall", target)
    zones = comparison.differences("zone", target)
    return {
        "overall": kpi_dict(overall),
        "zones": {z: kpi_dict(f) for z, f in zones.groupby("zone", sort=False, observed=True)},
        "unpaired_zones": comparison.unpaired_zones(),
    }


def comparison_table(comparison: sim.Comparison, target: float) -> str:
    a = comparison.a.summary("overall", target).set_index("kpi")
    b = comparison.b.summary("overall", target).set_index("kpi")
    d = comparison.differences("overall", target).set_index("kpi")
    rows = []
    for name in ("visitors", "visits", *COMPARE_KPIS):
        k = kpi(name)
        rows.append([
            k.title(target),
            k.format(*a.loc[name, ["mean", "low", "high"]]),
            k.format(*b.loc[name, ["mean", "low", "high"]]),
            k.format_diff(*d.loc[name, ["mean", "low", "high"]]),
        ])
    title = (f"A = {comparison.a.scenario.name}\nB = {comparison.b.scenario.name}\n"
             f"{comparison.a.replications} paired replications, seed {comparison.a.seed}; "
             "B - A with 95% interval; waits in minutes")
    text = render_table(["all zones", "A", "B", "B - A"], rows, title)
    zones = comparison.differences("zone", target)
    if len(zones):
        zrows = []
        for zone_id, frame in zones.groupby("zone", sort=False, observed=True):
            f = frame.set_index("kpi")
            zrows.append([zone_id] + [kpi(k).format_diff(*f.loc[k, ["mean", "low", "high"]]) for k in COMPARE_KPIS[:4]])
        text += "\n\n" + render_table(["zone (B - A)"] + [kpi(k).title(target) for k in COMPARE_KPIS[:4]], zrows)
    unpaired = comparison.unpaired_zones()
    for side in ("a", "b"):
        if unpaired[side]:
            text += f"\nzones only in {side.upper()} (in the all-zones rows, not paired by zone): {', '.join(unpaired[side])}"
    return text


def run(args: argparse.Namespace) -> int:
    a = sim.load_scenario(args.a)
    b = sim.load_scenario(args.b)
    problem = unpairable(a, b)
    if problem:
        raise UserError(f"{args.a}, {args.b}: {problem}")
    target = a.target_wait if args.target is None else args.target
    kwargs = dict(replications=args.replications, seed=args.seed, workers=args.workers, progress=args.progress)
    with open_executor(args.executor) as executor:
        comparison = sim.compare(sim.simulate(a, executor=executor, **kwargs), sim.simulate(b, executor=executor, **kwargs))
    if args.json:
        doc = {"a": summary_json(comparison.a, target), "b": summary_json(comparison.b, target),
               "difference": difference_json(comparison, target)}
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(comparison_table(comparison, target))
    for path in write_visuals(args, comparison=comparison, target=target):
        print(f"wrote {path}", file=sys.stderr if args.json else sys.stdout)
    if same_hall(a, b):
        print(f"note: {args.a} and {args.b} describe the same hall and staffing: every difference is 0",
              file=sys.stderr if args.json else sys.stdout)
    return 0


def same_hall(a: sim.Scenario, b: sim.Scenario) -> bool:
    """Whether *a* and *b* differ in nothing but their name and description."""
    def body(s: sim.Scenario) -> dict:
        return {k: v for k, v in sim.scenario_to_dict(s).items() if k not in ("name", "description")}

    return body(a) == body(b)
