"""Numbers, files and messages: hostile scenario input fails with a clear InputError."""

from __future__ import annotations

import codecs
import os

import pytest

import sim
from sim.scenario.load import MAX_EXTENDS

from ..helpers import hall


def problem(mod) -> str:
    data = hall()
    mod(data)
    with pytest.raises(sim.InputError) as info:
        sim.scenario_from_dict(data)
    return str(info.value)


@pytest.mark.parametrize("mod,expected", [
    (lambda d: d["services"][0]["service_time"].update(mean=float("inf")), "service_time.mean: must be a finite number, got inf"),
    (lambda d: d["services"][0]["service_time"].update(mean=float("nan")), "must be a finite number, got nan"),
    (lambda d: d.update(day_variation={"cv": float("inf")}), "day_variation.cv: must be a finite number"),
    (lambda d: d.update(day_variation={"cv": 1e-200}), "day_variation.cv: must be >= 0.001 (or 0 for no variation)"),
    (lambda d: d["services"][0].update(service_time={"dist": "gamma", "mean": 5, "cv": 1e-200}),
     "service_time.cv: must be >= 0.001 (or dist: deterministic for a constant), got 1e-200"),
    (lambda d: d["services"][0].update(arrivals={"rate_per_hour": 1e12}), "rate_per_hour: must be <= 1000000000, got 1e+12"),
    (lambda d: d["services"][0].update(arrivals={"rate_per_hour": 1e8}), "above the limit of 500,000 (set SERVICEHALL_MAX_VISITORS"),
    (lambda d: d.update(alarm={"check_every": 1e-300}), "alarm.check_every: alarm checks a day would be"),
    (lambda d: d["zones"][0].update(windows=True), "zones[0].windows: must be a whole number, got True"),
    (lambda d: d["zones"][0].update(windows="20"), "zones[0].windows: must be a whole number, got '20'"),
    (lambda d: d["services"][0]["arrivals"].update(rate_per_hour="20"), "rate_per_hour: must be a number, got '20'"),
    (lambda d: d.update(target_wait=True), "target_wait: must be a number, got True"),
    (lambda d: d["services"][0]["service_time"].update(mean=1e300), "service_time.mean: must be <= 1000000, got 1e+300"),
    (lambda d: d.update(demand_scale=1e300), "demand_scale: must be <= 1000000000"),
    (lambda d: d["services"][0].update(priority=10**30), "services[0].priority: must be between -1,000,000,000 and 1,000,000,000"),
    (lambda d: d["services"][0].update(appointments={"share": 0.5, "per_slot": 10**20}), "appointments.per_slot: must be between"),
    (lambda d: d.update({1: 2}), "<dict>: keys must be text, got the key 1"),
    (lambda d: d["zones"][0].update(serves="b"), "zones[0].serves: must be 'all' or a list, got 'b'"),
    (lambda d: d["zones"][0].update(id="z" * 65), "zones[0].id: must be at most 64 characters long, got 'zzz"),
    (lambda d: d["services"][0].update(service_time={"dist": "normal", "mean": 3, "sd": 1}),
     "unknown distribution 'normal'; expected one of exponential, lognormal, gamma, deterministic, uniform, triangular, empirical"),
])
def test_bad_numbers_and_types_are_clear_errors(mod, expected):
    text = problem(mod)
    assert expected in text
    if "unknown distribution" in expected:
        assert not text.endswith("normal")


def test_a_limit_is_raised_by_its_environment_variable(monkeypatch):
    monkeypatch.setenv("SERVICEHALL_MAX_VISITORS", str(10**13))
    data = hall()
    data["services"][0]["arrivals"] = {"rate_per_hour": 1e8}
    data["hours"]["close"] = "08:30"
    sim.scenario_from_dict(data)  # accepted now


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


BASE = """name: t
hours: {open: "08:00", close: "09:00"}
zones: [{id: tax, windows: 2, staff: 1}]
services: [{id: s, zone: tax, arrivals: {rate_per_hour: 5}, service_time: {dist: exponential, mean: 5}}]
"""


@pytest.mark.parametrize("text,expected", [
    (BASE.replace("windows: 2", "windows: 010"), "number '010' has a leading zero (YAML 1.1 would read it as octal); write 10"),
    (BASE.replace("windows: 2", "windows: 05"), "write 5 for the number, or quote it"),
    (BASE.replace("windows: 2", "windows: 1_0"), "zones[0].windows: must be a whole number, got '1_0'"),
    (BASE.replace("windows: 2", "windows: yes"), "zones[0].windows: must be a whole number, got 'yes'"),
    (BASE.replace("mean: 5", "mean: .inf"), "service_time.mean: must be a finite number, got inf"),
    ("a: &a [1,2,3,4,5,6,7,8,9]\n" + "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdef", "bcdefg")),
     "aliases expand the document beyond"),
    ("a: &a [*a]\n", "an alias refers to the block that contains it"),
    ("name: " + "[" * 5000 + "\n", "nested too deeply (more than 64 levels"),
    ("name: '" + "[" * 5000 + "'\n" + "zones: " + "[" * 70, "nested too deeply"),  # quotes hide brackets
])
def test_yaml_edge_cases(tmp_path, text, expected):
    with pytest.raises(sim.InputError) as info:
        sim.load_scenario(write(tmp_path / "s.yaml", text))
    assert expected in str(info.value)


