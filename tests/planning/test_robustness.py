"""Robustness over demand scenarios: the counts against a direct loop over the scenarios, common
random numbers, the demand builders' rates, the chance-constrained plan against the per-scenario
requirements, and the command line with its errors."""

from __future__ import annotations

import json
import math
import re
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import optimize
import planning
import sim
from optimize.verify import cell_status, plan_frame, verify_plan
from planning.demand_set import DemandError, demand_scenarios, parse_demand_scenarios
from tests.helpers import hall, run_cli

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "scenarios" / "examples" / "small_hall.yaml"
TARGET = "wait<=15@80%"


@pytest.fixture(scope="module")
def base():
    return sim.load_scenario(SMALL)


def _plan(base, extra: int = 0):
    """The base's staff, *extra* more in every zone (within the windows)."""
    return plan_frame(base, np.array([[min(int(v) + extra, base.zone(z).windows) for v in base.staff_per_period(z)]
                                      for z in base.zone_ids]))


def test_counts_equal_a_direct_loop_over_the_scenarios(base):
    demands = parse_demand_scenarios(["scale=0.9,1.2", "shift=30"], base)
    plan = _plan(base, 1)
    result = planning.robustness(base, plan, demands, TARGET, replications=5, seed=3, workers=1)
    shape = (len(base.zone_ids), base.n_periods)
    expected = {k: np.zeros(shape, int) for k in ("holds", "confident", "met", "borderline", "missed", "exempt")}
    for d in demands:
        cells = verify_plan(d.apply(base), plan, TARGET, replications=5, seed=3, workers=1)
        status = cell_status(cells).unstack("start").reindex(index=base.zone_ids, columns=plan.columns).to_numpy()
        expected["holds"] += np.isin(status, ["met", "exempt"])
        for verdict in ("met", "borderline", "missed", "exempt"):
            expected[verdict] += status == verdict
        expected["confident"] += (cells["confident"] | (cells["status"] == "exempt")).to_numpy().reshape(shape)
    assert (result.holds.to_numpy() == expected["holds"]).all()
    for what, counts in expected.items():
        assert (result.count(what).to_numpy() == counts).all(), what
    assert result.n == 4 and (result.holds.to_numpy() <= 4).all()
    assert list(result.per_scenario["scenario"]) == ["nominal", "scale 0.9", "scale 1.2", "shift +30 min"]
    held = result.per_scenario.set_index("scenario")["share_held"]
    assert held["scale 1.2"] < held["nominal"] <= held["scale 0.9"]  # the same days, more demand: fewer hold
    zones = result.zone_table().set_index("zone")
    assert (zones["fewest"] == result.holds.min(axis=1)).all()
    assert "nominal" in str(result) and "税务区" in str(result)


def test_common_random_numbers_and_workers_do_not_change_the_counts(base):
    demands = parse_demand_scenarios("scale=1.1", base)
    one = planning.robustness(base, None, demands, TARGET, replications=4, seed=1, workers=1)
    two = planning.robustness(base, _plan(base), demands, TARGET, replications=4, seed=1, workers=2)
    assert one.holds.equals(two.holds) and one.confident.equals(two.confident)  # own staff = the same plan
    pd.testing.assert_frame_equal(one.estimates, two.estimates)
    other = planning.robustness(base, None, demands, TARGET, replications=4, seed=2, workers=1)
    assert not np.allclose(other.estimates["achieved"].fillna(-1), one.estimates["achieved"].fillna(-1))


def test_scaled_and_shifted_rates(base):
    demands = {d.name: d for d in parse_demand_scenarios(["scale=1.3", "shift=-30,60"], base)}
    scaled = demands["scale 1.3"].apply(base)
    for s in base.service_ids:
        assert scaled.rates_per_hour(s) == pytest.approx([1.3 * r for r in base.rates_per_hour(s)])
    before = np.array(base.rates_per_hour("transfer"))
    earlier = np.array(demands["shift -30 min"].apply(base).rates_per_hour("transfer"))
    later = np.array(demands["shift +60 min"].apply(base).rates_per_hour("transfer"))
    assert earlier == pytest.approx(np.append(before[1:], before[-1]))  # the last period's rate held
    assert later == pytest.approx(np.concatenate([[before[0]] * 2, before[:-2]]))  # the first period's rate held
    assert list(demands) == ["nominal", "scale 1.3", "shift -30 min", "shift +60 min"]


