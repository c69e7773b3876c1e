"""The full roster IP: lunches, pools, windows, minimum staff, headcount."""

import pandas as pd
import pytest

from optimize import Lunch, PeriodGrid, Pool, ShiftPattern, ShiftSpec, solve_roster

MORNING = (480, 720, 30)  # 08:00-12:00 in eight half hours
FULL = ShiftPattern("full", 480, 720, cost=4)
HALF_A = ShiftPattern("half_a", 480, 600, cost=2.5)
HALF_B = ShiftPattern("half_b", 600, 720, cost=2.5)


def test_lunch_start_is_chosen_inside_its_window():
    # one person, who must lunch exactly when nobody is needed (10:00)
    pattern = ShiftPattern("morning", 480, 720, Lunch(30, 540, 660))
    assert [v.lunch_label for v in pattern.variants(MORNING)] == [
        "09:00", "09:30", "10:00", "10:30", "11:00"]
    roster = solve_roster({"tax": [1, 1, 1, 1, 0, 1, 1, 1]}, [pattern], MORNING)
    assert roster.status == "optimal"
    assert {k: v for k, v in roster.counts.items() if v} == {("morning", "10:00", "tax"): 1}
    assert roster.cost == pytest.approx(3.5)  # default cost: paid hours
    assert roster.staff_hours == pytest.approx(3.5)


def test_staggered_lunches_keep_the_window_open():
    pattern = ShiftPattern("morning", 480, 720, Lunch(30, 540, 660))
    roster = solve_roster({"tax": [1] * 8}, [pattern], MORNING, solver="CBC")
    assert roster.status == "optimal"
    assert roster.headcount == 2
    table = roster.to_frame()
    assert set(table["lunch_start"]) <= {"09:00", "09:30", "10:00", "10:30", "11:00"}
    assert table["lunch_start"].nunique() == 2  # never both at lunch together
    assert (roster.on_duty.loc["tax"] >= 1).all()


def test_pool_covers_several_zones():
    reqs = {"a": [1, 1, 1, 1, 0, 0, 0, 0], "b": [0, 0, 0, 0, 1, 1, 1, 1], "c": [1] * 8}
    alone = solve_roster(reqs, [FULL], MORNING)
    assert alone.cost == 12  # one person per zone
    pooled = solve_roster(reqs, [FULL], MORNING, pools=[Pool("comprehensive", ("a", "b"))])
    assert pooled.status == "optimal"
    assert pooled.cost == 8
    assert pooled.counts[("full", "", "comprehensive")] == 1
    assert pooled.counts[("full", "", "c")] == 1
    assert pooled.pool_assignment.loc[("comprehensive", "a")].tolist() == reqs["a"]
    assert pooled.pool_assignment.loc[("comprehensive", "b")].tolist() == reqs["b"]
    assert pooled.on_duty.loc["a"].tolist() == reqs["a"]


def test_exclusive_pool_is_the_only_staff_of_its_zones():
    reqs = {"a": [1] * 8, "b": [2] * 8}
    roster = solve_roster(reqs, [FULL], MORNING,
                          pools=[Pool("one_window", ("a", "b"), exclusive=True)])
    assert {k: v for k, v in roster.counts.items() if v} == {("full", "", "one_window"): 3}
    assert all(group == "one_window" for _, _, group in roster.counts)


def test_min_staff_while_open():
    reqs = {"quiet": [0] * 8}
    roster = solve_roster(reqs, [FULL, HALF_A, HALF_B], MORNING, min_staff=1)
    assert roster.cost == 4  # one full shift beats two halves
    assert (roster.on_duty.loc["quiet"] >= 1).all()
    half_day = solve_roster(reqs, [FULL, HALF_A, HALF_B], MORNING, min_staff=1,
                            open_periods={"quiet": [True] * 4 + [False] * 4})
    assert {k: v for k, v in half_day.counts.items() if v} == {("half_a", "", "quiet"): 1}
    with pytest.raises(ValueError, match="has requirement 1 at 10:00 but is closed then"):
        solve_roster({"quiet": [0] * 4 + [1] * 4}, [FULL], MORNING,
                     open_periods={"quiet": [True] * 4 + [False] * 4})


def test_headcount_limit_forces_longer_shifts():
    cheap_halves = [ShiftPattern("full", 480, 720, cost=5),
                    ShiftPattern("half_a", 480, 600, cost=2),
                    ShiftPattern("half_b", 600, 720, cost=2)]
    assert solve_roster({"z": [1] * 8}, cheap_halves, MORNING).cost == 4
    capped = solve_roster({"z": [1] * 8}, cheap_halves, MORNING, headcount=1)
    assert capped.cost == 5
    assert capped.headcount == 1


