"""``servicehall tune-alarm``: the alarm policy (threshold, switch time, who helps whom) that
minimizes the mean wait or the staff-hours a target needs, on common random numbers."""

from __future__ import annotations

import argparse
import json
import os
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import sim
from sim.output import json_value

from .commands import summary
from .errors import UserError
from .executors import open_executor
from .options import at_least_two, nonneg_float, nonneg_int, workers

MAX_VALUES = 500  # per option: a typo such as 0:100:0.001 should fail, not run for hours
OPTIONS = {"thresholds": "--thresholds", "switch_minutes": "--switch", "help_policies": "--help-policy",
           "objective": "--objective", "replications": "--replications", "search": "--search"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    from planning.alarm_policies import HELP_POLICIES

    p = sub.add_parser(
        "tune-alarm", help=summary("tune-alarm"),
        description="Simulate alarm policies (一屏统览: the threshold of people waiting that moves staff, the "
                    "minutes a move takes, which zones may help which) with the same seed, and report the one "
                    "with the lowest mean wait at the scenario's staff (--objective wait) or the fewest "
                    "staff-hours meeting a target (--objective staff_hours, slow: small halls), with moves a day.",
        epilog="example: servicehall tune-alarm scenarios/examples/alarm.yaml --thresholds 10:30:2 --switch 0,5,10 "
               "--help-policy scenario,all,same_floor,none -n 20 --out tuned/")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--thresholds", metavar="VALUES",
                   help="people waiting that raise the alarm: a range START:END:STEP (end included) or a list "
                        "10,15,20 (default: the scenario's threshold ±50%% in ten steps)")
    p.add_argument("--switch", metavar="MINUTES",
                   help="minutes a moved person takes to open a window: a range or a list (default: the scenario's)")
    p.add_argument("--help-policy", action="append", metavar="NAMES",
                   help=f"who may help whom, comma-separated or repeated: {', '.join(HELP_POLICIES)} "
                        "(default scenario,none; the scenario's own policy is always included)")
    p.add_argument("--objective", choices=("wait", "staff_hours"), default="wait",
                   help="wait: mean wait of all visits at the scenario's staff (default); staff_hours: staff-hours "
                        "of the cheapest plan meeting --target (the simulation method of optimize: slow)")
    p.add_argument("--target", metavar="TARGET",
                   help="with --objective staff_hours: e.g. 'wait<=15@80%%' (default: wait<=TARGET_WAIT@80%%)")
    p.add_argument("--search", choices=("auto", "grid", "coordinate"), default="auto",
                   help="auto (default): the full grid when small (24 policies, 8 for staff_hours), else a "
                        "coordinate search (threshold, switch, help, repeated until nothing changes)")
    p.add_argument("--max-moves-per-day", type=nonneg_float, default=None, metavar="N",
                   help="do not choose a policy that moves more staff than this a day on average")
    p.add_argument("--no-holdout", dest="holdout", action="store_false",
                   help="skip re-simulating the current and best policies on the fresh seed SEED+1")
    p.add_argument("--replications", "-n", type=at_least_two, default=30,
                   help="simulated days per policy, at least 2 (default 30)")
    p.add_argument("--seed", type=nonneg_int, default=0, help="random seed of every policy (default 0)")
    p.add_argument("--workers", type=workers, default=None, help="worker processes (default: all cores)")
    p.add_argument("--executor", default=None, metavar="ADDRESS",
                   help="run replications on a Dask scheduler, e.g. dask://127.0.0.1:8786")
    p.add_argument("--out", metavar="DIR", help="write policies.csv, best.yaml (a variant that extends the "
                                                "scenario) and summary.json here")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.add_argument("--plots", metavar="DIR", help="write threshold.png and help_policies.png here")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar over policies (default: only when stderr is a terminal)")
    p.set_defaults(func=run)


def _number(text: str, option: str, whole: bool) -> Decimal:
    try:
        d = Decimal(text.strip()) if text.isascii() else Decimal("NaN")  # Decimal reads a full-width "２" as 2
    except InvalidOperation:
        d = Decimal("NaN")
    if not d.is_finite() or "_" in text:
        raise UserError(f"{option}: expected a number, got {text.strip()!r}")
    if d.adjusted() > 6:
        raise UserError(f"{option}: values must be below 10,000,000, got {text.strip()!r}")
    if whole and d != d.to_integral_value():
        raise UserError(f"{option}: expected whole numbers, got {text.strip()!r}")
    return d