def test_a_shift_keeps_demand_scale_and_moves_bundles_too():
    data = hall(close="10:00", demand_scale=2.0,
                zones=[{"id": "z", "windows": 3, "staff": 2}, {"id": "y", "windows": 2, "staff": 1}],
                services=[{"id": "s", "zone": "z", "arrivals": {"per_day": 30, "profile": [1, 2, 3, 4]},
                           "service_time": {"dist": "exponential", "mean": 5}},
                          {"id": "t", "zone": "y", "arrivals": {"rate_per_hour": 6},
                           "service_time": {"dist": "exponential", "mean": 5}}],
                bundles=[{"id": "b", "services": ["s", "t"], "arrivals": {"rates_per_hour": [1, 2, 3, 4]}}])
    base = sim.scenario_from_dict(data)
    moved = parse_demand_scenarios(["shift=30"], base)[1].apply(base)
    assert moved.demand_scale == 2.0
    assert moved.rates_per_hour("s") == pytest.approx([12, 12, 24, 36])  # 6 w an hour x 2, w = 1,1,2,3
    assert moved.rates_per_hour("t") == pytest.approx([12] * 4)
    assert moved.arrival_rates(moved.bundle("b").arrivals) == pytest.approx([2, 2, 4, 6])


def test_draws_are_reproducible_and_have_the_asked_cv(base):
    days = parse_demand_scenarios(["draws=400", "cv=0.2", "seed=7"], base)[1:]
    factors = np.array([d.overrides["demand_scale"] for d in days])
    assert factors.mean() == pytest.approx(1.0, abs=0.03) and factors.std() == pytest.approx(0.2, abs=0.03)
    again = parse_demand_scenarios("draws=400; cv=0.2; seed=7", base)[1:]
    assert [d.overrides for d in again] == [d.overrides for d in days]
    other = parse_demand_scenarios(["draws=400", "cv=0.2", "seed=8"], base)[1:]
    assert [d.overrides for d in other] != [d.overrides for d in days]
    assert [d.name for d in days[:2]] == ["day 1", "day 2"]


def test_draws_default_to_the_scenarios_day_variation_and_switch_it_off_within_a_day(tmp_path):
    base = sim.scenario_from_dict(hall(day_variation={"cv": 0.25}))
    days = demand_scenarios(base, draws=300, seed=1)[1:]
    factors = np.array([d.overrides["demand_scale"] for d in days])
    assert factors.std() == pytest.approx(0.25, abs=0.04)
    assert days[0].apply(base).day_variation.cv == 0  # the draw is the day's variation
    calibrated = tmp_path / "calibrated.yaml"
    calibrated.write_text(f"extends: {SMALL}\nday_variation: {{cv: 0.12}}\n", encoding="utf-8")
    small = sim.load_scenario(SMALL)
    from_file = parse_demand_scenarios(["draws=3", f"cv={calibrated}"], small)
    assert from_file[1].description.endswith("(cv 0.12, seed 0)")


def test_a_variant_file_lends_its_demand_not_its_staffing(base, tmp_path):
    variant = tmp_path / "busy.yaml"
    variant.write_text(f"extends: {SMALL}\nname: busy day\ndemand_scale: 1.2\nzones:\n  - {{id: tax, staff: 4}}\n",
                       encoding="utf-8")
    busy = parse_demand_scenarios([f"file={variant}"], base)[1]
    applied = busy.apply(base)
    assert busy.name == "busy" and "zones.tax.staff" in busy.description
    assert applied.rates_per_hour("invoice") == pytest.approx([1.2 * r for r in base.rates_per_hour("invoice")])
    assert applied.staff_per_period("tax") == base.staff_per_period("tax")


def test_the_monday_variant_of_the_reference_hall():
    lanling = sim.load_scenario(ROOT / "scenarios" / "lanling.yaml")
    monday = parse_demand_scenarios([f"file={ROOT / 'scenarios' / 'lanling_monday.yaml'}"], lanling)[1]
    file = sim.load_scenario(ROOT / "scenarios" / "lanling_monday.yaml")
    applied = monday.apply(lanling)
    for s in lanling.service_ids:
        assert applied.rates_per_hour(s) == pytest.approx(file.rates_per_hour(s))
    assert all(applied.staff_per_period(z) == lanling.staff_per_period(z) for z in lanling.zone_ids)