@pytest.mark.parametrize("solver", ["HiGHS", "CBC"])
def test_windows_cap_gives_best_roster_and_unmet_list(solver):
    roster = solve_roster({"tax": [3] * 8, "fund": [1] * 8}, [FULL], MORNING,
                          windows={"tax": 2, "fund": 4}, solver=solver)
    assert roster.status == "understaffed"
    assert roster.solver_status == "optimal"
    assert roster.counts[("full", "", "tax")] == 2
    assert roster.counts[("full", "", "fund")] == 1
    labels = PeriodGrid(*MORNING).labels
    assert [(u.zone, u.period, u.shortfall) for u in roster.unmet] == [
        ("tax", label, 1) for label in labels]
    assert roster.unmet_frame().shape == (8, 3)
    assert (roster.on_duty.loc["tax"] <= 2).all()
    assert "unmet: tax at 08:00 short by 1" in roster.summary()
    hard = solve_roster({"tax": [3] * 8}, [FULL], MORNING, windows=2, soft=False, solver=solver)
    assert hard.status == "infeasible"
    assert "cannot all hold" in hard.diagnosis[0]


def test_windows_per_period():
    roster = solve_roster({"tax": [2] * 8}, [FULL, HALF_A, HALF_B], MORNING,
                          windows={"tax": [1] * 4 + [2] * 4})
    assert roster.status == "understaffed"
    assert [u.shortfall for u in roster.unmet] == [1] * 4
    assert roster.on_duty.loc["tax"].tolist() == [1] * 4 + [2] * 4


def test_hard_conflicts_are_diagnosed_before_solving():
    roster = solve_roster({"tax": [0] * 8, "fund": [0] * 8}, [HALF_A], MORNING,
                          windows={"tax": 1, "fund": 3}, min_staff={"tax": 2, "fund": 1},
                          headcount=2)
    assert roster.status == "infeasible"
    assert not roster.solved
    assert roster.diagnosis == (
        "zone 'tax': min_staff 2 exceeds its windows (1) at 08:00-12:00",
        "zone 'tax': min_staff needs someone at 10:00-12:00 but no shift works then",
        "zone 'fund': min_staff needs someone at 10:00-12:00 but no shift works then",
        "min_staff over all open zones needs 3 people at 08:00-12:00, headcount is 2",
    )
    assert roster.to_frame().empty


DAY = (480, 1050, 30)  # 08:00-17:30
DAY_SHIFTS = ShiftSpec(
    patterns=(ShiftPattern("early", 480, 990, Lunch(60, 660, 810)),
              ShiftPattern("late", 570, 1050, Lunch(60, 690, 840)),
              ShiftPattern("short", 480, 720, cost=3.5)),
    pools=(Pool("comprehensive", ("realestate", "housing_fund")),),
    min_staff=1, period_minutes=30)
DAY_REQS = {
    "realestate": [2, 3, 4, 4, 5, 5, 4, 3, 2, 2, 3, 4, 4, 4, 3, 3, 2, 2, 1],
    "housing_fund": [1, 1, 2, 2, 2, 1, 1, 1, 0, 0, 1, 1, 2, 2, 1, 1, 1, 0, 0],
    "tax": [2, 2, 3, 3, 3, 3, 2, 2, 1, 1, 2, 2, 3, 3, 2, 2, 2, 1, 1],
}
DAY_WINDOWS = {"realestate": 6, "housing_fund": 3, "tax": 4}


def check_roster(roster, reqs, windows, spec, grid):
    """Recompute staff on duty from the tidy table and the pool placements."""
    variants = {(v.pattern, v.lunch_label): v for p in spec.patterns for v in p.variants(grid)}
    for zone, need in reqs.items():
        own = [0] * len(need)
        for row in roster.to_frame().itertuples():
            if row.zone_or_pool == zone:
                cover = variants[row.pattern, row.lunch_start].coverage
                own = [o + row.staff * c for o, c in zip(own, cover)]
        placed = roster.pool_assignment.xs(zone, level="zone").sum().tolist() \
            if zone in roster.pool_assignment.index.get_level_values("zone") else [0] * len(need)
        duty = [o + p for o, p in zip(own, placed)]
        assert duty == roster.on_duty.loc[zone].tolist()
        assert all(d >= max(r, spec.min_staff) for d, r in zip(duty, need))
        assert all(d <= windows[zone] for d in duty)
    for pool in spec.pools:
        rows = roster.to_frame()
        people = rows[rows.zone_or_pool == pool.id]
        for t in range(grid.n_periods):
            working = sum(r.staff * variants[r.pattern, r.lunch_start].coverage[t]
                          for r in people.itertuples())
            assert roster.pool_assignment.loc[pool.id].iloc[:, t].sum() <= working


def test_realistic_day_same_optimum_with_both_solvers():
    grid = PeriodGrid(*DAY)
    highs = solve_roster(DAY_REQS, DAY_SHIFTS, grid, windows=DAY_WINDOWS, time_limit=60)
    cbc = solve_roster(DAY_REQS, DAY_SHIFTS, grid, windows=DAY_WINDOWS, solver="CBC",
                       time_limit=60)
    assert highs.status == cbc.status == "optimal"
    assert highs.cost == pytest.approx(cbc.cost)
    for roster in (highs, cbc):
        check_roster(roster, DAY_REQS, DAY_WINDOWS, DAY_SHIFTS, grid)
    table = highs.to_frame()
    assert list(table.columns) == ["pattern", "start", "end", "lunch_start", "lunch_minutes",
                                   "zone_or_pool", "staff"]
    assert table["staff"].sum() == highs.headcount
    assert highs.staff_hours == pytest.approx(
        sum(r.staff * {"early": 7.5, "late": 7.0, "short": 4.0}[r.pattern]
            for r in table.itertuples()))


