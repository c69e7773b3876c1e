"""The calibrate/validate commands and a round trip through the simulation engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import SYNTHETIC_FORMAT, simulate_day, write_synthetic_log

import sim
from calibration import build_scenario, calibrate_log, check_with_engine
from calibration.validate import compare_kpis, unit_kpis
from servicehall.cli import main


@pytest.fixture(scope="module")
def small_log(tmp_path_factory):
    """Ten weekdays of a 3-agent hall (engine-free generator), with its format file."""
    folder = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(11)
    days = [(f"2024-03-{d:02d}", simulate_day(rng, [30] * 8, 60, 480, [3] * 8, 4.0, 0.8, 10.0))
            for d in (4, 5, 6, 7, 8, 11, 12, 13, 14, 15)]
    write_synthetic_log(folder / "log.csv", days)
    (folder / "format.yaml").write_text(SYNTHETIC_FORMAT, encoding="utf-8")
    return folder


def test_calibrate_command_writes_a_loadable_scenario(small_log, capsys):
    out, plots = small_log / "hall.yaml", small_log / "plots"
    status = main(["calibrate", str(small_log / "log.csv"), "--format", str(small_log / "format.yaml"),
                   "--out", str(out), "--plots", str(plots), "--name", "Small hall", "--period-minutes", "120"])
    assert status == 0
    printed = capsys.readouterr().out
    assert "Service times" in printed and f"wrote {out}" in printed
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Calibrated from a ticketing log") and "busy_while_waiting" in text
    scenario = sim.load_scenario(out)
    assert scenario.name == "Small hall" and scenario.period_minutes == 120
    assert scenario.staff_per_period("pool") == [3] * 4
    assert len(list(plots.glob("*.png"))) == 4


def test_bad_format_exits_2_with_file_path_message(small_log, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns:\n  call: call_time\n  end: end_time\n", encoding="utf-8")
    status = main(["calibrate", str(small_log / "log.csv"), "--format", str(bad), "--out", str(tmp_path / "x.yaml")])
    assert status == 2
    assert f"{bad}: columns.ticket: required field missing" in capsys.readouterr().err
    status = main(["calibrate", str(tmp_path / "absent.csv"), "--format", str(small_log / "format.yaml"),
                   "--out", str(tmp_path / "x.yaml")])
    assert status == 2 and "log file not found" in capsys.readouterr().err
    assert not (tmp_path / "x.yaml").exists()


def test_validate_command_prints_observed_vs_simulated(small_log, capsys):
    out = small_log / "hall_v.yaml"
    assert main(["calibrate", str(small_log / "log.csv"), "--format", str(small_log / "format.yaml"),
                 "--out", str(out)]) == 0
    capsys.readouterr()
    status = main(["validate", str(out), "--against", str(small_log / "log.csv"),
                   "--format", str(small_log / "format.yaml"), "-n", "10", "--workers", "1", "--target", "5"])
    assert status == 0
    lines = capsys.readouterr().out.splitlines()
    assert "10 observed days, 10 replications" in lines[0] and "within 5 min obs" in lines[1]
    assert [line.split()[0] for line in lines[3:]] == [f"{h:02d}:00" for h in range(8, 16)] + ["all"]


def test_unit_kpis_by_hand():
    visits = pd.DataFrame({
        "day": [1, 1, 1, 2],
        "arrival": [480.0, 490.0, 545.0, 485.0],
        "wait": [2.0, 10.0, 0.0, 4.0],
        "outcome": ["served", "abandoned", "served", "served"],
    })
    kpis = unit_kpis(visits, "day", 480, 600, 60, target=3.0).set_index(["unit", "period"])
    assert kpis.loc[(1, "08:00"), "mean_wait"] == 6.0 and kpis.loc[(1, "08:00"), "abandonment_rate"] == 0.5
    assert kpis.loc[(1, "08:00"), "service_level"] == 0.5 and kpis.loc[(2, "08:00"), "service_level"] == 0.0
    assert kpis.loc[(2, "09:00"), "visitors"] == 0 and np.isnan(kpis.loc[(2, "09:00"), "mean_wait"])
    assert kpis.loc[(1, "all"), "visitors"] == 3
    table = compare_kpis(kpis.reset_index(), kpis.reset_index())
    assert table.loc[(table.period == "all") & (table.kpi == "visitors"), "obs_mean"].item() == 2.0
    assert table["overlap"].dropna().all()


ROUND_TRIP = {
    "name": "Round trip",
    "hours": {"open": "09:00", "close": "17:00"},
    "period_minutes": 60,
    "zones": [{"id": "hall", "windows": 8, "staff": [4, 5, 6, 6, 5, 6, 5, 4]}],
    "services": [
        {"id": "permit", "zone": "hall", "arrivals": {"rates_per_hour": [30, 40, 50, 50, 40, 50, 40, 30]},
         "service_time": {"dist": "lognormal", "mean": 5.0, "cv": 0.9},
         "patience": {"dist": "exponential", "mean": 12.0}},
        {"id": "tax", "zone": "hall", "arrivals": {"rates_per_hour": [20, 20, 20, 20, 20, 20, 20, 20]},
         "service_time": {"dist": "gamma", "mean": 3.0, "cv": 0.5},
         "patience": {"dist": "exponential", "mean": 12.0}},
    ],
}


def test_round_trip_through_the_engine(tmp_path):
    days = 40
    results = sim.simulate(sim.scenario_from_dict(ROUND_TRIP), replications=days, seed=3, workers=1)
    v = results.visits
    served = v["outcome"] == "served"
    log = pd.DataFrame({
        "date": (pd.Timestamp("2024-01-01") + pd.to_timedelta(v["replication"], unit="D")).dt.strftime("%Y-%m-%d"),
        "t_ticket": v["arrival"].round(4),
        "t_call": v["start"].round(4),
        "t_end": v["end"].round(4),
        "q_minutes": v["wait"].round(4),
        "window": v["window"].astype(str).where(served, ""),
        "status": v["outcome"].astype(str),
        "service": v["service"].astype(str),
    })
    log.to_csv(tmp_path / "engine.csv", index=False)
    (tmp_path / "fmt.yaml").write_text(
        "columns: {date: date, ticket: t_ticket, call: t_call, end: t_end, wait: q_minutes, agent: window,\n"
        "          outcome: status, service: service}\n"
        "time_format: minutes\nduration_unit: minutes\nresolution_seconds: 0.006\n"
        "outcomes: {served: served, abandoned: abandoned}\n"
        'hours: {open: "09:00", close: "17:00"}\nfit: {period_minutes: 60}\n', encoding="utf-8")
    cal, visits = calibrate_log(tmp_path / "engine.csv", tmp_path / "fmt.yaml")
    assert cal.read_report.n_bad == 0 and len(visits) == len(v)

    for spec in ROUND_TRIP["services"]:
        sid, truth = spec["id"], np.array(spec["arrivals"]["rates_per_hour"], dtype=float)
        fitted = cal.arrivals.rates_per_hour[sid].to_numpy()
        assert np.all(np.abs(fitted - truth) < 4 * np.sqrt(truth / days))  # Poisson counts over days
        fit = cal.service_times[sid]
        want = spec["service_time"]
        assert fit.chosen == want["dist"]
        # Delta method: se(mean)/mean is 0.88/sqrt(n) (lognormal cv 0.9) and cv/sqrt(n) (gamma);
        # se(cv) is 0.84/sqrt(n) and 0.34/sqrt(n): both at most cv/sqrt(n), the bound used.
        assert abs(fit.best.mean / want["mean"] - 1) < 4 * want["cv"] / np.sqrt(fit.best.n)
        assert abs(fit.best.cv - want["cv"]) < 4 * want["cv"] / np.sqrt(fit.best.n)
        p = cal.patience[sid]
        assert abs(p.best.mean - 12.0) < 4 * 12.0 / np.sqrt(p.n_abandoned)
    assert cal.staffing.staff == ROUND_TRIP["zones"][0]["staff"]
    scenario = build_scenario(cal, name="Recovered")
    assert check_with_engine(scenario) is not None
