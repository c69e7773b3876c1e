"""``servicehall calibrate`` and ``servicehall validate``: from a ticketing log to a
scenario, and back to the log to check the scenario reproduces it."""

from __future__ import annotations

import argparse

import sim
from calibration import (
    STAFFING_METHODS,
    build_scenario,
    calibrate_log,
    format_report,
    load_log_format,
    read_log,
    save_plots,
)
from calibration.scenario import scenario_header, scenario_yaml
from calibration.validate import KPIS, validate_scenario
from sim.atomic import atomic_write_text
from sim.kpis import format_ci, kpi

from .commands import summary
from .errors import UserError
from .executors import open_executor
from .options import nonneg_float, nonneg_int, positive_int, workers
from .tables import render_table


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "calibrate", help=summary("calibrate"),
                       description="Read a ticketing log as described by a log-format file, fit arrival rates, "
                                   "service times, patience and staffing, print the calibration report and write "
                                   "the scenario.")
    p.add_argument("log", help="the log (CSV/TSV)")
    p.add_argument("--format", required=True, metavar="FORMAT.yaml", help="log-format file")
    p.add_argument("--out", required=True, metavar="SCENARIO.yaml", help="scenario file to write")
    p.add_argument("--plots", metavar="DIR", help="save the report's plots (PNG) here")
    p.add_argument("--name", default=None, help="scenario name (default: the log file's name)")
    p.add_argument("--period-minutes", type=positive_int, default=None,
                   help="period length (default: the format file's fit.period_minutes)")
    p.add_argument("--staffing", choices=STAFFING_METHODS, default=None,
                   help="staffing estimate for the scenario (default: the format file's, busy_while_waiting)")
    p.add_argument("--staff-rounding", choices=("up", "nearest"), default=None,
                   help="how the estimate becomes whole agents (default: the format file's, up)")
    p.add_argument("--patience", choices=("exponential", "best"), default=None,
                   help="patience fit for the scenario: exponential, or lowest AIC (default: the format file's)")
    p.set_defaults(func=run_calibrate)

    v = sub.add_parser(
        "validate", help=summary("validate"),
                       description="Simulate a scenario and print observed (95% interval across days) vs simulated "
                                   "(across replications) mean wait, abandonment and service level per period.")
    v.add_argument("scenario", help="scenario YAML file")
    v.add_argument("--against", required=True, metavar="LOG", help="the observed log")
    v.add_argument("--format", required=True, metavar="FORMAT.yaml", help="log-format file of the log")
    v.add_argument("--replications", "-n", type=positive_int, default=30, help="simulated days (default 30)")
    v.add_argument("--seed", type=nonneg_int, default=0, help="random seed (default 0)")
    v.add_argument("--workers", type=workers, default=None, help="worker processes (default: all cores)")
    v.add_argument("--target", type=nonneg_float, default=None, metavar="MINUTES",
                   help="service-level target wait (default: the scenario's target_wait)")
    v.add_argument("--executor", default=None, metavar="ADDRESS", help="run replications on a Dask scheduler")
    v.set_defaults(func=run_validate)


def run_calibrate(args: argparse.Namespace) -> int:
    cal, _ = calibrate_log(args.log, args.format, period_minutes=args.period_minutes, staffing=args.staffing,
                           staff_rounding=args.staff_rounding, patience=args.patience)
    print(format_report(cal))
    name = args.name or f"Calibrated from {args.log.rsplit('/', 1)[-1]}"
    scenario = build_scenario(cal, name=name)
    sim.scenario_from_dict(scenario)  # the engine must accept what we write
    atomic_write_text(args.out, scenario_yaml(scenario, scenario_header(cal)))
    print(f"wrote {args.out}")
    if args.plots:
        paths = save_plots(cal, args.plots)
        print(f"wrote {len(paths)} plots to {args.plots}")
    return 0


def validation_table(table, target: float, title: str) -> str:
    """Observed vs simulated, one row per period; each cell ``mean ± 95% half-width``.

    KPIs as the registry (``sim.kpis``) shows them, counts and waits with one more
    digit: per-period values of a log are small numbers.
    """
    headers = ["period"]
    for name in KPIS:
        headers += [f"{kpi(name).title(target)} obs", "sim"]
    rows = []
    for period, frame in table.groupby("period", sort=False):
        row, by_kpi = [period], frame.set_index("kpi")
        for name in KPIS:
            k, r = kpi(name), by_kpi.loc[name]
            mark = "" if r["overlap"] in (True, None) else " !"
            digits = k.digits + (0 if k.percent else 1)
            row.append(format_ci(r["obs_mean"], r["obs_low"], r["obs_high"], digits, k.percent))
            row.append(format_ci(r["sim_mean"], r["sim_low"], r["sim_high"], digits, k.percent) + mark)
        rows.append(row)
    return render_table(headers, rows, title)


def run_validate(args: argparse.Namespace) -> int:
    scenario = sim.load_scenario(args.scenario)
    fmt = load_log_format(args.format)
    visits = read_log(args.against, fmt)
    notes = log_coverage(visits, scenario, args.scenario, args.against)
    target = scenario.target_wait if args.target is None else args.target
    with open_executor(args.executor) as executor:
        table, results = validate_scenario(scenario, visits, replications=args.replications, seed=args.seed,
                                           target=target, workers=args.workers, executor=executor)
    days = visits["date"].nunique()
    title = (f"{scenario.name} vs {args.against}: {days} observed days, {results.replications} replications "
             f"(seed {results.seed}); mean ± 95% half-width; waits in minutes; ! = intervals do not overlap")
    print(validation_table(table, target, title))
    for note in notes:
        print(f"note: {note}")
    return 0


def log_coverage(visits, scenario: sim.Scenario, scenario_file: str, log: str) -> list[str]:
    """Notes on the log's visits the comparison leaves out (services the scenario lacks, arrivals
    outside its hours); UserError when the two have no service in common (an unrelated log)."""
    logged = set(visits["service"].dropna().astype(str))
    known = set(scenario.service_ids) | {b.id for b in scenario.bundles}
    if logged and not logged & known:
        raise UserError(f"{log}, {scenario_file}: the log's services ({', '.join(sorted(logged)[:8])}) and the "
                        f"scenario's ({', '.join(sorted(known)[:8])}) have none in common: validate compares a "
                        "scenario with the log it describes (map the log's types with the format's services.map)")
    notes = []
    unknown = visits["service"].astype(str).isin(logged - known)
    if unknown.any():
        notes.append(f"{int(unknown.sum()):,} logged visits of services the scenario lacks "
                     f"({', '.join(sorted(logged - known)[:8])}) count in the observed totals but are not simulated")
    outside = ~visits["arrival"].between(scenario.open_minute, scenario.close_minute, inclusive="left")
    if outside.any():
        notes.append(f"{int(outside.sum()):,} of {len(visits):,} logged visits arrive outside the scenario's hours "
                     f"({scenario.hours.open}-{scenario.hours.close}) and are not compared")
    return notes