def test_requirement_shapes_agree():
    frame = pd.DataFrame.from_dict(DAY_REQS, orient="index")
    series = frame.stack()
    costs = {solve_roster(r, DAY_SHIFTS, DAY, windows=DAY_WINDOWS).cost
             for r in (DAY_REQS, frame, series)}
    assert len(costs) == 1


@pytest.mark.parametrize("kwargs,message", [
    (dict(requirements={"tax": [1] * 7}), "requirements for zone 'tax' have 7 periods, "
                                          "the grid has 8"),
    (dict(requirements={"tax": [1.5] * 8}), r"requirements\['tax'\]\[0\] must be a whole"),
    (dict(pools=[Pool("p", ("tax", "nowhere"))]), "pool 'p' names zones without requirements"),
    (dict(windows={"fund": 2}), "windows names zones without requirements"),
    (dict(windows={}), "windows has no entry for zone 'tax'"),
    (dict(min_staff=-1), "min_staff must be a whole number >= 0, got -1"),
    (dict(headcount=2.5), "headcount must be a whole number"),
    (dict(shifts=[]), "give at least one shift pattern"),
    (dict(shifts=ShiftSpec((FULL,), period_minutes=15)), "the shifts are for 15-minute periods"),
    (dict(grid=(480, 700, 30)), "not a whole number of 30-minute periods"),
])
def test_bad_input(kwargs, message):
    args = dict(requirements={"tax": [1] * 8}, shifts=[FULL], grid=MORNING) | kwargs
    with pytest.raises(ValueError, match=message):
        solve_roster(args.pop("requirements"), args.pop("shifts"), args.pop("grid"), **args)


def test_constraints_are_named(monkeypatch):
    from optimize import roster_model

    seen = {}
    real_solve = roster_model.solve

    def spy(problem, *args, **kwargs):
        seen["names"] = {c.name for c in problem.constraints()}
        return real_solve(problem, *args, **kwargs)

    monkeypatch.setattr(roster_model, "solve", spy)
    solve_roster({"a": [1] * 8, "b": [0] * 8}, [FULL], MORNING, windows=2, min_staff=1,
                 headcount=5, pools=[Pool("p", ("a", "b"))])
    prefixes = {name.rsplit("_", 2)[0] if name != "headcount" else name
                for name in seen["names"]}
    assert prefixes == {"pool", "cover", "window", "min", "headcount"}
    assert "cover_1_7" in seen["names"]  # zone index 1, last period


def test_time_limit_result_is_consistent():
    # a 23-zone day; with a tiny limit HiGHS may stop early, and the result must say so
    zones = [f"z{i}" for i in range(23)]
    shape = [2, 3, 4, 5, 5, 4, 3, 2, 2, 3, 4, 5, 5, 4, 3, 3, 2, 2]
    reqs = {z: [max(0, round(s * (0.3 + 0.07 * i))) for s in shape] for i, z in enumerate(zones)}
    patterns = [ShiftPattern("early", 510, 1020, Lunch(60, 660, 780)),
                ShiftPattern("late", 540, 1050, Lunch(60, 690, 810)),
                ShiftPattern("am", 510, 750), ShiftPattern("pm", 780, 1050)]
    pools = [Pool("p1", tuple(zones[:5])), Pool("p2", tuple(zones[5:9]), exclusive=True)]
    grid = (510, 1050, 30)
    best = solve_roster(reqs, patterns, grid, pools=pools, min_staff=1)
    assert best.status == "optimal"
    rushed = solve_roster(reqs, patterns, grid, pools=pools, min_staff=1, time_limit=0.01)
    assert rushed.status in ("optimal", "feasible", "not solved")
    if rushed.solved:
        assert rushed.cost >= best.cost - 1e-9
        assert not rushed.unmet
    else:
        assert rushed.to_frame().empty


def test_rates_to_requirements_to_roster():
    from optimize import requirements_by_zone

    rates = {"realestate": [0.3, 0.6, 0.9, 0.8, 0.5, 0.4, 0.6, 0.7],
             "tax": [0.2, 0.2, 0.4, 0.4, 0.3, 0.2, 0.2, 0.1]}
    reqs = requirements_by_zone(rates, period_minutes=30, mean_service=8.0,
                                targets="wait<=15@80%", method="mol", mean_patience=30.0)
    roster = solve_roster(reqs, [FULL, HALF_A, HALF_B], MORNING, windows=10, min_staff=1)
    assert roster.status == "optimal"
    assert (roster.on_duty.values >= reqs.values).all()
    assert list(roster.on_duty.columns) == list(PeriodGrid(*MORNING).labels)
