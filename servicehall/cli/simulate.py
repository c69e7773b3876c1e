"""``servicehall simulate``: run a scenario and print per-zone KPIs."""

from __future__ import annotations

import argparse
import json
import os
import sys

import sim
from sim.flows import expected_visits
from sim.kpis import TABLE_KPIS, kpi
from sim.output import VISITS_FORMATS, summary_json, write_results
from sim.stream import STREAM_ABOVE, StreamedResults, simulate_to_dir

from .commands import summary
from .errors import UserError
from .executors import open_executor
from .options import add_run_options
from .tables import render_table
from .visuals import add_visual_options, write_visuals


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "simulate", help=summary("simulate"),
                       description="Simulate a scenario for several independent days and report KPIs with 95% intervals.")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--staffing", metavar="STAFFING.csv",
                   help="staff per zone and period (zone,start,staff: staffing.csv of `servicehall optimize`), or a "
                        "roster of people on shifts (roster.csv: simulated with their own shifts and lunches)")
    p.add_argument("--partial", action="store_true",
                   help="with --staffing STAFFING.csv: the file changes only the zone-periods it lists, the others "
                        "keep the scenario's staff (without it every zone and period must have a row)")
    add_run_options(p)
    p.add_argument("--out", metavar="DIR", help="write visits.csv, summary.csv, levels.csv and summary.json here")
    p.add_argument("--stream", action=argparse.BooleanOptionalAction, default=None,
                   help="with --out: write the visits to disk as replications finish and keep only KPIs in memory "
                        f"(default: when more than {STREAM_ABOVE:,} visit records are expected)")
    p.add_argument("--visits-format", choices=VISITS_FORMATS, default="csv",
                   help="file format of the visit records written by --out (default csv)")
    add_visual_options(p)
    p.set_defaults(func=run)


def zone_table(results: sim.Results, target: float) -> str:
    """The per-zone KPI table with an all-zones row, each value ± its 95% half-width."""
    zones = results.summary("zone", target)
    overall = results.summary("overall", target)
    labels = {z.id: z.label for z in results.scenario.zones}
    headers = ["zone"] + [kpi(k).title(target) for k in TABLE_KPIS]
    rows = []

    def row(label: str, frame) -> list[str]:
        by_kpi = frame.set_index("kpi")
        return [label] + [kpi(k).format(*by_kpi.loc[k, ["mean", "low", "high"]]) for k in TABLE_KPIS]

    for zone_id, frame in zones.groupby("zone", sort=False, observed=True):
        rows.append(row(labels.get(zone_id, zone_id), frame))
    rows.append(row("all zones", overall))
    title = (f"{results.scenario.name}: {results.replications} replications, seed {results.seed}; "
             "mean ± 95% half-width; waits in minutes")
    text = render_table(headers, rows, title)
    notes = overall.set_index("kpi")
    extras = [(k, label) for k, label in (("moves", "staff moved on alarm"), ("return_visits", "visits on another day"))
              if notes.loc[k, "mean"] > 0]
    for k, label in extras:
        text += f"\n{label}: {kpi(k).format(*notes.loc[k, ['mean', 'low', 'high']])} a day"
    return text


def streaming(args: argparse.Namespace, scenario: sim.Scenario) -> bool:
    """Whether to stream the visits to ``--out``: as asked, else when the run is large."""
    if args.stream and not args.out:
        raise UserError("--stream: needs --out DIR, where the visits are written")
    if args.stream is None:
        return bool(args.out) and expected_visits(scenario, args.replications) > STREAM_ABOVE
    return args.stream


def run(args: argparse.Namespace) -> int:
    scenario = sim.load_scenario(args.scenario)
    if args.partial and not args.staffing:
        raise UserError("--partial goes with --staffing STAFFING.csv")
    if args.staffing:
        scenario = sim.read_staffing_file(args.staffing, scenario, partial=args.partial)
    target = scenario.target_wait if args.target is None else args.target
    stream = streaming(args, scenario)
    results: sim.Results | StreamedResults
    with open_executor(args.executor) as executor:
        if stream:
            results = simulate_to_dir(scenario, args.out, replications=args.replications, seed=args.seed,
                                      workers=args.workers, executor=executor, progress=args.progress,
                                      target=target, visits_format=args.visits_format)
        else:
            results = sim.simulate(scenario, replications=args.replications, seed=args.seed,
                                   workers=args.workers, executor=executor, progress=args.progress)
    if args.out and isinstance(results, sim.Results):  # a streamed run has written its folder
        write_results(results, args.out, target, visits_format=args.visits_format)
    if args.json:
        json.dump(summary_json(results, target), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(zone_table(results, target))
        if args.out:
            print(f"\nwrote {os.path.join(args.out, '')}visits.{args.visits_format}, summary.csv, levels.csv, summary.json")
    for path in write_visuals(args, results=results, target=target):
        print(f"wrote {path}", file=sys.stderr if args.json else sys.stdout)
    return 0
