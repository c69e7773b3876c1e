"""Weekly rostering at county scale: 460 named people, 25 zones, 7 open days, half hours.

The staff file is generated deterministically from the reference hall
(``rosters.generate_staff(scenarios/lanling.yaml, 460, seed=0)``: people spread
over the zones by windows, AB posts, full and part time, leave, multi-skilled
staff) and written to ``out/bench_staff_460.csv``; the week is
``scenarios/week/lanling_week.yaml`` (Monday peak, extended Thursday, weekend
sessions); requirements by SIPP for ``wait<=15@80%``. The program is solved to a
proven relative gap of 1% (HiGHS, 2 threads), the zones polished for fewer switches
(``rosters.polish``), and every roster rule is checked by ``rosters.check_roster``. Wall-clock and CPU seconds are both printed, with the
load average: on a machine shared with other jobs the wall clock varies a lot.

Run: ``python3 bench/weekly_roster.py [--people N] [--gap G] [--time-limit S]``.
"""

from __future__ import annotations

import argparse
import os
import time

from common import REFERENCE_HALL, ROOT, Goal, machine, print_goals, print_table

import optimize
import rosters
import sim

WEEK = ROOT / "scenarios" / "week" / "lanling_week.yaml"
TARGET = "wait<=15@80%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=460)
    parser.add_argument("--gap", type=float, default=0.01)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(machine())
    hall = sim.load_scenario(REFERENCE_HALL)
    week = rosters.load_calendar(WEEK, hall)
    shifts = optimize.load_shift_file(week.shifts, grid=week.union_grid(), zones=hall.zone_ids)
    rows = rosters.generate_staff(hall, args.people, week.days[0].date, len(week.days), seed=args.seed)
    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    staff_path = out / f"bench_staff_{args.people}.csv"
    staff_path.write_text(rosters.staff_csv_text(rows), encoding="utf-8")
    staff = rosters.read_staff_csv(staff_path, zones=hall.zone_ids, shifts=[p.id for p in shifts.patterns])
    t0 = time.perf_counter()
    need = rosters.week_requirements(week, TARGET, "sipp")
    t_req = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    roster = rosters.roster_week(week, staff, shifts, need, gap=args.gap, time_limit=args.time_limit, threads=2)
    t_solve, c_solve = time.perf_counter() - t0, time.process_time() - c0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    violations = rosters.check_roster(roster)
    size = roster.size
    print_table("Problem", ["people", "skill groups", "open days", "zones", "variables", "integer", "constraints"],
                [[size["people"], size["groups"], size["days"], len(hall.zone_ids), size["variables"],
                  size["integer"], size["constraints"]]])
    gap = roster.gap if roster.gap is not None else float("nan")
    print_table("Solve", ["status", "paid hours", "objective", "bound", "gap", "build s", "roster s", "roster CPU s",
                          "load avg", "requirements s", "violations"],
                [[roster.status, f"{roster.paid_hours:.1f}", f"{roster.objective:.1f}", f"{roster.bound:.1f}",
                  f"{100 * gap:.2f}%", f"{size['build_seconds']:.1f}", f"{t_solve:.1f}", f"{c_solve:.1f}",
                  f"{load:.1f}", f"{t_req:.1f}", len(violations)]])
    print(roster.fairness_stats().round(2).to_string(index=False))
    print()
    capped = sum(1 for _ in roster.problem.capped)
    print(f"unmet zone-periods: {len(roster.unmet)} ({capped} of them above the windows); issues: {len(roster.issues)}")
    print(f"zone switches: {roster.zone_switches} (the polish's lower bound {size.get('switch_bound', '-')}, "
          f"polish {size.get('polish_seconds', 0.0):.1f} s, included in the roster time)")
    print_goals([
        Goal("roster 460 people x 7 days", "gap <= 1% in < 120 s on 2 cores",
             f"gap {100 * gap:.2f}% in {t_solve:.1f} s", gap <= args.gap + 1e-9 and t_solve < 120),
        Goal("every rule holds (independent checker)", "0 violations", str(len(violations)), not violations),
    ])


if __name__ == "__main__":
    main()
