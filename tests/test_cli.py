"""The command line end to end: tables, JSON documents, output files."""

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "tests" / "data" / "small.yaml"
SMALL_MORE = ROOT / "tests" / "data" / "small_more_staff.yaml"


def cli(*args, check=True):
    proc = run_cli(*args, cwd=ROOT)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_simulate_prints_a_table_with_every_zone():
    out = cli("simulate", SMALL, "-n", "4", "--workers", "1").stdout
    assert "税务区" in out and "社保医保区" in out and "all zones" in out and "within 15 min" in out


def test_simulate_json_document():
    doc = json.loads(cli("simulate", SMALL, "-n", "4", "--seed", "7", "--json", "--target", "10").stdout)
    assert doc["replications"] == 4 and doc["seed"] == 7 and doc["scenario"] == "Small test hall"
    for kpi in ("visitors", "served", "mean_wait", "p90_wait", "service_level", "abandonment_rate", "utilization", "max_queue"):
        entry = doc["overall"][kpi]
        assert entry["ci95"][0] <= entry["mean"] <= entry["ci95"][1]
    assert set(doc["zones"]) == {"tax", "social"}


def test_simulate_out_writes_complete_files(tmp_path):
    out = tmp_path / "run"
    cli("simulate", SMALL, "-n", "3", "--out", out)
    visits = pd.read_csv(out / "visits.csv")
    assert list(visits.columns)[:11] == ["replication", "visitor", "service", "zone", "priority", "arrival", "start",
                                         "end", "wait", "window", "outcome"]
    assert set(visits.outcome) <= {"served", "abandoned", "balked"}
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary.by) == {"overall", "zone", "service", "period", "zone_period"}
    levels = pd.read_csv(out / "levels.csv")
    assert {"mean_queue", "mean_busy", "mean_staffed"} <= set(levels.columns)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left behind


def test_failed_run_leaves_no_output(tmp_path):
    out = tmp_path / "run"
    proc = cli("simulate", tmp_path / "missing.yaml", "--out", out, check=False)
    assert proc.returncode == 2 and not out.exists()


def test_compare_json_is_paired():
    doc = json.loads(cli("compare", SMALL, SMALL_MORE, "-n", "6", "--json").stdout)
    assert set(doc) == {"a", "b", "difference"}
    d = doc["difference"]
    assert d["overall"]["visitors"]["mean"] == 0  # same visitors on both sides
    assert d["zones"]["tax"]["mean_wait"]["ci95"][1] < 0  # one more window at tax: shorter waits
    assert d["zones"]["social"]["mean_wait"]["mean"] == 0  # independent zone unchanged


def test_compare_table():
    out = cli("compare", SMALL, SMALL_MORE, "-n", "4").stdout
    assert "B - A" in out and "mean wait" in out


def test_schema_command_prints_json_schema():
    schema = json.loads(cli("schema").stdout)
    assert schema["$schema"].endswith("2020-12/schema") and "zones" in schema["properties"]


def test_published_schema_is_up_to_date_and_accepts_every_scenario():
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    published = json.loads((ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert published == json.loads(cli("schema").stdout), "regenerate docs/scenario.schema.json with `servicehall schema`"
    # one validator: jsonschema.validate would check the schema itself again on every call
    validator = jsonschema.validators.validator_for(published)(published)
    type(validator).check_schema(published)
    checked = 0
    for path in sorted((ROOT / "scenarios").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "extends" in data or "zones" in data:  # scenarios and their overrides, not shift or log files
            validator.validate(data)
            checked += 1
    assert checked >= 20
    # an override is checked too: a misspelt key or a bad value is flagged, a partial block is not
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"extends": "lanling.yaml", "zones": [{"id": "tax", "staf": 9}]})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"extends": "lanling.yaml", "demand_scale": "high"})
    validator.validate({"extends": "lanling.yaml", "services": [{"id": "x", "service_time": {"mean": 9}},
                                                                 {"id": "y", "remove": True}]})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"name": "no hours", "zones": [], "services": []})


def test_written_report_files_are_not_private(tmp_path):
    import os
    import stat

    from sim.atomic import atomic_write_text

    target = tmp_path / "report.html"
    old = os.umask(0o022)
    try:
        atomic_write_text(target, "<html></html>")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_compare_names_unpaired_zones_and_refuses_unrelated_halls(tmp_path):
    linqu = ROOT / "scenarios"
    out = cli("compare", linqu / "linqu_departmental.yaml", linqu / "linqu_comprehensive.yaml", "-n", "2",
              "--workers", "1").stdout
    doc = json.loads(cli("compare", linqu / "linqu_departmental.yaml", linqu / "linqu_comprehensive.yaml", "-n", "2",
                         "--workers", "1", "--json").stdout)
    only_b = doc["difference"]["unpaired_zones"]["b"]
    assert only_b and f"zones only in B (in the all-zones rows, not paired by zone): {', '.join(only_b)}" in out
    other = tmp_path / "other.yaml"
    other.write_text('name: other\nhours: {open: "08:00", close: "09:00"}\nzones: [{id: x, windows: 1, staff: 1}]\n'
                     'services: [{id: s, zone: x, arrivals: {rate_per_hour: 5}, service_time: {dist: exponential, mean: 5}}]\n',
                     encoding="utf-8")
    proc = cli("compare", SMALL, other, "-n", "2", check=False)
    assert proc.returncode == 2 and "share no zone" in proc.stderr
