"""``servicehall roster``: a week's roster of named people, verified day by day by simulation."""

from __future__ import annotations

import argparse
import math

from .commands import summary
from .errors import UserError
from .options import nonneg_int, positive_int


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "roster", help=summary("roster"),
        description="Which days and shifts each person of the staff file works, where and when they lunch, "
                    "meeting each day's requirement per zone and period at least paid hours, with AB posts, "
                    "contracts and days-off rules; then every day is simulated with the people as rostered.")
    p.add_argument("scenario", help="the hall's scenario YAML (the calendar's day types override it)")
    p.add_argument("--staff", required=True, metavar="STAFF.csv", help="the staff file (CSV: UTF-8, UTF-16 or GBK)")
    p.add_argument("--week", required=True, metavar="CALENDAR.yaml", help="the calendar of day types")
    p.add_argument("--target", default=None, metavar="TARGET",
                   help="e.g. 'wait<=15@80%%' (default: wait<=TARGET_WAIT@80%% with the scenario's target_wait)")
    p.add_argument("--shifts", metavar="SHIFTS.yaml", help="shift patterns (default: the calendar's `shifts`)")
    p.add_argument("--method", default="sipp", choices=("sipp", "lag", "mol"),
                   help="how each day's requirement is computed (default sipp)")
    p.add_argument("--requirements", metavar="REQUIREMENTS.csv",
                   help="read each day's requirement (date, zone, start, required) instead of computing it, "
                        "e.g. the requirements.csv of an earlier run with --repair")
    p.add_argument("--gap", type=float, default=0.01, help="stop at this proven relative gap (default 0.01 = 1%%)")
    p.add_argument("--time-limit", type=float, default=120.0, help="solver time limit in seconds (default 120)")
    p.add_argument("--switch-weight", type=float, default=None, metavar="H",
                   help="cost of one change of zone by a person within a day, in paid hours (default 0.1; "
                        "0: moves are free)")
    p.add_argument("--repair", type=nonneg_int, default=0, metavar="K",
                   help="closed loop: simulate the roster on loop seeds, raise the requirement where the target "
                        "does not hold with confidence and roster again, at most K times (default 0: off)")
    p.add_argument("--replications", "-n", type=positive_int, default=30,
                   help="simulated days per day of the week in the verification (default 30)")
    p.add_argument("--seed", type=nonneg_int, default=0, help="seed of day 1's verification; day k uses SEED+k")
    p.add_argument("--no-verify", dest="verify", action="store_false", help="skip the simulation")
    p.add_argument("--no-baseline", dest="baseline", action="store_false",
                   help="skip the requirement-only plan beside the roster")
    p.add_argument("--workers", type=positive_int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--no-plots", dest="plots", action="store_false", help="skip the coverage plots")
    p.add_argument("--out", metavar="DIR", help="write roster.csv, assignments.csv, week_*.html, coverage_*.png, "
                                                "verification.csv, fairness.csv, summary.json here")
    p.set_defaults(func=run)


def _pct(x) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"


def run(args: argparse.Namespace) -> int:
    import optimize
    import rosters
    import sim
    from rosters.report import write_outputs
    from rosters.verify import verify_week

    from .tables import render_table

    if not 0 <= args.gap < 1:
        raise UserError(f"--gap: must be a fraction in [0, 1), got {args.gap!r}")
    if not args.time_limit > 0:
        raise UserError(f"--time-limit: must be > 0 seconds, got {args.time_limit!r}")
    weights = rosters.Weights()
    if args.switch_weight is not None:
        if not 0 <= args.switch_weight <= 100:   # also refuses nan and inf
            raise UserError(f"--switch-weight: must be paid hours from 0 to 100, got {args.switch_weight!r}")
        weights = rosters.Weights(switch=args.switch_weight)
    hall = sim.load_scenario(args.scenario)
    week = rosters.load_calendar(args.week, hall)
    shift_path = args.shifts or week.shifts
    if shift_path is None:
        raise UserError(f"{args.week}: names no shift file; give --shifts SHIFTS.yaml")
    shifts = optimize.load_shift_file(shift_path, grid=week.union_grid(), zones=hall.zone_ids)
    categories: dict[str, list[str]] = {}
    for s in hall.services:
        if s.category:
            categories.setdefault(s.category, [])
            if s.zone not in categories[s.category]:
                categories[s.category].append(s.zone)
    staff = rosters.read_staff_csv(args.staff, zones=hall.zone_ids, shifts=[p.id for p in shifts.patterns],
                                   categories=categories)
    text = args.target if args.target is not None else f"wait<={hall.target_wait:g}@80%"
    targets = optimize.parse_targets(text)
    if args.requirements:
        from rosters.requirements_file import read_requirements_csv

        need = read_requirements_csv(args.requirements, week)
    else:
        need = rosters.week_requirements(week, targets, args.method)
    repair = None
    try:
        if args.repair:
            from rosters.repair import roster_until_met

            repair = roster_until_met(week, staff, shifts, targets, need, max_iterations=args.repair,
                                      replications=args.replications, seed=args.seed + 1000,
                                      workers=args.workers, gap=args.gap, time_limit=args.time_limit,
                                      weights=weights)
            roster = repair.roster
        else:
            roster = rosters.roster_week(week, staff, shifts, need, gap=args.gap, time_limit=args.time_limit,
                                         weights=weights)
    except ValueError as exc:
        raise UserError(f"{args.week}: {exc}") from None
    if repair is not None:
        print(render_table(["iteration", "paid hours", "gap", "failing", "raised", "stuck"],
                           [[str(r.iteration), f"{r.paid_hours:.1f}", _pct(r.gap), "-" if pd_na(r.failing) else
                             str(int(r.failing)), str(r.raised), str(r.stuck)]
                            for r in repair.iterations.itertuples(index=False)],
                           "closed loop (loop seeds; the verification below uses fresh ones)"))
        if repair.stuck:
            print("stuck with every window staffed: " + ", ".join(f"{d} {z} {t}" for d, z, t in repair.stuck))
        print()
    print(roster.summary())
    violations = rosters.check_roster(roster)
    print(f"rule check: {len(violations)} violation(s)")
    for v in violations[:20]:
        print(f"  {v.rule}: {v.who} {v.date}: {v.message}")
    verification = None
    if args.verify and roster.status not in ("infeasible", "not solved"):
        verification = verify_week(roster, targets, replications=args.replications, seed=args.seed,
                                   baseline=args.baseline, workers=args.workers)
        rows = [[r.date, r.day_type, r.plan, f"{r.staff_hours:.1f}", str(r.met), str(r.borderline), str(r.missed),
                 str(r.exempt), _pct(r.share_met), _pct(r.worst)] for r in verification.days.itertuples(index=False)]
        print()
        print(render_table(["date", "day type", "plan", "paid/staff h", "met", "borderline", "missed", "exempt",
                            "share met", "worst"], rows,
                           f"{', '.join(map(str, targets))} per zone and period, {args.replications} simulated days "
                           "each; roster = the people as rostered"))
    stats = roster.fairness_stats()
    print()
    print(render_table(["measure", "people", "min", "max", "mean", "std"],
                       [[r.measure, str(r.people), f"{r.min:g}", f"{r.max:g}", f"{r.mean:.2f}", f"{r.std:.2f}"]
                        for r in stats.itertuples(index=False)], "fairness (people who work)"))
    if args.out:
        summary = {
            "calendar": week.name, "targets": [str(t) for t in targets], "method": args.method,
            "status": roster.status, "paid_hours": roster.paid_hours, "objective": roster.objective,
            "bound": roster.bound, "gap": roster.gap, "seconds": roster.seconds, "size": roster.size,
            "people": len(staff), "working": int(roster.shifts["person"].nunique()) if len(roster.shifts) else 0,
            "unmet": len(roster.unmet), "issues": list(roster.issues), "zone_switches": roster.zone_switches,
            "violations": [vars(v) for v in violations],
            "verification": None if verification is None else verification.days.to_dict("records"),
            "fairness": stats.to_dict("records"),
            "repair": None if repair is None else {"iterations": repair.iterations.to_dict("records"),
                                                   "stuck": [list(c) for c in repair.stuck]},
        }
        names = write_outputs(roster, args.out, verification=verification, summary=_clean(summary), plots=args.plots)
        print(f"\nwrote {args.out}/: {', '.join(names)}")
    return 0


def pd_na(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _clean(x):
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_clean(v) for v in x]
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return None
    if hasattr(x, "item"):
        return _clean(x.item())
    return x
