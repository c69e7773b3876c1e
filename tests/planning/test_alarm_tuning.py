"""Alarm policy tuning: the tuned policy is a local optimum on its seeds, moves a day are counted
from ``results.moves``, common random numbers make runs repeatable, and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from planning import AlarmTuning, tune_alarm
from planning.alarm_policies import AlarmTuningError, Policy, can_help_lists, moves_per_day
from servicehall.cli import main
from sim import whatif

ROOT = Path(__file__).resolve().parents[2]
ALARM = ROOT / "scenarios" / "examples" / "alarm.yaml"
SMALL = ROOT / "scenarios" / "examples" / "small_hall.yaml"
LANLING = ROOT / "scenarios" / "lanling.yaml"
RUN = dict(replications=6, seed=3, workers=1)


@pytest.fixture(scope="module")
def alarm():
    return sim.load_scenario(ALARM)


CAP = 1.5  # moves a day at most: without a cap the lowest threshold wins (moves cost nothing in the model)


@pytest.fixture(scope="module")
def tuned(alarm) -> AlarmTuning:
    """A coordinate search over 8 thresholds x 2 switch times x 3 help policies, at most 1.5 moves a day."""
    return tune_alarm(alarm, thresholds=range(2, 31, 4), switch_minutes=[0, 5], help_policies=["scenario", "all", "none"],
                      search="coordinate", holdout=False, max_moves_per_day=CAP, **RUN)


def _wait_and_moves(scenario, overrides) -> tuple[float, float]:
    results = sim.simulate(whatif.with_changes(scenario, overrides), **RUN)
    moves = results.moves
    return (float(results.summary(by="overall").set_index("kpi").loc["mean_wait", "mean"]),
            float((moves["kind"] == "move").sum() / RUN["replications"]))


def _mean_wait(scenario, overrides) -> float:
    return _wait_and_moves(scenario, overrides)[0]


def _with(tuning: AlarmTuning, **alarm) -> dict:
    overrides = dict(tuning.best_overrides)
    overrides["alarm"] = {**overrides["alarm"], **alarm}
    return overrides


def test_tuned_threshold_is_a_local_optimum_on_its_seeds(tuned, alarm):
    assert tuned.best.help != "none"
    best = tuned.best_row["value"]
    assert _mean_wait(alarm, tuned.best_overrides) == pytest.approx(best, rel=1e-12)  # the same days again
    grid = tuned.grid["thresholds"]
    i = grid.index(tuned.best.threshold)
    neighbours = grid[max(0, i - 1):i] + grid[i + 1:i + 2]
    assert neighbours
    assert 0 < i < len(grid) - 1, "the cap should put the best inside the grid"
    for t in neighbours:  # simulated independently of the tuning, with the same seed
        wait, moves = _wait_and_moves(alarm, _with(tuned, threshold=t))
        assert wait >= best or moves > CAP
    assert tuned.is_local_optimum and not tuned.at_grid_edge
    assert tuned.best_row["moves_per_day"] <= CAP
    frame = tuned.local_optimum()
    assert set(frame["threshold"]) == {tuned.best.threshold, *neighbours}
    assert frame.loc[frame["best"], "value"].iloc[0] == best


def test_coordinate_search_ends_where_no_single_change_helps(tuned, alarm):
    assert tuned.converged and tuned.search == "coordinate"
    best = tuned.best_row["value"]
    for s in tuned.grid["switch_minutes"]:
        wait, moves = _wait_and_moves(alarm, _with(tuned, switch_minutes=s))
        assert wait >= best or moves > CAP
    t = tuned.table
    assert (t["value"][t["feasible"]] >= best).all()  # the best of every feasible evaluation
    assert (t["feasible"] == (t["moves_per_day"] <= CAP)).all()
    assert t["order"].tolist() == list(range(1, len(t) + 1))
    assert t.loc[t["current"], "policy"].item() == "threshold 20, switch 5 min, help scenario"
    assert t["vs_current"][t["current"]].item() == 0.0


def test_moves_per_day_equal_a_direct_count_from_results_moves(alarm, tuned):
    row = tuned.table[tuned.table["best"]].iloc[0]
    results = sim.simulate(tuned.best_scenario(), **RUN)
    moves = results.moves
    per_day = [int(((moves["replication"] == r) & (moves["kind"] == "move")).sum()) for r in range(RUN["replications"])]
    assert row["moves_per_day"] == pytest.approx(np.mean(per_day))
    assert row["moves_half_year"] == pytest.approx(np.mean(per_day) * 120)
    assert moves_per_day(results)[0] == pytest.approx(np.mean(per_day))
    kpi = results.summary(by="overall").set_index("kpi").loc["moves", "mean"]
    assert kpi == pytest.approx(np.mean(per_day))  # the KPI registry's count agrees


def test_alarm_off_moves_nobody(tuned, alarm):
    off = tuned.table[tuned.table["help"] == "none"]
    assert len(off) == 1 and off["moves_per_day"].item() == 0 and pd.isna(off["threshold"].item())
    results = sim.simulate(whatif.with_changes(alarm, {"alarm": None}), **RUN)
    assert len(results.moves) == 0
    assert off["value"].item() == pytest.approx(results.summary(by="overall").set_index("kpi").loc["mean_wait", "mean"])


def test_same_seed_gives_the_same_table(alarm):
    kwargs = dict(thresholds=[12, 20, 28], help_policies=["scenario", "none"], holdout=False, replications=4,
                  seed=5, workers=1)
    a, b = tune_alarm(alarm, **kwargs), tune_alarm(alarm, **kwargs)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert a.search == "grid" and len(a.table) == 4
    c = tune_alarm(alarm, **{**kwargs, "seed": 6})
    assert not c.table["value"].equals(a.table["value"])


def test_help_policies_from_floors_and_categories():
    small = sim.load_scenario(SMALL)
    assert can_help_lists(small, "same_floor") == {"realestate": ["housing_fund"], "housing_fund": ["realestate"],
                                                   "social": [], "tax": []}
    assert can_help_lists(small, "same_category") == {"realestate": ["housing_fund"],
                                                      "housing_fund": ["realestate"], "social": [], "tax": []}
    assert can_help_lists(small, "all")["tax"] == ["realestate", "housing_fund", "social"]
    assert can_help_lists(small, "none") == {z: [] for z in small.zone_ids}
    lanling = sim.load_scenario(LANLING)
    every = can_help_lists(lanling, "all")
    assert every["self_service"] == [] and every["guide"] == [] and "guide" not in every["tax"]
    with pytest.raises(AlarmTuningError, match="same_category needs services with a category"):
        can_help_lists(lanling, "same_category")


def test_a_hall_without_alarm_tunes_against_alarm_off():
    small = sim.load_scenario(SMALL)
    with pytest.raises(AlarmTuningError, match="no alarm block"):
        tune_alarm(small, replications=3)
    tuning = tune_alarm(small, thresholds=[4, 8], help_policies=["all"], replications=3, seed=0, workers=1,
                        holdout=False)
    assert tuning.current == Policy(None, None, "none")
    assert tuning.table["policy"].tolist() == ["alarm off", "threshold 4, switch 5 min, help all",
                                               "threshold 8, switch 5 min, help all"]
    if tuning.best.help == "none":
        assert tuning.best_overrides == {"alarm": None}
    else:  # a whole alarm block (the defaults filled in) and every zone's can_help
        assert tuning.best_overrides["alarm"]["cooldown"] == 30.0 and len(tuning.best_overrides["zones"]) == 4


def test_the_best_policy_as_a_variant_file(tuned, alarm, tmp_path):
    (tmp_path / "base.yaml").write_text(ALARM.read_text(encoding="utf-8").replace(
        "extends: small_hall.yaml", f"extends: {SMALL.as_posix()}"), encoding="utf-8")
    (tmp_path / "best.yaml").write_text(tuned.to_yaml(extends="base.yaml"), encoding="utf-8")
    variant = sim.load_scenario(tmp_path / "best.yaml")
    assert whatif.differences(tuned.best_scenario(), variant) == [("name", alarm.name, variant.name)]
    assert tuned.to_yaml().startswith("# Alarm policy tuned")
    from servicehall.cli.alarm import summary_document

    doc = json.loads(json.dumps(summary_document(tuned), allow_nan=False))
    assert doc["best"]["policy"] == tuned.best.label and doc["is_local_optimum"] is True
    assert "threshold" in str(tuned) and "moves on alarm" in str(tuned)


def test_a_cap_on_moves_a_day_and_bad_arguments(alarm):
    tuning = tune_alarm(alarm, thresholds=[10, 20], help_policies=["scenario", "none"], max_moves_per_day=0.0,
                        replications=4, seed=0, workers=1, holdout=False)
    assert tuning.best_row["moves_per_day"] == 0
    assert not tuning.table.loc[tuning.table["moves_per_day"] > 0, "feasible"].any()
    for kwargs, message in [({"objective": "fast"}, "objective"), ({"help_policies": ["floor"]}, "unknown help"),
                            ({"thresholds": [0]}, ">= 1, got 0"), ({"thresholds": [2.5]}, "whole numbers"),
                            ({"switch_minutes": [-1]}, ">= 0"), ({"replications": 1}, ">= 2"),
                            ({"thresholds": []}, "at least one")]:
        with pytest.raises(AlarmTuningError, match=message):
            tune_alarm(alarm, **{"replications": 3, **kwargs})


@pytest.mark.slow
def test_staff_hours_objective_on_a_small_hall(alarm):
    tuning = tune_alarm(alarm, objective="staff_hours", thresholds=[6, 20], help_policies=["scenario"],
                        replications=4, seed=0, workers=1)
    t = tuning.table
    assert tuning.targets == "wait<=15@80%" and len(t) == 2
    assert (t["value"] == t["staff_hours"]).all() and (t["staff_hours"] > 0).all()
    assert tuning.best_row["value"] == t["value"].min()
    assert t.loc[t["current"], "vs_current"].item() == 0


def test_plots_are_written_together(tuned, tmp_path):
    from planning.alarm_plot import save_plots

    paths = save_plots(tuned, tmp_path / "plots")
    assert [p.name for p in paths] == ["threshold.png", "help_policies.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in paths)


def test_cli_writes_outputs_and_prints_json_only(tmp_path, capsys):
    out = tmp_path / "tuned"
    code = main(["tune-alarm", str(ALARM), "--thresholds", "10:30:10", "--help-policy", "scenario,none", "-n", "3",
                 "--workers", "1", "--no-holdout", "--out", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    doc = json.loads(captured.out)
    assert doc["grid"]["thresholds"] == [10, 20, 30] and doc["replications"] == 3
    assert sorted(p.name for p in out.iterdir()) == ["best.yaml", "policies.csv", "summary.json"]
    assert len(pd.read_csv(out / "policies.csv")) == 4
    best = sim.load_scenario(out / "best.yaml")
    assert (best.alarm is None) == (doc["best"]["help"] == "none")
    assert best.alarm is None or best.alarm.threshold == doc["best"]["threshold"]
    code = main(["tune-alarm", str(ALARM), "--thresholds", "20", "--help-policy", "none", "-n", "2", "--workers", "1"])
    assert code == 0 and "alarm off" in capsys.readouterr().out


@pytest.mark.parametrize("options, message", [
    (["--thresholds", "10:30"], "--thresholds: a range is START:END:STEP, got '10:30'"),
    (["--thresholds", "0,5"], "--thresholds: values must be >= 1"),
    (["--switch", "x"], "--switch: expected a number, got 'x'"),
    (["--help-policy", "floors"], "--help-policy: unknown help policy"),
    (["--target", "wait<=15@80%"], "--target: only used with --objective staff_hours"),
    (["--objective", "staff_hours", "--target", "wait<=15@180%"], "percentage must be in"),
])
def test_cli_bad_options_exit_2(options, message, capsys):
    assert main(["tune-alarm", str(ALARM), "-n", "2", "--workers", "1", *options]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_needs_thresholds_without_an_alarm_block(capsys):
    assert main(["tune-alarm", str(SMALL), "-n", "2"]) == 2
    assert "--thresholds: the scenario has no alarm block, so give thresholds to try; got none" in capsys.readouterr().err


DOC = (ROOT / "docs" / "alarm_tuning.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_python_example_of_the_docs_runs(monkeypatch):
    import re

    monkeypatch.chdir(ROOT)
    (block,) = re.findall(r"```python\n(.*?)```", DOC, flags=re.S)
    namespace: dict = {}
    # Fewer days than a reader should use: the point here is that the code runs.
    exec(compile(block.replace("replications=30", "replications=3, workers=1"), "docs/alarm_tuning.md", "exec"),
         namespace)
    assert isinstance(namespace["tuning"], AlarmTuning)
    assert whatif.differences(namespace["better"], namespace["tuning"].best_scenario()) == []


@pytest.mark.parametrize("options", [
    ["--thresholds", "10:30"], ["--thresholds", "0,5"], ["--help-policy", "floors"],
    ["--help-policy", "same_category"], ["--target", "wait<=15@80%"]])
def test_the_errors_the_docs_quote_are_the_real_ones(options, capsys):
    scenario = LANLING if "same_category" in options else ALARM
    assert main(["tune-alarm", str(scenario), "-n", "2", "--workers", "1", *options]) == 2
    line = capsys.readouterr().err.strip()
    assert line in DOC


def test_the_docs_quote_the_error_for_a_hall_without_alarm(capsys):
    main(["tune-alarm", str(SMALL), "-n", "2"])
    assert capsys.readouterr().err.strip() in DOC


@pytest.mark.slow
def test_the_example_command_of_the_docs_prints_what_the_docs_show(tmp_path, capsys, monkeypatch):
    import re
    import shlex

    monkeypatch.chdir(ROOT)
    command = re.search(r"```bash\n(servicehall tune-alarm .*?)```", DOC, flags=re.S).group(1).replace("\\\n", " ")
    argv = shlex.split(command)[1:]
    argv[argv.index("--out") + 1] = str(tmp_path / "tuned")
    assert main(argv) == 0
    printed = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("wrote ")]
    quoted = re.search(r"```text\n(Small hall.*?)```", DOC, flags=re.S).group(1).splitlines()
    assert printed == [line for line in quoted if not line.startswith("wrote ")]
