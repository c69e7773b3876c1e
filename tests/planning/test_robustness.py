"""Robustness over demand scenarios: the counts against a direct loop, the demand builders, the
chance-constrained plan against the per-scenario requirements, and the command line."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import optimize
import planning
import sim
from optimize.verify import plan_frame, verify_plan
from planning.demand_set import DemandError, parse_demand_scenarios
from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "scenarios" / "examples" / "small_hall.yaml"
TARGET = "wait<=15@80%"


@pytest.fixture(scope="module")
def base():
    return sim.load_scenario(SMALL)


def test_counts_equal_a_direct_loop_over_the_scenarios(base):
    demands = parse_demand_scenarios(["scale=0.9,1.2", "shift=30"], base)
    result = planning.robustness(base, None, demands, TARGET, replications=5, seed=3, workers=1)
    plan = plan_frame(base, np.array([base.staff_per_period(z) for z in base.zone_ids], float))
    expected = np.zeros(result.holds.shape, int)
    sure = np.zeros(result.holds.shape, int)
    for d in demands:
        cells = verify_plan(d.apply(base), plan, TARGET, replications=5, seed=3, workers=1)
        status = cells["status"].to_numpy().reshape(result.holds.shape)
        expected += np.isin(status, ["met", "exempt"])
        sure += (cells["confident"].to_numpy() | (cells["status"] == "exempt").to_numpy()).reshape(result.holds.shape)
    assert (result.holds.to_numpy() == expected).all()
    assert (result.confident.to_numpy() == sure).all()
    assert list(result.per_scenario["scenario"]) == ["nominal", "scale 0.9", "scale 1.2", "shift +30 min"]
    # more demand, fewer zone-periods hold (same days: common random numbers)
    held = result.per_scenario.set_index("scenario")["share_held"]
    assert held["scale 1.2"] < held["nominal"] <= held["scale 0.9"]


def test_same_seed_same_counts_whatever_the_workers(base):
    demands = parse_demand_scenarios(["scale=1.1"], base)
    one = planning.robustness(base, None, demands, TARGET, replications=4, seed=1, workers=1)
    two = planning.robustness(base, None, demands, TARGET, replications=4, seed=1, workers=2)
    assert one.holds.equals(two.holds)


def test_demand_builders_give_the_intended_rates(base):
    demands = {d.name: d for d in parse_demand_scenarios(
        ["scale=1.3", "shift=-30", "draws=400", "cv=0.2", "seed=7"], base)}
    scaled = demands["scale 1.3"].apply(base)
    assert scaled.rates_per_hour("invoice") == pytest.approx([1.3 * r for r in base.rates_per_hour("invoice")])
    moved = demands["shift -30 min"].apply(base)
    before, after = np.array(base.rates_per_hour("transfer")), np.array(moved.rates_per_hour("transfer"))
    assert after.sum() == pytest.approx(before.sum(), rel=1e-6)  # the same visitors a day
    assert after[:-1] / after[:-1].sum() == pytest.approx(before[1:] / before[1:].sum(), rel=1e-5)
    assert after[-1] == 0
    factors = np.array([demands[f"day {k}"].overrides["demand_scale"] for k in range(1, 401)])
    assert factors.mean() == pytest.approx(1.0, abs=0.03) and factors.std() == pytest.approx(0.2, abs=0.03)
    again = parse_demand_scenarios(["draws=400", "cv=0.2", "seed=7"], base)
    assert [d.overrides for d in again[1:]] == [demands[f"day {k}"].overrides for k in range(1, 401)]


def test_a_variant_file_lends_its_demand_not_its_staffing():
    lanling = sim.load_scenario(ROOT / "scenarios" / "lanling.yaml")
    monday = parse_demand_scenarios([f"file={ROOT / 'scenarios' / 'lanling_monday.yaml'}"], lanling)[1]
    applied = monday.apply(lanling)
    file = sim.load_scenario(ROOT / "scenarios" / "lanling_monday.yaml")
    assert applied.rates_per_hour(lanling.service_ids[0]) == pytest.approx(file.rates_per_hour(lanling.service_ids[0]))
    assert all(applied.staff_per_period(z) == lanling.staff_per_period(z) for z in lanling.zone_ids)


def test_chance_constrained_plan_covers_the_share_in_every_cell(base):
    demands = parse_demand_scenarios(["scale=0.8,0.9,1.1,1.2"], base)
    chance = planning.chance_constrained_plan(base, TARGET, demands, 0.6)
    k = math.ceil(0.6 * 5)
    assert chance.covered == k
    needs = np.stack([optimize.analytic_requirements(d.apply(base), TARGET).to_numpy() for d in demands])
    windows = np.array([[base.zone(z).windows] for z in base.zone_ids])
    covered = (needs <= chance.plan.to_numpy()[None]).sum(axis=0)
    capped = chance.plan.to_numpy() == windows
    assert ((covered >= k) | capped).all()
    # and it is the cheapest such plan: one fewer in any uncapped cell covers fewer scenarios
    fewer = (needs <= chance.plan.to_numpy()[None] - 1).sum(axis=0)
    assert ((fewer < k) | (chance.plan.to_numpy() == 0)).all()
    assert chance.staff_hours >= chance.nominal_staff_hours
    with pytest.raises(ValueError, match="share"):
        planning.chance_constrained_plan(base, TARGET, demands, 1.5)


def test_robustness_command_writes_a_folder_and_json(tmp_path):
    out = tmp_path / "rob"
    proc = run_cli("robustness", str(SMALL), "--demand", "scale=0.9,1.2", "--share", "0.7", "-n", "3",
                   "--workers", "1", "--out", str(out), "--json", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [s["scenario"] for s in doc["scenarios"]] == ["nominal", "scale 0.9", "scale 1.2"]
    assert doc["chance_constrained"]["scenarios_covered"] == 3
    assert sorted(p.name for p in out.iterdir()) == ["cells.csv", "chance_plan.csv", "holds.csv", "holds.png",
                                                     "scenarios.csv", "summary.json"]


@pytest.mark.parametrize("spec, message", [
    ("scale=abc", "expected numbers"),
    ("scale=-1", "must be a number > 0"),
    ("shift=7", "whole number of periods"),
    ("draws=5", "needs a day-to-day cv"),
    ("cv=0.2", "go with draws"),
    ("volume=3", "expected KIND=VALUES"),
    ("file=nowhere.yaml", "nowhere.yaml"),
])
def test_bad_demand_specs_exit_2_with_a_clear_message(spec, message):
    proc = run_cli("robustness", str(SMALL), "--demand", spec, "-n", "2", "--workers", "1", cwd=ROOT)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_demand_error_is_an_input_error(base):
    with pytest.raises(DemandError):
        parse_demand_scenarios(["shift=100000"], base)
