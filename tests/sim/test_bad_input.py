"""Every bad-input case gives file, field path, what is wrong and what was found; the CLI exits 2."""

import subprocess
import sys
import textwrap

import pytest

import sim
from sim.errors import ScenarioError

GOOD = textwrap.dedent("""\
    name: Example hall
    hours: {open: "08:30", close: "17:30"}
    period_minutes: 30
    zones:
      - id: tax
        name: 税务区
        windows: 8
        staff: 6
    services:
      - id: invoice
        zone: tax
        arrivals: {rate_per_hour: 20}
        service_time: {dist: lognormal, mean: 8, cv: 0.7}
        patience: {dist: exponential, mean: 40}
    """)

CASES = [
    # (description, text to write, expected path, expected words in the message)
    ("malformed yaml", "name: [unclosed\n", "", "malformed YAML at line"),
    ("empty file", "", "", "file is empty"),
    ("not a mapping", "- a\n- b\n", "", "must be a mapping"),
    ("missing key", GOOD.replace("name: Example hall\n", ""), "name", "required field missing"),
    ("misspelt key", GOOD.replace("period_minutes", "period_minute"), "period_minute", "did you mean 'period_minutes'"),
    ("misspelt nested key", GOOD.replace("rate_per_hour", "rate_per_hr"), "services[0].arrivals.rate_per_hr", "unknown key"),
    ("wrong type", GOOD.replace("windows: 8", "windows: eight"), "zones[0].windows", "must be a whole number, got 'eight'"),
    ("float where int", GOOD.replace("windows: 8", "windows: 8.5"), "zones[0].windows", "whole number"),
    ("negative mean", GOOD.replace("mean: 8", "mean: -8"), "services[0].service_time.mean", "must be > 0, got -8"),
    ("zero cv", GOOD.replace("cv: 0.7", "cv: 0"), "services[0].service_time.cv", "must be > 0, got 0"),
    ("negative rate", GOOD.replace("rate_per_hour: 20", "rate_per_hour: -1"), "services[0].arrivals.rate_per_hour", "must be >= 0"),
    ("zero period", GOOD.replace("period_minutes: 30", "period_minutes: 0"), "period_minutes", "must be > 0, got 0"),
    ("unknown zone", GOOD.replace("zone: tax", "zone: taxes"), "services[0].zone", "unknown zone 'taxes'; known zones: tax"),
    ("duplicate zone id", GOOD.replace("services:", "  - id: tax\n    windows: 1\n    staff: 1\nservices:"), "zones[1].id", "duplicate id 'tax'"),
    ("duplicate service id", GOOD + GOOD[GOOD.index("  - id: invoice"):], "services[1].id", "duplicate id 'invoice'"),
    ("duplicate yaml key", GOOD.replace("windows: 8", "windows: 8\n    windows: 9"), "", "duplicate key 'windows'"),
    ("impossible clock", GOOD.replace('"17:30"', '"25:00"'), "hours.close", "is not a time of day"),
    ("bad clock minutes", GOOD.replace('"08:30"', '"08:75"'), "hours.open", "is not a time of day"),
    ("clock not text", GOOD.replace('"08:30"', "830"), "hours.open", "clock time"),
    ("close before open", GOOD.replace('"17:30"', '"07:00"'), "hours.close", "must be after open"),
    ("period does not divide", GOOD.replace("period_minutes: 30", "period_minutes: 40"), "period_minutes", "whole periods"),
    ("staff list wrong length", GOOD.replace("staff: 6", "staff: [1, 2, 3]"), "zones[0].staff", "one value per period (18"),
    ("staff above windows", GOOD.replace("staff: 6", "staff: 9"), "zones[0].staff", "exceeds the zone's 8 windows, got 9"),
    ("staff list above windows", GOOD.replace("staff: 6", "staff: [" + ", ".join(["6"] * 17 + ["9"]) + "]"), "zones[0].staff[17]", "exceeds"),
    ("negative staff", GOOD.replace("staff: 6", "staff: -1"), "zones[0].staff", "got -1"),
    ("unknown distribution", GOOD.replace("dist: lognormal", "dist: weibull"), "services[0].service_time", "unknown distribution 'weibull'"),
    ("missing distribution parameter", GOOD.replace(", cv: 0.7", ""), "services[0].service_time.cv", "required field missing"),
    ("distribution without dist", GOOD.replace("dist: lognormal, ", ""), "services[0].service_time", "needs 'dist:'"),
    ("two arrival forms", GOOD.replace("{rate_per_hour: 20}", "{rate_per_hour: 20, per_day: 100}"), "services[0].arrivals", "exactly one of"),
    ("rates list wrong length", GOOD.replace("{rate_per_hour: 20}", "{rates_per_hour: [1, 2]}"), "services[0].arrivals.rates_per_hour", "one value per period"),
    ("uniform high below low", GOOD.replace("dist: lognormal, mean: 8, cv: 0.7", "dist: uniform, low: 5, high: 2"), "services[0].service_time", "high must be >= low"),
    ("bad id", GOOD.replace("id: invoice", "id: 'in voice'"), "services[0].id", "must be an id"),
]


