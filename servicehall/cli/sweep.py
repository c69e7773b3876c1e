"""``servicehall sweep``: KPIs at every point of a one- or two-parameter what-if grid."""

from __future__ import annotations

import argparse
import json
import re
import sys
from decimal import Decimal, InvalidOperation
from typing import Any, Union

import sim
from sim.atomic import atomic_write_text
from sim.kpis import SWEEP_KPIS, kpi
from sim.output import kpi_dict
from sim.sweep_grid import MAX_PARAMETERS, SWEEP_GROUPINGS, sweep_points

from .commands import summary
from .errors import UserError
from .executors import open_executor
from .options import add_run_options
from .tables import render_table
from .visuals import writing

MAX_POINTS = 1000  # per parameter: a typo such as 0:100:0.001 should fail, not run for hours
CLOCK = re.compile(r"^\d{1,2}:\d{2}$")  # "17:30" is a clock time, not a range
LEADING_ZERO = re.compile(r"^[-+]?0\d+$")  # "05": as in scenario files, a typo or an octal guess, not 5
VARY_HELP = ("PATH=VALUES: a field path (demand_scale, zones.tax.staff, services.invoice.service_time.mean) "
             "and values as a range START:END:STEP (end included) or a list a,b,c; give --vary twice for a grid")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sweep", help=summary("sweep"),
        description="Simulate a scenario at every value of one or two parameters, all with the same seed "
                    "(common random numbers), and report KPIs with 95% intervals per point.",
        epilog="example: servicehall sweep scenarios/lanling.yaml --vary demand_scale=0.8:1.3:0.1 "
               "--vary zones.tax.staff=11,13,15")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--vary", action="append", required=True, metavar="PATH=VALUES", help=VARY_HELP)
    p.add_argument("--by", choices=SWEEP_GROUPINGS, default="overall",
                   help="KPIs for the whole hall (default) or per zone, service or period")
    add_run_options(p)
    p.add_argument("--out", metavar="FILE", help="write the tidy table of every KPI at every point as CSV")
    p.add_argument("--plots", metavar="DIR", help="write one PNG per headline KPI against the varied parameter")
    p.set_defaults(func=run)


# -- --vary syntax -------------------------------------------------------------------

def _number(text: str) -> Decimal | None:
    if not text.isascii():  # Decimal reads a full-width "２" as 2: text, for the scenario to judge
        return None
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    return d if d.is_finite() and d.adjusted() < 16 else None  # 1e999999 stays text: int() of it would hang


def _plain(d: Decimal) -> Union[int, float]:
    """An int for an integral value (whole-number fields need one), else a float."""
    return int(d) if d == d.to_integral_value() else float(d)


def parse_range(text: str) -> list[Union[int, float]]:
    """``START:END:STEP`` with END included, computed in decimal so 0.8:1.3:0.1 gives 6 exact values."""
    parts = text.split(":")
    start, end, step = (_number(p.strip()) for p in parts)
    if start is None or end is None or step is None:
        raise UserError(f"--vary: a range is START:END:STEP with three numbers, got {text!r}")
    if step <= 0:
        raise UserError(f"--vary: the step of a range must be > 0, got {text!r}")
    if end < start:
        raise UserError(f"--vary: a range must end at or after its start, got {text!r}")
    count = int((end - start) / step) + 1
    if count > MAX_POINTS:
        raise UserError(f"--vary: {text!r} has {count} values; at most {MAX_POINTS}")
    return [_plain(start + i * step) for i in range(count)]


def parse_values(text: str) -> list[Any]:
    """Values of one ``--vary``: ranges and single values separated by commas.

    Numbers become ints when integral and floats otherwise; anything else (such
    as a clock time ``17:30``) stays text for the scenario's validation to judge.
    """
    items = [t.strip() for t in text.split(",")]
    if not text.strip() or any(not t for t in items):
        raise UserError(f"--vary: empty value in {text!r}; expected e.g. 3,4,5 or 0.8:1.3:0.1")
    values: list[Any] = []
    for item in items:
        for part in item.split(":") if ":" in item and not CLOCK.match(item) else [item]:
            if LEADING_ZERO.match(part.strip()):
                raise UserError(f"--vary: {part.strip()!r} has a leading zero; write {int(part)}")
        if ":" in item and not CLOCK.match(item):
            if item.count(":") != 2:
                raise UserError(f"--vary: a range is START:END:STEP, got {item!r}")
            values.extend(parse_range(item))
        else:
            number = _number(item)
            values.append(item if number is None else _plain(number))
    if len(values) > MAX_POINTS:
        raise UserError(f"--vary: {len(values)} values; at most {MAX_POINTS}")
    return values


