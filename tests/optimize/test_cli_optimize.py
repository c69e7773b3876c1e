"""``servicehall optimize`` end to end, ``simulate --staffing`` with its output, and bad input (exit 2)."""

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]
HALL = ROOT / "tests" / "data" / "optimize_hall.yaml"
SHIFTS = ROOT / "tests" / "data" / "optimize_shifts.yaml"


def cli(*args, check=True):
    proc = run_cli(*args, cwd=ROOT)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("optimize") / "plan"
    proc = cli("optimize", HALL, "--target", "wait<=15@80%", "--shifts", SHIFTS, "--replications", "20",
               "--workers", "1", "--out", out)
    return out, proc.stdout


@pytest.mark.slow
def test_files_and_columns(run_dir):
    out, stdout = run_dir
    staffing = pd.read_csv(out / "staffing.csv")
    assert list(staffing.columns) == ["zone", "start", "staff"]
    assert len(staffing) == 3 * 18 and staffing["start"].str.match(r"^\d\d:\d\d$").all()
    roster = pd.read_csv(out / "roster.csv")
    assert list(roster.columns) == ["pattern", "start", "end", "lunch_start", "lunch_minutes", "zone_or_pool", "staff"]
    assert set(roster["pattern"]) <= {"full", "early", "late", "morning"}
    verification = pd.read_csv(out / "verification.csv")
    assert {"zone", "start", "target", "required", "achieved", "low", "high", "status"} <= set(verification.columns)
    assert len(verification) == 3 * 18 and set(verification["target"]) == {"wait<=15@80%"}
    assert set(verification["status"]) <= {"met", "borderline", "missed", "exempt"}
    baselines = pd.read_csv(out / "baselines.csv")
    assert list(baselines["plan"]) == ["optimized (calibrated)", "SIPP", "flat"]
    for name in ("coverage.png", "verification.png", "iterations.csv", "requirements.csv", "summary.json"):
        assert (out / name).stat().st_size > 0
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]   # no staging left behind
    assert "staff-hours" in stdout and "SIPP" in stdout and "flat" in stdout and "borderline" in stdout


@pytest.mark.slow
def test_simulate_accepts_the_staffing_file(run_dir):
    out, _ = run_dir
    doc = json.loads(cli("simulate", HALL, "--staffing", out / "staffing.csv", "-n", "3", "--workers", "1",
                         "--json").stdout)
    assert set(doc["zones"]) == {"tax", "social", "permits"}


def test_json_without_shifts_or_baselines():
    doc = json.loads(cli("optimize", HALL, "--method", "sipp", "--replications", "10", "--workers", "1",
                         "--no-baselines", "--json").stdout)
    assert doc["method"] == "sipp" and doc["targets"] == ["wait<=15@80%"]   # default: the scenario's target_wait
    assert doc["roster_status"] is None and len(doc["baselines"]) == 1
    assert set(doc["compliance"]) == {"met", "borderline", "missed", "exempt", "confident", "share_met"}
    assert doc["seeds"] == {"search": 0, "loop": 1, "verification": 2}


@pytest.mark.parametrize("args, words", [
    (["--target", "wait<15"], "target must look like"),
    (["--target", "wait<=15@180%"], "percentage must be in"),
    (["--method", "magic"], "--method: must be one of sipp, lag, mol, simulation, calibrated, got 'magic'"),
    (["--shifts", ROOT / "tests" / "data" / "small.yaml"], "shifts: required field missing"),
    (["--shifts", ROOT / "tests" / "data" / "absent.yaml"], "file not found"),
])
def test_bad_input_exits_2(tmp_path, args, words):
    proc = cli("optimize", HALL, *args, "--replications", "2", "--out", tmp_path / "x", check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("servicehall: error: ") and words in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "x").exists()


def test_bad_shift_file_names_file_and_field(tmp_path):
    bad = tmp_path / "shifts.yaml"
    bad.write_text('shifts:\n  - {id: a, start: "08:30", end: "17:30", lunch: {minutes: -30, earliest: "11:00", '
                   'latest: "12:00"}}\n', encoding="utf-8")
    proc = cli("optimize", HALL, "--shifts", bad, check=False)
    assert proc.returncode == 2
    assert f"{bad}: shifts[0].lunch.minutes: must be > 0, got -30" in proc.stderr


def test_bad_staffing_file_exits_2(tmp_path):
    bad = tmp_path / "staffing.csv"
    bad.write_text("zone,start,staff\ntax,08:30,x\n", encoding="utf-8")
    proc = cli("simulate", HALL, "--staffing", bad, "-n", "2", check=False)
    assert proc.returncode == 2 and "row 2: staff: must be a whole number >= 0, got 'x'" in proc.stderr


@pytest.mark.parametrize("option, value, message", [
    ("--adaptive-rounds", "21", "must be <= 20, got 21"),
    ("--adaptive-rounds", "-1", "must be >= 0, got -1"),
    ("--max-simulations", "41", "must be <= 40, got 41"),
    ("--master-iterations", "-2", "got"),
    ("--master-iterations", "501", "got"),
    ("--master-rounds", "-1", "got"),
    ("--master-rounds", "10", "got"),
    ("--master-iterations", "5", "got no --shifts"),
    ("--bound-iterations", "-1", "got"),
    ("--bound-iterations", "501", "got"),
])
def test_the_optimizer_effort_options_are_bounded(tmp_path, option, value, message):
    """Their bounds keep the search's, probes' and adaptive rounds' seeds apart (optimize.methods)."""
    proc = cli("optimize", HALL, option, value, "--out", tmp_path / "plan", check=False)
    assert proc.returncode == 2 and option in proc.stderr and message in proc.stderr, proc.stderr
    assert not (tmp_path / "plan").exists()


def test_a_patience_of_zero_minutes_is_refused_by_the_commands_that_use_queue_models(tmp_path):
    """Visitors who never wait make a zone a loss system: the optimizer's M/M/s+M models (a
    positive mean patience) cannot describe it. Before 8 Dec this was a traceback (a
    ValueError deep in the models, then a ZeroDivisionError in sim.flows)."""
    text = (ROOT / "scenarios" / "examples" / "small_hall.yaml").read_text(encoding="utf-8")
    assert "patience: {dist: exponential, mean: 60}" in text
    bad = tmp_path / "never_wait.yaml"
    bad.write_text(text.replace("patience: {dist: exponential, mean: 60}", "patience: {dist: deterministic, value: 0}"),
                   encoding="utf-8")
    for command in (["optimize", bad], ["layout", bad], ["robustness", bad, "--demand", "scale=1.1", "--share", "0.5"]):
        proc = cli(*command, "--out", tmp_path / "x", check=False)
        assert proc.returncode == 2, proc.stderr
        assert "patience: the optimizer's queue models need a mean patience above 0 minutes" in proc.stderr
        assert "Traceback" not in proc.stderr and not (tmp_path / "x").exists()
    import sim
    from sim.flows import mixed_patience, zone_loads

    assert mixed_patience([1.0, 1.0], [0.0, 30.0]) == 0.0
    assert min(load.mean_patience for load in zone_loads(sim.load_scenario(bad)).values()) == 0.0
