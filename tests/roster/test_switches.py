"""Zone switches: multi-skilled people change zone within a day as few times as coverage allows.

On the small week the switch weight (``rosters.Weights.switch``) cuts the switches against
weight 0 with the same shifts, lunches and coverage; the hand-out realises the polish's
lower bound exactly, and beats a period-by-period greedy where that one moves people twice.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

import rosters
from rosters.disaggregate import _fewest_switches, _greedy, disaggregate, switches
from rosters.model import solve_model
from rosters.polish import fixed_coverage
from rosters.problem import build_problem
from servicehall.cli import main

from .conftest import write_case


def effective_coverage(roster):
    """Per date, min(speed-weighted people on duty, requirement) per zone and period."""
    out = {}
    for d in roster.problem.days:
        eff = rosters.result.coverage_tables(roster.problem, roster.stints, effective=True)[d.date]
        need = roster.requirements(d.date).to_numpy(float)
        out[d.date] = np.minimum(eff.to_numpy(float), need)
    return out


def test_switch_weight_cuts_switches_without_changing_coverage(case, solved):
    hall, week, shifts, staff, need, _ = case
    free = rosters.roster_week(week, staff, shifts, need, time_limit=30, weights=rosters.Weights(switch=0.0))
    costly = solved   # the default weight
    assert rosters.Weights().switch > 0
    assert free.zone_switches >= 5 and costly.zone_switches <= free.zone_switches // 3, \
        (free.zone_switches, costly.zone_switches)
    # the same tours and lunches: only multi-skilled people's zones moved
    cols = ["date", "person", "shift", "lunch_start", "paid_hours"]
    pd.testing.assert_frame_equal(free.shifts[cols], costly.shifts[cols])
    # and no zone-period less covered
    a, b = effective_coverage(free), effective_coverage(costly)
    for date in a:
        assert (b[date] >= a[date] - 1e-9).all(), date
    assert abs(sum(x.sum() for x in a.values()) - sum(x.sum() for x in b.values())) < 1e-9
    # the polish's bound is realised by the hand-out, and paid for in the objective
    assert costly.size["switch_bound"] == costly.zone_switches
    assert costly.objective <= free.objective + rosters.Weights().switch * costly.zone_switches + 1e-6
    assert rosters.check_roster(costly) == []


def test_switches_are_reported_per_person_and_day(solved):
    shifts, stints = solved.shifts, solved.stints
    for r in shifts.itertuples(index=False):
        mine = stints[(stints["person"] == r.person) & (stints["date"] == r.date)].sort_values("start")
        zones = list(mine["zone"])
        assert r.switches == sum(1 for x, y in zip(zones, zones[1:]) if x != y), (r.person, r.date)
    fair = solved.fairness().set_index("person")
    assert fair["zone_switches"].sum() == solved.zone_switches == shifts["switches"].sum()
    assert (fair["days_switching"] <= fair["days"]).all()
    stats = solved.fairness_stats().set_index("measure")
    assert stats.loc["zone_switches", "total"] == solved.zone_switches
    assert "zone switches:" in solved.summary()


def test_the_hand_out_finds_the_fewest_switches():
    # p and q at zone a; at 1 one of them must go to b; p lunches at 2 while a needs one;
    # at 3 p is back and a and b need one each. Moving p (who lunches) costs one switch;
    # a greedy that keeps the first in id order at a moves q, then q back, then q again.
    coverage = {"p": (1, 1, 0, 1), "q": (1, 1, 1, 1)}
    quota = [{"a": 2, "b": 0}, {"a": 1, "b": 1}, {"a": 1, "b": 0}, {"a": 1, "b": 1}]
    homes = {"p": "a", "q": "a"}
    best = _fewest_switches(["p", "q"], coverage, ["a", "b"], quota.__getitem__, homes, 4)
    assert best == {"p": ["a", "b", None, "b"], "q": ["a", "a", "a", "a"]}
    assert sum(switches(v) for v in best.values()) == 1
    greedy = _greedy(["p", "q"], coverage, ["a", "b"], quota.__getitem__, homes, 4)
    assert sum(switches(v) for v in greedy.values()) > 1
    for t, q in enumerate(quota):   # both meet the counts
        for where in (best, greedy):
            placed = [v[t] for v in where.values() if v[t] is not None]
            assert {z: placed.count(z) for z in q} == q


def test_switch_weight_on_the_command_line(tmp_path, capsys):
    paths = write_case(tmp_path)
    common = ["roster", str(paths["hall.yaml"]), "--staff", str(paths["staff.csv"]), "--week", str(paths["week.yaml"]),
              "--no-verify", "--no-plots"]
    assert main(common + ["--switch-weight", "0", "--out", str(tmp_path / "free")]) == 0
    assert main(common + ["--out", str(tmp_path / "default")]) == 0
    free = json.loads((tmp_path / "free" / "summary.json").read_text(encoding="utf-8"))
    default = json.loads((tmp_path / "default" / "summary.json").read_text(encoding="utf-8"))
    assert default["zone_switches"] < free["zone_switches"]
    table = pd.read_csv(tmp_path / "default" / "roster.csv")
    assert table["switches"].sum() == default["zone_switches"]
    assert "zone_switches" in set(pd.read_csv(tmp_path / "default" / "fairness_stats.csv")["measure"])
    capsys.readouterr()
    assert main(common + ["--switch-weight", "-1"]) == 2
    assert "--switch-weight: must be paid hours from 0 to 100, got -1.0" in capsys.readouterr().err


def test_a_zone_closed_one_day_polishes_with_the_right_coverage(tmp_path):
    """On Saturday the social zone is closed: people skilled for it and one other zone have a
    single zone that day, count as fixed coverage there, and the polish leaves no zone-period
    of any day less covered than the tour program did."""
    import optimize
    import sim

    from .conftest import CALENDAR

    calendar = {**CALENDAR, "day_types": {**CALENDAR["day_types"], "saturday": {
        **CALENDAR["day_types"]["saturday"], "zones": [{"id": "social", "remove": True}],
        "services": [{"id": "pension", "remove": True}]}}}
    paths = write_case(tmp_path, calendar=calendar)
    hall = sim.load_scenario(paths["hall.yaml"])
    week = rosters.load_calendar(paths["week.yaml"], hall)
    shifts = optimize.load_shift_file(week.shifts, grid=week.union_grid(), zones=hall.zone_ids)
    staff = rosters.read_staff_csv(paths["staff.csv"], zones=hall.zone_ids, shifts=[p.id for p in shifts.patterns])
    need = rosters.week_requirements(week, "wait<=15@80%", "sipp")
    saturday = next(d for d in week.open_days if d.date.weekday() == 5)
    assert "social" not in saturday.scenario.zone_ids
    free = rosters.roster_week(week, staff, shifts, need, time_limit=30, weights=rosters.Weights(switch=0.0))
    costly = rosters.roster_week(week, staff, shifts, need, time_limit=30)
    assert rosters.check_roster(costly) == [] and costly.zone_switches <= free.zone_switches
    a, b = effective_coverage(free), effective_coverage(costly)
    for date in a:
        assert (b[date] >= a[date] - 1e-9).all(), date
    assert costly.size["polish_status"] == "optimal"
    # the polish sees the coverage as the roster has it: the groups it does not move, plus
    # the counts of those it does, are the people on duty in every zone-period
    problem = build_problem(week, staff, shifts, need)
    first = solve_model(problem, time_limit=30)
    heads, eff = fixed_coverage(problem, first)
    moved = {(date, z, t): 0.0 for d in problem.days for date in [d.date] for z in d.zones for t in range(d.n)}
    moved_eff = dict(moved)
    for (key, date, z, t), n in first.placed.items():
        if sum(1 for q, _ in key if q in problem.day(date).zones) >= 2:
            moved[date, z, t] += n
            moved_eff[date, z, t] += n / dict(key)[z]
    _, stints = disaggregate(problem, first)
    people = rosters.result.coverage_tables(problem, stints)
    weighted = rosters.result.coverage_tables(problem, stints, effective=True)
    for (date, z, t) in moved:
        label = problem.day(date).grid.labels[t]
        assert heads.get((date, z, t), 0.0) + moved[date, z, t] == people[date].loc[z, label], (date, z, label)
        assert np.isclose(eff.get((date, z, t), 0.0) + moved_eff[date, z, t], weighted[date].loc[z, label])