def test_a_new_item_is_added(base):
    spec = "new={id: permit, zone: tax, arrivals: {rate_per_hour: 6}, service_time: {dist: exponential, mean: 5}}"
    item = parse_demand_scenarios([spec], base)[1]
    applied = item.apply(base)
    assert item.name == "new permit" and applied.service_ids == base.service_ids + ["permit"]
    assert applied.rates_per_hour("permit") == pytest.approx([6] * base.n_periods)


def _needs(base, demands):
    return np.stack([optimize.analytic_requirements(d.apply(base), TARGET).to_numpy() for d in demands])


def test_chance_constrained_plan_covers_the_share_in_every_cell(base):
    demands = parse_demand_scenarios(["scale=0.8,0.9,1.1,1.2"], base)
    chance = planning.chance_constrained_plan(base, TARGET, demands, 0.8)
    k = math.ceil(0.8 * 5)
    assert chance.needed == k == 4
    needs, plan = _needs(base, demands), chance.plan.to_numpy()
    windows = np.array([[base.zone(z).windows] for z in base.zone_ids])
    covered = (needs <= plan[None]).sum(axis=0)
    beyond = np.sort(needs, axis=0)[k - 1] > windows
    assert ((covered >= k) | beyond).all() and (plan[beyond] == np.broadcast_to(windows, plan.shape)[beyond]).all()
    assert ((needs <= plan[None] - 1).sum(axis=0) < k).all()  # one fewer anywhere covers too few: the least
    assert len(chance.uncovered) == beyond.sum()
    assert (chance.covered().to_numpy() == covered).all()
    nominal = np.minimum(optimize.analytic_requirements(base, TARGET).to_numpy(), windows)
    assert (chance.nominal.to_numpy() == nominal).all()
    costs = chance.costs().set_index("plan")
    assert costs.loc["chance", "cost"] >= costs.loc["nominal", "cost"] and chance.extra_cost >= 0
    assert chance.evaluation is None  # not simulated unless replications are given


def test_chance_plan_share_rounding_methods_and_errors(base):
    demands = parse_demand_scenarios(["scale=0.9,1.1,1.2,1.3"], base)
    assert planning.chance_constrained_plan(base, TARGET, demands, 0.6).needed == 3  # 0.6 x 5, not 3.0000000000000004
    one = planning.chance_constrained_plan(base, TARGET, demands, 1.0, method=lambda s, t: plan_frame(
        s, np.ones((len(s.zone_ids), s.n_periods), int)))
    assert (one.plan.to_numpy() == 1).all() and one.extra_cost == 0
    lag = planning.chance_constrained_plan(base, TARGET, demands, 1.0, method="lag")
    highest = np.stack([optimize.analytic_requirements(d.apply(base), TARGET, "lag").to_numpy()
                        for d in demands]).max(axis=0)
    windows = np.array([[base.zone(z).windows] for z in base.zone_ids])
    assert lag.method == "lag" and (lag.requirement.to_numpy() == np.minimum(highest, windows)).all()
    for share in (0, 1.5, True):
        with pytest.raises(ValueError, match="share"):
            planning.chance_constrained_plan(base, TARGET, demands, share)
    with pytest.raises(ValueError, match="method"):
        planning.chance_constrained_plan(base, TARGET, demands, 0.5, method="guess")


def test_a_rostered_chance_plan_covers_its_requirement_and_costs_at_least_the_nominal():
    hall_ = sim.load_scenario(ROOT / "tests" / "data" / "optimize_hall.yaml")
    grid = (hall_.open_minute, hall_.close_minute, hall_.period_minutes)
    shifts = optimize.load_shift_file(ROOT / "tests" / "data" / "optimize_shifts.yaml", grid=grid, zones=hall_.zone_ids)
    demands = parse_demand_scenarios(["scale=0.9,1.15"], hall_)
    chance = planning.chance_constrained_plan(hall_, TARGET, demands, 1.0, shifts=shifts)
    assert chance.roster is not None and chance.roster.solved
    assert (chance.plan.to_numpy() >= chance.requirement.to_numpy()).all()
    assert (chance.nominal.to_numpy() >= chance.nominal_requirement.to_numpy()).all()
    costs = chance.costs().set_index("plan")
    assert costs.loc["chance", "paid_hours"] == chance.roster.staff_hours
    assert costs.loc["chance", "cost"] >= costs.loc["nominal", "cost"]