def test_brackets_inside_quotes_and_comments_do_not_count_as_nesting(tmp_path):
    text = BASE.replace("name: t", "name: '" + "[" * 200 + "' # " + "{" * 200)
    assert sim.load_scenario(write(tmp_path / "s.yaml", text)).name == "[" * 200


def test_deep_brackets_are_refused_before_the_slow_scanner(tmp_path):
    import time

    start = time.perf_counter()
    with pytest.raises(sim.InputError, match="nested too deeply"):
        sim.load_scenario(write(tmp_path / "s.yaml", "name: " + "[" * 100_000))
    assert time.perf_counter() - start < 5.0  # the scanner alone would take minutes


def test_a_long_document_stops_at_its_value_limit_while_read():
    import time

    from sim.yamlio import parse_yaml

    start = time.perf_counter()
    with pytest.raises(sim.InputError, match=r"^x.yaml: more than 1,000 values, far more than a hall needs"):
        parse_yaml("staff: [" + ",".join(["1"] * 100_000) + "]\n", "x.yaml", max_nodes=1_000)
    assert time.perf_counter() - start < 3.0  # reading all 100,000 takes about 6 s


def test_encodings(tmp_path):
    (tmp_path / "bom.yaml").write_bytes(codecs.BOM_UTF8 + BASE.encode())
    sim.load_scenario(tmp_path / "bom.yaml")
    (tmp_path / "u16.yaml").write_bytes(BASE.encode("utf-16"))
    sim.load_scenario(tmp_path / "u16.yaml")
    (tmp_path / "latin.yaml").write_bytes(BASE.replace("name: t", "name: café").encode("latin-1"))
    with pytest.raises(sim.InputError, match=r"unknown text encoding: not UTF-8, .*GB18030/GBK \(byte 0xe9 on line 1.*save the file as UTF-8"):
        sim.load_scenario(tmp_path / "latin.yaml")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_or_device_is_refused_without_reading(tmp_path):
    fifo = tmp_path / "s.yaml"
    os.mkfifo(fifo)
    with pytest.raises(sim.InputError, match="is not a regular file"):
        sim.load_scenario(fifo)
    write(tmp_path / "v.yaml", "extends: s.yaml\n")
    with pytest.raises(sim.InputError, match="is not a regular file"):
        sim.load_scenario(tmp_path / "v.yaml")
    with pytest.raises(sim.InputError, match="is not a regular file"):
        sim.load_scenario("/dev/zero")


def test_a_long_extends_chain_is_an_error_not_a_recursion_error(tmp_path):
    write(tmp_path / "base.yaml", BASE)
    n = 2500
    for i in range(n):
        write(tmp_path / f"c{i}.yaml", f"extends: c{i + 1}.yaml\n" if i < n - 1 else "extends: base.yaml\n")
    with pytest.raises(sim.InputError, match=f"more than {MAX_EXTENDS} files extend one another"):
        sim.load_scenario(tmp_path / "c0.yaml")


def test_overriding_a_misspelt_id_names_the_id(tmp_path):
    write(tmp_path / "base.yaml", BASE)
    write(tmp_path / "v.yaml", "extends: base.yaml\nzones: [{id: taxx, staff: 2}]\n")
    with pytest.raises(sim.InputError) as info:
        sim.load_scenario(tmp_path / "v.yaml")
    assert str(info.value) == (f"{tmp_path / 'v.yaml'}: zones[0]: no zone 'taxx' in base.yaml to override "
                               "(did you mean 'tax'?); a new zone needs windows")
    write(tmp_path / "r.yaml", "extends: base.yaml\nzones: [{id: taxx, remove: true}]\n")
    with pytest.raises(sim.InputError, match="no zone 'taxx' in base.yaml to remove"):
        sim.load_scenario(tmp_path / "r.yaml")


def test_messages_stay_on_one_line_and_bounded(tmp_path):
    write(tmp_path / "v.yaml", "extends: '" + "x" * 5000 + "\\n.yaml'\n")
    with pytest.raises(sim.InputError) as info:
        sim.load_scenario(tmp_path / "v.yaml")
    text = str(info.value)
    assert "\n" not in text and len(text) < 1200