def parse_vary(specs: list[str]) -> dict[str, list[Any]]:
    """``["demand_scale=0.9:1.1:0.1", "zones.tax.staff=5,6"]`` -> ``{path: [values]}``."""
    if len(specs) > MAX_PARAMETERS:
        raise UserError(f"--vary: at most {MAX_PARAMETERS} parameters, got {len(specs)}")
    grid: dict[str, list[Any]] = {}
    for spec in specs:
        path, sep, values = spec.partition("=")
        path = path.strip()
        if not sep or not path:
            raise UserError(f"--vary: expected PATH=VALUES such as demand_scale=0.8:1.3:0.1 or "
                            f"zones.tax.staff=3,4,5, got {spec!r}")
        if path in grid:
            raise UserError(f"--vary: {path} given twice")
        grid[path] = parse_values(values)
    return grid


# -- output --------------------------------------------------------------------------

def _value(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def sweep_tables(frame, parameters: list[str], by: str, target_label: str, labels: dict[str, str]) -> str:
    """One table for an overall sweep (a row per point); per zone etc., a table per point."""
    headers_kpi = [kpi(k).title(target_label) for k in SWEEP_KPIS]

    def cells(group_frame) -> list[str]:
        f = group_frame.set_index("kpi")
        return [kpi(k).format(*f.loc[k, ["mean", "low", "high"]]) for k in SWEEP_KPIS]

    points = frame.groupby(parameters, sort=False)
    if by == "overall":
        rows = [[_value(v) for v in (key if isinstance(key, tuple) else (key,))] + cells(f) for key, f in points]
        return render_table(parameters + headers_kpi, rows)
    parts = []
    for key, f in points:
        key = key if isinstance(key, tuple) else (key,)
        title = ", ".join(f"{p} = {_value(v)}" for p, v in zip(parameters, key))
        rows = [[labels.get(g, g)] + cells(gf) for g, gf in f.groupby("group", sort=False)]
        parts.append(render_table([by] + headers_kpi, rows, title))
    return "\n\n".join(parts)


def sweep_json(frame, scenario, parameters: list[str], by: str, replications: int, seed: int) -> dict:
    points = []
    for key, f in frame.groupby(parameters, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        point: dict[str, Any] = {"values": dict(zip(parameters, key))}
        if by == "overall":
            point["overall"] = kpi_dict(f)
        else:
            point[by + "s"] = {g: kpi_dict(gf) for g, gf in f.groupby("group", sort=False)}
        points.append(point)
    return {"scenario": scenario.name, "replications": replications, "seed": seed, "by": by,
            "parameters": parameters, "points": points}


def run(args: argparse.Namespace) -> int:
    grid = parse_vary(args.vary)
    scenario = sim.load_scenario(args.scenario)
    try:
        # Builds and validates every point before simulating any.
        sweep_points(scenario, grid)
    except sim.ScenarioError as exc:
        raise UserError(f"--vary: {exc}") from None
    with open_executor(args.executor) as executor:
        frame = sim.sweep(scenario, grid, replications=args.replications, seed=args.seed, by=args.by,
                          target=args.target, workers=args.workers, executor=executor, progress=args.progress)
    parameters = list(grid)
    if args.json:
        doc = sweep_json(frame, scenario, parameters, args.by, args.replications, args.seed)
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        if args.target is not None:
            target_label = f"{args.target:g} min"
        elif "target_wait" in grid:
            target_label = "target"
        else:
            target_label = f"{scenario.target_wait:g} min"
        print(f"{scenario.name}: {args.replications} replications per point, seed {args.seed} at every point; "
              "mean ± 95% half-width; waits in minutes")
        print(sweep_tables(frame, parameters, args.by, target_label, frame.attrs.get("labels", {})))
    written = []
    if args.out:
        with writing("--out", args.out):
            atomic_write_text(args.out, frame.to_csv(index=False, float_format="%.6g"))
        written.append(args.out)
    if args.plots:
        from sim.plots import save_sweep_plots  # matplotlib loads only when plots are asked for

        with writing("--plots", args.plots):
            written += save_sweep_plots(frame, args.plots)
    for path in written:
        print(f"wrote {path}", file=sys.stderr if args.json else sys.stdout)
    return 0