@pytest.mark.slow
def test_robustness_command_writes_a_folder_and_prints_only_json(tmp_path):
    out, plots = tmp_path / "rob", tmp_path / "plots"
    proc = run_cli("robustness", SMALL, "--demand", "scale=0.9,1.2", "--share", "0.7", "-n", "3", "--workers", "1",
                   "--out", out, "--plots", plots, "--json", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [s["scenario"] for s in doc["scenarios"]] == ["nominal", "scale 0.9", "scale 1.2"]
    assert doc["chance_constrained"]["needed"] == 3 and doc["n_scenarios"] == 3
    assert {"cells.csv", "holds.csv", "scenarios.csv", "summary.json", "chance_plan.csv"} <= {p.name for p in out.iterdir()}
    holds = pd.read_csv(out / "holds.csv", index_col="zone")
    assert holds.to_dict("index") == doc["holds"]
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == doc
    assert sorted(p.name for p in plots.iterdir()) == ["chance_holds.png", "holds.png", "nominal_holds.png"]
    plan = sim.read_staffing_file(out / "chance_plan.csv", sim.load_scenario(SMALL))  # simulate --staffing reads it
    assert plan.staff_per_period("tax") == [float(v) for v in doc["chance_constrained"]["plan"]["tax"].values()]


def test_robustness_command_prints_tables():
    proc = run_cli("robustness", SMALL, "--demand", "shift=30", "-n", "2", "--workers", "1", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "税务区" in proc.stdout and "shift +30 min" in proc.stdout and "every period holds in" in proc.stdout


@pytest.mark.parametrize("args, message", [
    (["--demand", "scale=abc"], "--demand: scale: expected numbers separated by commas"),
    (["--demand", "scale=-1"], "--demand: scale: must be a number > 0, got -1"),
    (["--demand", "shift=7"], "--demand: shift: must be a whole number of periods (30 min), got 7"),
    (["--demand", "draws=5"], "--demand: draws: needs a day-to-day cv"),
    (["--demand", "cv=0.2"], "--demand: cv: cv= and seed= go with draws=N"),
    (["--demand", "volume=3"], "--demand: volume: expected KIND=VALUES"),
    (["--demand", "file=nowhere.yaml"], "--demand: file: nowhere.yaml: file not found"),
    (["--demand", "new={id: invoice, zone: tax}"], "service 'invoice' is already in the scenario"),
    (["--demand", "draws=2", "--demand", "draws=3"], "--demand: draws: give draws= at most once"),
    (["--demand", "scale=1.1", "--shifts", "s.yaml"], "--shifts: goes with --share"),
    (["--demand", "scale=1.1", "--share", "1.5"], "--share"),
    (["--demand", "scale=1.1", "--target", "wait<=15"], "--target"),
])
def test_bad_input_exits_2_with_a_clear_message(args, message):
    proc = run_cli("robustness", SMALL, *args, "-n", "2", "--workers", "1", cwd=ROOT)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_demand_error_is_an_input_error_and_a_value_error(base):
    with pytest.raises(DemandError) as info:
        parse_demand_scenarios(["shift=100000"], base)
    assert isinstance(info.value, sim.InputError) and isinstance(info.value, ValueError)
    with pytest.raises(DemandError, match="its own name"):
        parse_demand_scenarios(["scale=1.1,1.1"], base)


DOC = ROOT / "docs" / "robustness.md"


def test_the_documented_example_prints_what_the_page_shows():
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- robustness-example -->\n```\n\$ servicehall (.*?)\n(.*?)```", text, re.S)
    proc = run_cli(*shlex.split(block[1]), cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == block[2]


def test_the_documented_python_example_prints_its_comments(capsys, monkeypatch):
    text = DOC.read_text(encoding="utf-8")
    code = re.search(r"## In Python\n\n```python\n(.*?)```", text, re.S)[1]
    monkeypatch.chdir(ROOT)
    exec(compile(code, str(DOC), "exec"), {})
    expected = [re.search(r"# (.*?)(?::|$)", line)[1] for line in code.splitlines() if line.startswith("print(")]
    assert capsys.readouterr().out.splitlines() == expected


def test_the_function_keeps_its_name_after_its_module_loads():
    import planning

    planning.Robustness  # noqa: B018 - loads the module that defines both
    assert callable(planning.robustness)