@pytest.mark.parametrize("desc,text,path,words", CASES, ids=[c[0] for c in CASES])
def test_bad_scenario_message(tmp_path, desc, text, path, words):
    f = tmp_path / "x.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        sim.load_scenario(f)
    message = str(info.value)
    assert message.startswith(str(f) + ": ")
    if path:
        assert f": {path}: " in message, message
    assert words in message, message


def test_good_scenario_loads(tmp_path):
    f = tmp_path / "x.yaml"
    f.write_text(GOOD, encoding="utf-8")
    s = sim.load_scenario(f)
    assert s.zone("tax").label == "税务区" and s.n_periods == 18


def test_missing_file():
    with pytest.raises(ScenarioError, match="nope.yaml: file not found"):
        sim.load_scenario("nope.yaml")


def test_several_problems_are_all_listed(tmp_path):
    f = tmp_path / "x.yaml"
    f.write_text(GOOD.replace("mean: 8", "mean: -8").replace("windows: 8", "windows: x"), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        sim.load_scenario(f)
    assert "zones[0].windows" in str(info.value) and "services[0].service_time.mean" in str(info.value)


def test_unquoted_clock_times_are_text_not_base_60(tmp_path):
    f = tmp_path / "x.yaml"
    f.write_text(GOOD.replace('"08:30"', "08:30").replace('"17:30"', "17:30"), encoding="utf-8")
    assert sim.load_scenario(f).close_minute == 17 * 60 + 30


def test_extends_overrides_by_id_and_rejects_cycles(tmp_path):
    (tmp_path / "base.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "peak.yaml").write_text("extends: base.yaml\nname: Peak\ndemand_scale: 1.3\nzones:\n  - id: tax\n    staff: 8\n", encoding="utf-8")
    s = sim.load_scenario(tmp_path / "peak.yaml")
    assert s.name == "Peak" and s.zone("tax").staff == 8 and s.zone("tax").windows == 8 and s.demand_scale == 1.3
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="circular extends"):
        sim.load_scenario(tmp_path / "a.yaml")


@pytest.mark.parametrize("args", [["simulate", "{bad}"], ["simulate", "{missing}"], ["compare", "{good}", "{bad}"]])
def test_cli_exits_2_without_traceback(tmp_path, args):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("mean: 8", "mean: -8"), encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    argv = [a.format(bad=bad, good=good, missing=tmp_path / "missing.yaml") for a in args]
    proc = subprocess.run([sys.executable, "-m", "servicehall", *argv, "-n", "2"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("servicehall: error: ")


def test_cli_bad_option_exits_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "servicehall", "simulate", "x.yaml", "--replications", "0"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "must be >= 1" in proc.stderr


MECHANICS_CASES = [
    ("unknown serves selector", {"zones": [{"id": "tax", "serves": ["nope"]}]}, "zones[0].serves[0]", "not a zone, service, category"),
    ("unknown profile", {"services": [{"id": "invoice", "arrivals": {"rate_per_hour": None, "per_day": 10, "profile": "evening"}}]},
     "services[0].arrivals.profile", "unknown profile 'evening'"),
    ("shares above one", {"services": [{"id": "invoice", "online_share": 0.7,
                                        "appointments": {"share": 0.5}}]}, "services[0]", "must be <= 1"),
    ("share above one", {"services": [{"id": "invoice", "online_share": 1.5}]}, "services[0].online_share", "must be <= 1"),
    ("kiosk zone unknown", {"services": [{"id": "invoice", "kiosk": {"share": 0.2, "zone": "kiosks",
                                                                       "service_time": {"dist": "exponential", "mean": 3}}}]},
     "services[0].kiosk.zone", "unknown zone 'kiosks'"),
    ("bundle unknown service", {"bundles": [{"id": "b", "services": ["invoice", "nope"], "arrivals": {"rate_per_hour": 1}}]},
     "bundles[0].services[1]", "unknown service 'nope'"),
    ("one_window without zone", {"bundles": [{"id": "b", "services": ["invoice"], "arrivals": {"rate_per_hour": 1},
                                             "mode": "one_window"}]}, "bundles[0]", "needs window_zone"),
    ("bad bundle mode", {"bundles": [{"id": "b", "services": ["invoice"], "arrivals": {"rate_per_hour": 1}, "mode": "each"}]},
     "bundles[0].mode", "got 'each'"),
    ("reserved without serving zone", {"services": [{"id": "invoice", "appointments": {"share": 0.2, "mode": "reserved"}}]},
     "services[0].zone", "no zone with windows serves booked visitors"),
    ("staff and people", {"people": [{"id": "p", "start": "08:30", "end": "17:30", "zones": ["tax"]}]},
     "zones[0].staff", "not both"),
    ("people above windows", {"zones": [{"id": "tax", "staff": None}],
                              "people": [{"id": "p", "count": 9, "start": "08:30", "end": "17:30", "zones": ["tax"]}]},
     "people", "more than its 8 windows"),
    ("lunch outside shift", {"zones": [{"id": "tax", "staff": None}],
                             "people": [{"id": "p", "start": "08:30", "end": "12:00", "zones": ["tax"],
                                         "lunch": {"minutes": 60, "earliest": "11:30", "latest": "12:00"}}]},
     "people[0].lunch", "must lie within the shift"),
    ("shift ends before it starts", {"zones": [{"id": "tax", "staff": None}],
                                     "people": [{"id": "p", "start": "12:00", "end": "08:30", "zones": ["tax"]}]},
     "people[0].end", "must be after start"),
    ("guide desk zone unknown", {"guide_desk": {"zone": "desk", "service_time": {"dist": "exponential", "mean": 1}}},
     "guide_desk.zone", "unknown zone 'desk'"),
    ("bad priority order", {"priority_order": ["green", "green", "walk_in"]}, "priority_order", "each of"),
    ("alarm threshold zero", {"alarm": {"threshold": 0}}, "alarm.threshold", "must be >= 1"),
    ("negative punctuality sd", {"services": [{"id": "invoice", "appointments": {"share": 0.2, "punctuality": {"dist": "normal", "mean": 0, "sd": -1}}}]},
     "services[0].appointments.punctuality.sd", "must be >= 0"),
    ("can_help unknown zone", {"zones": [{"id": "tax", "can_help": ["ghost"]}]}, "zones[0].can_help[0]", "unknown zone 'ghost'"),
    ("reserve for unknown service", {"zones": [{"id": "tax", "reserve": {"service": "x", "windows": 1}}]},
     "zones[0].reserve.service", "unknown service 'x'"),
]


@pytest.mark.parametrize("desc,override,path,words", MECHANICS_CASES, ids=[c[0] for c in MECHANICS_CASES])
def test_bad_mechanics_message(tmp_path, desc, override, path, words):
    import yaml

    base = yaml.safe_load(GOOD)
    data = sim.merge_overrides(base, override)
    f = tmp_path / "x.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        sim.load_scenario(f)
    message = str(info.value)
    assert f": {path}: " in message, message
    assert words in message, message
