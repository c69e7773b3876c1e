"""Hostile calibration input: clear exit-2 errors, never a traceback or an injected scenario."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
import yaml
from conftest import SYNTHETIC_FORMAT, simulate_day, write_synthetic_log

import sim
from servicehall.cli import main


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    rng = np.random.default_rng(5)
    days = [(f"2024-03-{d:02d}", simulate_day(rng, [20] * 8, 60, 480, [2] * 8, 4.0, 0.8, 10.0)) for d in (4, 5, 6)]
    write_synthetic_log(folder / "log.csv", days)
    (folder / "format.yaml").write_text(SYNTHETIC_FORMAT, encoding="utf-8")
    return folder


def calibrate(log_dir, tmp_path, capsys, fmt_text=None, log=None, extra=()):
    fmt = log_dir / "format.yaml"
    if fmt_text is not None:
        fmt = tmp_path / "fmt.yaml"
        fmt.write_text(fmt_text, encoding="utf-8")
    status = main(["calibrate", str(log or log_dir / "log.csv"), "--format", str(fmt),
                   "--out", str(tmp_path / "out.yaml"), *extra])
    return status, capsys.readouterr().err


@pytest.mark.parametrize("old,new,expected", [
    ('date_format: "%Y-%m-%d"', 'date_format: "%Q-%m"', "date_format: not a usable strptime pattern ('Q' is a bad directive"),
    ('time_format: "H:MM:SS"', 'time_format: "%H:%M:%Q"', "time_format: not a usable strptime pattern"),
    ("fit: {period_minutes: 60}", "fit: {period_minutes: 45}",
     "fit.period_minutes: 45-minute periods do not divide the opening hours of 480 minutes; use one that divides 480, e.g. 60"),
    ("fit: {period_minutes: 60}", "fit: {period_minutes: 60}\nresolution_seconds: .inf",
     "resolution_seconds: must be a finite number, got inf"),
])
def test_bad_format_settings_are_clear_errors(log_dir, tmp_path, capsys, old, new, expected):
    status, err = calibrate(log_dir, tmp_path, capsys, SYNTHETIC_FORMAT.replace(old, new))
    assert status == 2 and expected in err and "Traceback" not in err
    assert not (tmp_path / "out.yaml").exists()


def test_a_period_option_that_does_not_divide_the_hours(log_dir, tmp_path, capsys):
    status, err = calibrate(log_dir, tmp_path, capsys, extra=["--period-minutes", "7"])
    assert status == 2 and "--period-minutes: 7-minute periods do not divide" in err


def test_a_service_with_only_abandoned_visits(log_dir, tmp_path, capsys):
    log = tmp_path / "log.csv"
    text = (log_dir / "log.csv").read_text(encoding="utf-8")
    text += "2024-03-04;9:00:00;--;9:05:00;--;NOSHOW;rare\n"
    log.write_text(text, encoding="utf-8")
    status, err = calibrate(log_dir, tmp_path, capsys, log=log)
    assert status == 2 and "service 'rare' has arrivals but no served visit" in err


def test_only_abandoned_calls(log_dir, tmp_path, capsys):
    log = tmp_path / "log.csv"
    lines = (log_dir / "log.csv").read_text(encoding="utf-8").splitlines()
    log.write_text("\n".join([lines[0]] + [x for x in lines[1:] if "NOSHOW" in x]) + "\n", encoding="utf-8")
    status, err = calibrate(log_dir, tmp_path, capsys, log=log)
    assert status == 2 and "no served visit" in err and "Traceback" not in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_log_is_refused(log_dir, tmp_path, capsys):
    fifo = tmp_path / "log.csv"
    os.mkfifo(fifo)
    status, err = calibrate(log_dir, tmp_path, capsys, log=fifo)
    assert status == 2 and "is not a regular file" in err


def test_a_log_in_another_encoding_names_the_setting(log_dir, tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_bytes((log_dir / "log.csv").read_text(encoding="utf-8").replace("general", "général").encode("latin-1"))
    status, err = calibrate(log_dir, tmp_path, capsys, log=log)
    assert status == 2 and "unknown text encoding" in err and "encoding: latin-1" in err
    fmt = (log_dir / "format.yaml").read_text(encoding="utf-8") + "encoding: latin-1\n"
    status, err = calibrate(log_dir, tmp_path, capsys, fmt_text=fmt, log=log)
    assert status == 2 and "fmt.yaml: services.map: service 'général' of the log is not a scenario id" in err
    status, err = calibrate(log_dir, tmp_path, capsys, fmt_text=fmt + "services: {map: {général: general}}\n", log=log)
    assert status == 0, err


def test_a_file_name_with_a_newline_cannot_inject_yaml(log_dir, tmp_path, capsys):
    log = tmp_path / "evil\nname: injected\nx.csv"
    shutil.copy(log_dir / "log.csv", log)
    status, _ = calibrate(log_dir, tmp_path, capsys, log=log)
    assert status == 0
    text = (tmp_path / "out.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text)["name"] != "injected"
    assert all(line.startswith("#") for line in text.split("\nname:")[0].splitlines())
    sim.load_scenario(tmp_path / "out.yaml")


def test_validate_refuses_an_unrelated_log_and_notes_what_it_leaves_out(log_dir, tmp_path, capsys):
    assert calibrate(log_dir, tmp_path, capsys)[0] == 0
    hall = tmp_path / "out.yaml"
    args = ["--against", str(log_dir / "log.csv"), "--format", str(log_dir / "format.yaml"), "-n", "2", "--workers", "1"]
    assert main(["validate", "tests/data/small.yaml", *args]) == 2
    assert "have none in common: validate compares a scenario with the log it describes" in capsys.readouterr().err
    log = tmp_path / "late.csv"  # two visits after closing time, one of a service the hall lacks
    log.write_text((log_dir / "log.csv").read_text(encoding="utf-8") + "2024-03-04;17:00:00;17:01:00;17:05:00;A0;DONE;general\n"
                   "2024-03-04;10:00:00;10:01:00;10:05:00;A0;DONE;parcel\n", encoding="utf-8")
    args[1] = str(log)
    assert main(["validate", str(hall), *args]) == 0
    out = capsys.readouterr().out
    assert "note: 1 logged visits of services the scenario lacks (parcel) count in the observed totals" in out
    assert "visits arrive outside the scenario's hours (08:00-16:00) and are not compared" in out
