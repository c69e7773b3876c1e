"""Sweeps: grid points, common random numbers, the tidy table, and the command line."""

import json

import pandas as pd
import pytest

import sim
from servicehall.cli import main
from servicehall.cli.errors import UserError
from servicehall.cli.sweep import parse_range, parse_values, parse_vary
from sim.sweep_grid import sweep_points
from tests.helpers import run_cli

from .conftest import ROOT, SMALL


def test_points_are_the_cartesian_product_first_parameter_slowest(small):
    points = sweep_points(small, {"demand_scale": [0.9, 1.1], "zones.tax.staff": [5, 6.0, 7]})
    assert [v for v, _ in points] == [
        {"demand_scale": 0.9, "zones.tax.staff": 5}, {"demand_scale": 0.9, "zones.tax.staff": 6},
        {"demand_scale": 0.9, "zones.tax.staff": 7}, {"demand_scale": 1.1, "zones.tax.staff": 5},
        {"demand_scale": 1.1, "zones.tax.staff": 6}, {"demand_scale": 1.1, "zones.tax.staff": 7},
    ]
    assert [(s.demand_scale, s.zone("tax").staff) for _, s in points][4] == (1.1, 6)


def test_bad_grids_fail_before_simulating(small):
    with pytest.raises(ValueError, match="one or two parameters"):
        sweep_points(small, {"demand_scale": [1], "zones.tax.staff": [5], "zones.social.staff": [4]})
    with pytest.raises(ValueError, match="at least one value"):
        sweep_points(small, {"demand_scale": []})
    with pytest.raises(ValueError, match="at least one parameter"):
        sweep_points(small, {})
    with pytest.raises(sim.ScenarioError, match="exceeds the zone's 8 windows"):
        sweep_points(small, {"zones.tax.staff": [6, 7, 8, 9]})
    with pytest.raises(ValueError, match="by must be one of"):
        sim.sweep(small, {"demand_scale": [1]}, replications=2, by="zone_period")


def test_sweep_table_columns_and_groups(sweep_frame):
    assert list(sweep_frame.columns) == ["demand_scale", "zones.tax.staff", "group", "kpi", "mean", "low", "high", "n"]
    assert set(sweep_frame["group"]) == {"tax", "social"}
    assert len(sweep_frame) == 4 * 2 * len(sim.KPIS)
    assert (sweep_frame.loc[sweep_frame["kpi"] == "mean_wait", "n"] == 3).all()
    assert sweep_frame.attrs["parameters"] == ["demand_scale", "zones.tax.staff"]
    assert sweep_frame.attrs["labels"]["tax"] == "税务区"
    ok = sweep_frame.dropna(subset=["low"])
    assert ((ok["low"] <= ok["mean"] + 1e-12) & (ok["mean"] <= ok["high"] + 1e-12)).all()


def test_every_point_sees_the_same_visitors(sweep_frame):
    # Common random numbers: staffing does not change who arrives, so visitor counts
    # at tax are identical across staff levels at the same demand.
    visitors = sweep_frame[(sweep_frame["kpi"] == "visitors") & (sweep_frame["group"] == "tax")]
    for _, same_demand in visitors.groupby("demand_scale"):
        assert same_demand["mean"].nunique() == 1
    # ... and the social zone, untouched by tax staffing, has identical waits.
    social = sweep_frame[(sweep_frame["kpi"] == "mean_wait") & (sweep_frame["group"] == "social")]
    for _, same_demand in social.groupby("demand_scale"):
        assert same_demand["mean"].nunique() == 1
    tax_wait = sweep_frame[(sweep_frame["kpi"] == "mean_wait") & (sweep_frame["group"] == "tax")]
    for _, same_demand in tax_wait.groupby("demand_scale"):
        assert same_demand.sort_values("zones.tax.staff")["mean"].is_monotonic_decreasing


def test_sweep_equals_separate_simulations_and_overall_group(small):
    frame = sim.sweep(small, {"zones.tax.staff": [5, 7]}, replications=3, seed=4, workers=1)
    assert set(frame["group"]) == {"all"}
    alone = sim.simulate(sim.whatif.set_staff(small, "tax", 7), replications=3, seed=4, workers=1).summary("overall")
    got = frame[frame["zones.tax.staff"] == 7].set_index("kpi")["mean"]
    pd.testing.assert_series_equal(got, alone.set_index("kpi")["mean"], check_names=False)


def test_pool_and_serial_sweeps_agree(small):
    grid = {"demand_scale": [0.8, 1.2]}
    serial = sim.sweep(small, grid, replications=4, seed=2, workers=1)
    pooled = sim.sweep(small, grid, replications=4, seed=2, workers=2)
    pd.testing.assert_frame_equal(serial, pooled)


# -- --vary syntax --------------------------------------------------------------------

def test_ranges_include_the_end_and_are_exact_decimals():
    assert parse_range("0.8:1.3:0.1") == [0.8, 0.9, 1.0, 1.1, 1.2, 1.3]
    assert parse_range("3:6:1") == [3, 4, 5, 6] and all(type(v) is int for v in parse_range("3:6:1"))
    assert parse_range("0:1:0.3") == [0, 0.3, 0.6, 0.9]
    assert parse_range("2:2:1") == [2]


