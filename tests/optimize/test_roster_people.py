"""A roster is simulated as its people: their own shifts, lunches where the roster put them."""

from pathlib import Path

import pytest

import optimize
import sim
from servicehall.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def solved():
    scenario = sim.load_scenario(ROOT / "scenarios" / "examples" / "small_hall.yaml")
    shifts = optimize.parse_shift_spec({"shifts": [
        {"id": "early", "start": "08:30", "end": "12:30", "lunch": {"minutes": 30, "earliest": "10:00", "latest": "11:00"}},
        {"id": "short", "start": "09:30", "end": "11:30"}]})
    reqs = {z: [2, 2, 3, 3, 3, 3, 2, 2] for z in scenario.zone_ids}
    grid = (scenario.open_minute, scenario.close_minute, scenario.period_minutes)
    roster = optimize.solve_roster(reqs, shifts, grid, windows={z.id: z.windows for z in scenario.zones})
    assert roster.solved
    return scenario, roster


def test_people_cover_exactly_what_the_roster_put_on_duty(solved):
    scenario, roster = solved
    staffed = sim.apply_people(scenario, roster.people(scenario))
    for zone in scenario.zone_ids:
        # a person is on duty in a period when working all of it: the time-average staff equals
        # the roster's coverage wherever nobody is at lunch for part of the period
        assert staffed.staff_per_period(zone) == pytest.approx(list(roster.on_duty.loc[zone]), abs=0.5)
    lunches = {p["lunch"]["earliest"] for p in roster.people(scenario) if "lunch" in p}
    assert lunches and all(p["lunch"]["earliest"] == p["lunch"]["latest"] for p in roster.people(scenario) if "lunch" in p)


def test_simulate_accepts_the_roster_csv(solved, tmp_path, capsys):
    scenario, roster = solved
    path = tmp_path / "roster.csv"
    roster.to_frame().to_csv(path, index=False)
    staffed = sim.read_staffing_file(path, scenario)
    assert staffed.people is not None and sum(p.count for p in staffed.people) == roster.headcount
    code = main(["simulate", str(ROOT / "scenarios" / "examples" / "small_hall.yaml"), "--staffing", str(path),
                 "-n", "2", "--workers", "1"])
    assert code == 0 and "all zones" in capsys.readouterr().out


def test_bad_roster_rows_name_the_row(solved, tmp_path):
    scenario, roster = solved
    frame = roster.to_frame()
    frame.loc[0, "zone_or_pool"] = "nowhere"
    path = tmp_path / "roster.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(sim.ScenarioError) as info:
        sim.read_staffing_file(path, scenario)
    assert info.value.path == "row 2: zone_or_pool" and "'nowhere'" in info.value.message
