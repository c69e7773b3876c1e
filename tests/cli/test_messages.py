"""Messages and verdicts of the command line: --version, help texts, paths, no verdict without evidence."""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from servicehall.cli import main
from sim.stats import summarize

SMALL = "scenarios/examples/small_hall.yaml"


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("servicehall 0.")


@pytest.mark.parametrize("command", ["simulate", "compare", "sweep", "optimize", "calibrate", "validate"])
def test_help_texts_print_single_percent_signs(command, capsys):
    assert main([command, "--help"]) == 0
    assert "%%" not in capsys.readouterr().out


@pytest.mark.parametrize("option", ["-n", "--verify-replications"])
def test_optimize_needs_two_replications_for_a_verdict(option, capsys):
    assert main(["optimize", "tests/data/optimize_hall.yaml", option, "1"]) == 2
    assert "must be >= 2: one replication gives no interval" in capsys.readouterr().err


def test_cell_estimates_refuse_a_single_replication():
    from optimize.verify import cell_estimates

    results = sim.simulate(sim.load_scenario(SMALL), replications=1, seed=0, workers=1)
    with pytest.raises(ValueError, match="at least 2 replications"):
        cell_estimates(results, "wait<=15@80%")


def test_written_paths_have_no_double_slash(tmp_path, capsys):
    out = f"{tmp_path}/run/"
    assert main(["simulate", SMALL, "-n", "2", "--workers", "1", "--out", out]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {tmp_path}/run/visits.csv" in printed and "//" not in printed


@pytest.mark.parametrize("value", ["inf", "nan", "-inf", "1_0"])
def test_target_must_be_a_finite_number(value, capsys):
    assert main(["simulate", SMALL, "--target", value]) == 2
    assert "--target" in capsys.readouterr().err


def test_share_intervals_are_clipped_to_0_and_1_but_differences_are_not():
    per_rep = pd.DataFrame({"abandonment_rate": [0.0, 0.0, 0.3], "service_level": [1.0, 1.0, 0.7]})
    from sim.kpis import BOUNDS  # the KPI registry's ranges, which Results.summary passes

    out = summarize(per_rep, [], ["abandonment_rate", "service_level"], bounds=BOUNDS).set_index("kpi")
    assert out.loc["abandonment_rate", "low"] == 0.0 and out.loc["service_level", "high"] == 1.0
    raw = summarize(per_rep, [], ["abandonment_rate"], bounds={}).set_index("kpi")
    assert raw.loc["abandonment_rate", "low"] < 0


def test_a_bad_optimize_target_names_the_option(capsys):
    assert main(["optimize", "tests/data/optimize_hall.yaml", "--target", "wait<=inf@80%"]) == 2
    assert "servicehall: error: --target: target must look like" in capsys.readouterr().err


def test_a_huge_sweep_value_is_text_not_a_hang(capsys):
    assert main(["sweep", SMALL, "--vary", "demand_scale=1e999999", "-n", "2"]) == 2
    assert "demand_scale: must be a number, got '1e999999'" in capsys.readouterr().err


def test_too_many_sweep_points(capsys):
    assert main(["sweep", SMALL, "--vary", "demand_scale=0.5:1.5:0.002", "--vary", "zones.tax.staff=1:4:1", "-n", "2"]) == 2
    assert "sweep points, above the limit of 2,000 (set SERVICEHALL_MAX_SWEEP_POINTS" in capsys.readouterr().err


@pytest.mark.parametrize("argv,message", [
    (["simulate", SMALL, "-n", "２"], "--replications/-n: must be a whole number, got '２'"),
    (["simulate", SMALL, "--target", "１５"], "--target: must be a number, got '１５'"),
    (["sweep", SMALL, "--vary", "zones.tax.staff=３", "-n", "2"], "staff: must be a whole number or a list or a mapping, got '３'"),
    (["tune-alarm", "scenarios/examples/alarm.yaml", "--thresholds", "２０"], "--thresholds: expected a number, got '２０'"),
    (["robustness", SMALL, "--demand", "scale=１.1"], "--demand: scale: expected numbers"),
])
def test_full_width_digits_are_not_numbers(argv, message, capsys):
    """As in every file (YAML, CSV): a full-width digit (a Chinese input method's) is text, not taken as a number."""
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_large_alarm_threshold_is_named_as_too_large(capsys):
    assert main(["tune-alarm", "scenarios/examples/alarm.yaml", "--thresholds", "0:1000000000:1"]) == 2
    assert "--thresholds: values must be below 10,000,000, got '1000000000'" in capsys.readouterr().err


def test_comparing_a_hall_with_itself_says_so(capsys):
    assert main(["compare", SMALL, SMALL, "-n", "2", "--workers", "1"]) == 0
    assert "describe the same hall and staffing: every difference is 0" in capsys.readouterr().out