def parse_values(text: str | None, option: str, whole: bool) -> list | None:
    """``10:30:2`` (end included), ``10,15,20`` or both mixed -> sorted values; None for None."""
    if text is None:
        return None
    items = [t.strip() for t in text.split(",")]
    if not text.strip() or not all(items):
        raise UserError(f"{option}: empty value; expected e.g. 10,15,20 or 10:30:2, got {text!r}")
    values: list[Decimal] = []
    for item in items:
        parts = item.split(":")
        if len(parts) == 1:
            values.append(_number(item, option, whole))
            continue
        if len(parts) != 3:
            raise UserError(f"{option}: a range is START:END:STEP, got {item!r}")
        start, end, step = (_number(x, option, whole) for x in parts)
        if step <= 0 or end < start:
            raise UserError(f"{option}: a range needs a step > 0 and an end at or after its start, got {item!r}")
        count = int((end - start) / step) + 1
        if len(values) + count > MAX_VALUES:
            raise UserError(f"{option}: at most {MAX_VALUES} values, got {len(values) + count} from {text!r}")
        values.extend(start + i * step for i in range(count))
    if any(v < 0 for v in values) or (whole and any(v < 1 for v in values)):
        low = "1" if whole else "0"
        raise UserError(f"{option}: values must be >= {low}, got {text!r}")
    return sorted({int(v) for v in values}) if whole else sorted({float(v) for v in values})


def _policies(given: list[str] | None) -> list[str] | None:
    if given is None:
        return None
    names = [n.strip() for text in given for n in text.split(",")]
    if not all(names):
        raise UserError(f"--help-policy: empty name, got {','.join(given)!r}")
    return names


def run(args: argparse.Namespace) -> int:
    from planning.alarm_policies import AlarmTuningError
    from planning.alarm_tuning import tune_alarm

    thresholds = parse_values(args.thresholds, "--thresholds", whole=True)
    switch = parse_values(args.switch, "--switch", whole=False)
    policies = _policies(args.help_policy)
    if args.target is not None and args.objective != "staff_hours":
        raise UserError(f"--target: only used with --objective staff_hours, got {args.target!r}")
    scenario = sim.load_scenario(args.scenario)
    try:
        with open_executor(args.executor) as executor:
            tuning = tune_alarm(scenario, thresholds=thresholds, switch_minutes=switch, help_policies=policies,
                                objective=args.objective, targets=args.target, replications=args.replications,
                                seed=args.seed, workers=args.workers, executor=executor, search=args.search,
                                max_moves_per_day=args.max_moves_per_day, holdout=args.holdout,
                                progress=args.progress)
    except AlarmTuningError as exc:
        raise UserError(f"{OPTIONS.get(exc.parameter, exc.parameter)}: {exc.message}") from None
    doc = summary_document(tuning)
    if args.json:
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
        print()
    else:
        print(tuning)
    written: list[Path] = []
    if args.out:
        written += write_outputs(tuning, doc, args.out, args.scenario)
    if args.plots:
        from planning.alarm_plot import save_plots  # matplotlib loads only when plots are asked for

        from .visuals import writing

        with writing("--plots", args.plots):
            written += save_plots(tuning, args.plots)
    for path in written:
        print(f"wrote {path}", file=sys.stderr if args.json else sys.stdout)
    return 0


def summary_document(tuning) -> dict:
    """The ``--json`` document and ``summary.json`` of an AlarmTuning: the grid, the current and best
    rows, the local-optimum check, the paired differences best - current and the fresh-seed check."""
    from planning.alarm_tuning import HALF_YEAR_DAYS

    def plain(record) -> dict:
        return {k: json_value(v) for k, v in record.items()}

    return {"scenario": tuning.scenario.name, "objective": tuning.objective, "targets": tuning.targets,
            "replications": tuning.replications, "seed": tuning.seed, "search": tuning.search,
            "converged": tuning.converged, "grid": tuning.grid, "max_moves_per_day": tuning.max_moves_per_day,
            "policies": len(tuning.table), "current": plain(tuning.current_row), "best": plain(tuning.best_row),
            "best_overrides": tuning.best_overrides, "is_local_optimum": tuning.is_local_optimum,
            "at_grid_edge": tuning.at_grid_edge,
            "local_optimum": [plain(r) for r in tuning.local_optimum().to_dict("records")],
            "best_vs_current": {r["kpi"]: plain({k: r[k] for k in ("mean", "low", "high")})
                                for r in tuning.differences().to_dict("records")},
            "holdout": tuning.holdout, "half_year_days": HALF_YEAR_DAYS, "seconds": round(tuning.seconds, 2)}


def write_outputs(tuning, doc: dict, out: str, scenario_path: str) -> list[Path]:
    """policies.csv, best.yaml and summary.json, all or none. best.yaml ``extends:`` the scenario by
    its path relative to *out* (absolute when the two share no folder below the root)."""
    from sim.atomic import atomic_dir

    from .visuals import writing

    target = Path(out)
    source, folder = Path(scenario_path).resolve(), target.resolve()
    shared = os.path.commonpath([source, folder]) != folder.anchor
    extends = (os.path.relpath(source, folder) if shared else str(source)).replace(os.sep, "/")
    names = ("policies.csv", "best.yaml", "summary.json")
    with writing("--out", out), atomic_dir(target) as stage:
        (stage / names[0]).write_text(tuning.table.to_csv(index=False, float_format="%.6g"), encoding="utf-8")
        (stage / names[1]).write_text(tuning.to_yaml(extends=extends), encoding="utf-8")
        (stage / names[2]).write_text(json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n",
                                      encoding="utf-8")
    return [target / n for n in names]