def test_value_lists_mix_numbers_ranges_and_text():
    assert parse_values("3,4,5") == [3, 4, 5]
    assert parse_values("1.5, 2") == [1.5, 2]
    assert parse_values("1,2:4:1") == [1, 2, 3, 4]
    assert parse_values("17:30,18:00") == ["17:30", "18:00"]  # clock times are not ranges
    assert parse_values("08:30,0,0.5") == ["08:30", 0, 0.5]  # a clock's leading zero is fine
    assert parse_vary(["demand_scale=0.9:1.1:0.1", "zones.tax.staff=5,6"]) == {
        "demand_scale": [0.9, 1.0, 1.1], "zones.tax.staff": [5, 6]}


@pytest.mark.parametrize("spec, message", [
    ("demand_scale", "expected PATH=VALUES"),
    ("=1,2", "expected PATH=VALUES"),
    ("demand_scale=", "empty value"),
    ("demand_scale=1,,2", "empty value"),
    ("demand_scale=0.8:1.3", "a range is START:END:STEP"),
    ("demand_scale=1:2:3:4", "a range is START:END:STEP"),
    ("demand_scale=a:b:c", "three numbers"),
    ("demand_scale=1:0:0.1", "end at or after its start"),
    ("demand_scale=0:1:0", "step of a range must be > 0"),
    ("demand_scale=0:1:-0.1", "step of a range must be > 0"),
    ("zones.tax.staff=05,6", "'05' has a leading zero; write 5"),
    ("zones.tax.staff=1:08:1", "'08' has a leading zero; write 8"),
    ("demand_scale=0:1000:0.001", "at most 1000"),
])
def test_bad_vary_syntax(spec, message):
    with pytest.raises(UserError, match=message):
        parse_vary([spec])


def test_same_path_twice_or_three_parameters():
    with pytest.raises(UserError, match="given twice"):
        parse_vary(["demand_scale=1", "demand_scale=2"])
    with pytest.raises(UserError, match="at most 2 parameters"):
        parse_vary(["demand_scale=1", "zones.tax.staff=5", "zones.social.staff=4"])


# -- the command ----------------------------------------------------------------------

def cli(*args):
    return run_cli(*args, cwd=ROOT)


@pytest.mark.parametrize("vary, message", [
    ("demand_scale=0.8:1.3", "servicehall: error: --vary: a range is START:END:STEP"),
    ("demand_scale", "servicehall: error: --vary: expected PATH=VALUES"),
    ("zones.taxx.staff=3,4", "servicehall: error: --vary: what-if: zones.taxx.staff: no zone with id 'taxx'"),
    ("zones.tax.staff=7:9:1", "servicehall: error: --vary: what-if zones.tax.staff=9: zones[0].staff: exceeds"),
])
def test_cli_bad_vary_exits_2_with_one_line(vary, message, capsys):
    status = main(["sweep", str(SMALL), "--vary", vary, "-n", "2", "--workers", "1"])
    out, err = capsys.readouterr()
    assert status == 2, err
    assert err.startswith(message) and err.count("\n") == 1
    assert out == ""


def test_cli_sweep_table_json_csv_and_plots(tmp_path):
    proc = cli("sweep", SMALL, "--vary", "demand_scale=0.9:1.1:0.1", "-n", "3", "--workers", "1",
               "--out", tmp_path / "sweep.csv", "--plots", tmp_path / "plots")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[1].split()[:3] == ["demand_scale", "mean", "wait"] and "within 15 min" in lines[1]
    assert [line.split()[0] for line in lines[3:6]] == ["0.9", "1", "1.1"] and "±" in lines[3]
    frame = pd.read_csv(tmp_path / "sweep.csv")
    assert list(frame.columns[:3]) == ["demand_scale", "group", "kpi"] and frame["demand_scale"].nunique() == 3
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == [
        "sweep_abandonment_rate.png", "sweep_mean_wait.png", "sweep_p90_wait.png", "sweep_service_level.png",
        "sweep_utilization.png"]

    doc = json.loads(cli("sweep", SMALL, "--vary", "zones.tax.staff=5,6", "--by", "zone", "-n", "3",
                         "--workers", "1", "--json").stdout)
    assert doc["parameters"] == ["zones.tax.staff"] and doc["by"] == "zone"
    assert [p["values"] for p in doc["points"]] == [{"zones.tax.staff": 5}, {"zones.tax.staff": 6}]
    waits = [p["zones"]["tax"]["mean_wait"]["mean"] for p in doc["points"]]
    assert waits[1] < waits[0]


def test_cli_sweep_by_zone_prints_a_table_per_point(capsys):
    assert main(["sweep", str(SMALL), "--vary", "zones.tax.staff=5,6", "--by", "zone", "-n", "2", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "zones.tax.staff = 5" in out and "zones.tax.staff = 6" in out
    assert out.count("税务区") == 2 and out.count("社保医保区") == 2
