"""The reference hall's week (Lanling, New Year 2026/27): 230 named people, a proven 1% gap,
every rule, and every day simulated afresh with the people as rostered.

The requirement is the stored result of ``servicehall roster --repair 3`` (SIPP raised
where the loop's simulated days missed ``wait<=15@80%``); the verification here uses
seeds the loop never saw. Zone-periods whose requirement is at or above the zone's
windows, or staffed at every window, are beyond any roster (the Monday peak at the
comprehensive windows, tax and vehicles); everything else must meet the target or be
within the noise of 30 days (borderline).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import optimize
import rosters
import sim
from rosters.requirements_file import read_requirements_csv
from rosters.verify import verify_week

ROOT = Path(__file__).resolve().parents[2]
TARGET = "wait<=15@80%"


@pytest.mark.slow
def test_reference_week_meets_the_target_every_day():
    hall = sim.load_scenario(ROOT / "scenarios" / "lanling.yaml")
    week = rosters.load_calendar(ROOT / "scenarios" / "week" / "lanling_newyear.yaml", hall)
    shifts = optimize.load_shift_file(week.shifts, grid=week.union_grid(), zones=hall.zone_ids)
    staff = rosters.read_staff_csv(ROOT / "scenarios" / "week" / "lanling_staff.csv", zones=hall.zone_ids,
                                   shifts=[p.id for p in shifts.patterns])
    assert len(staff) >= 200 and sum(1 for p in staff if p.post) >= 100
    need = read_requirements_csv(ROOT / "scenarios" / "week" / "lanling_newyear_requirements.csv", week)
    roster = rosters.roster_week(week, staff, shifts, need, gap=0.01, time_limit=300)   # 25-60 s on a quiet machine
    assert roster.solver_status == "optimal" and roster.gap <= 0.01
    assert rosters.check_roster(roster) == []
    assert not roster.issues
    check = verify_week(roster, TARGET, replications=30, seed=20261228, baseline=False)
    cells = check.cells
    beyond = {(d.date.isoformat(), z, label) for d in roster.problem.days for z in d.zones
              for t, label in enumerate(d.grid.labels) if d.required[z][t] >= d.windows[z]}
    beyond |= {(date.isoformat(), z, label) for date, z, label, _, _ in roster.problem.capped}
    windows = {z.id: z.windows for z in hall.zones}
    full = cells["staff"] >= cells["zone"].map(windows) - 1e-9      # every window staffed all period
    missed = cells[(cells["status"] == "missed") & ~full
                   & ~cells.apply(lambda r: (r["date"], r["zone"], r["start"]) in beyond, axis=1)]
    print(f"\npaid hours {roster.paid_hours:g}, gap {100 * roster.gap:.2f}%, {roster.seconds:.0f} s")
    print(check.days.to_string(index=False))
    print(roster.fairness_stats().round(2).to_string(index=False))
    assert missed.empty, missed[["date", "zone", "start", "achieved", "staff"]]
    days = check.days
    assert (days["share_met"] >= 0.97).all()
    assert days["missed"].sum() <= 6            # all of them at full windows (Monday's peak, New Year's Eve)
