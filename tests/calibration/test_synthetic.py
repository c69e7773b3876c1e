"""Synthetic round trip without the engine: simulate a log with known parameters
(tests/calibration/conftest.py), write it as CSV, calibrate, recover the parameters.

Tolerances are four standard errors of each estimator, computed from the sample
sizes (a seeded run, so the test is deterministic; a correct estimator would
fail a fresh seed with probability of order 1e-4 per assertion).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from conftest import SYNTHETIC_FORMAT, simulate_day, write_synthetic_log

from calibration import build_scenario, calibrate_log, format_report, save_plots

RATES = [35, 50, 70, 70, 55, 70, 50, 35]  # per hour, 08:00-16:00
STAFF = [3, 4, 5, 5, 4, 5, 4, 3]
SERVICE_MEAN, SERVICE_CV = 4.0, 0.8  # minutes, lognormal
PATIENCE_MEAN = 10.0  # minutes, exponential
N_DAYS = 30


def weekdays(n):
    day, out = dt.date(2024, 3, 4), []
    while len(out) < n:
        if day.weekday() < 5:
            out.append(day.isoformat())
        day += dt.timedelta(days=1)
    return out


def make_log(tmp_path, seed, n_days=N_DAYS, day_cv=0.0):
    rng = np.random.default_rng(seed)
    days = []
    for day in weekdays(n_days):
        m = rng.gamma(1 / day_cv**2, day_cv**2) if day_cv else 1.0
        days.append((day, simulate_day(rng, [r * m for r in RATES], 60, 480, STAFF, SERVICE_MEAN, SERVICE_CV,
                                       PATIENCE_MEAN)))
    log, fmt = tmp_path / "tickets.csv", tmp_path / "format.yaml"
    write_synthetic_log(log, days)
    fmt.write_text(SYNTHETIC_FORMAT, encoding="utf-8")
    return log, fmt


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    log, fmt = make_log(tmp_path_factory.mktemp("synthetic"), seed=20240601)
    cal, visits = calibrate_log(log, fmt)
    return cal, visits


def test_arrival_rates_recovered(synthetic):
    cal, _ = synthetic
    fitted = cal.arrivals.rates_per_hour["general"].to_numpy()
    # A period's count over D days is Poisson(D * rate * 1 h): se(rate) = sqrt(rate / D).
    se = np.sqrt(np.array(RATES) / N_DAYS)
    assert np.all(np.abs(fitted - RATES) < 4 * se), (fitted, RATES)
    # Poisson days: variance/mean of daily totals ~ chi2(D-1)/(D-1), sd 0.26 for D = 30.
    assert 0.3 < cal.arrivals.dispersion_index < 2.2
    assert cal.arrivals.outside_hours == 0


def test_service_time_recovered(synthetic):
    cal, _ = synthetic
    fit = cal.service_times["general"]
    assert fit.chosen == "lognormal" and fit.n_short == 0
    n, s2 = fit.best.n, np.log1p(SERVICE_CV**2)
    # Delta method for the lognormal MLE: se(mean)/mean = sqrt(s2/n + s2^2/(2n));
    # se(cv) = exp(s2) / (2 cv) * s2 * sqrt(2/n).
    se_mean = SERVICE_MEAN * np.sqrt(s2 / n + s2**2 / (2 * n))
    se_cv = np.exp(s2) / (2 * SERVICE_CV) * s2 * np.sqrt(2 / n)
    assert abs(fit.best.mean - SERVICE_MEAN) < 4 * se_mean
    assert abs(fit.best.cv - SERVICE_CV) < 4 * se_cv
    assert fit.best.ks < 0.02  # the DKW 99.9% band for n > 10,000 is 0.019


def test_patience_recovered(synthetic):
    cal, visits = synthetic
    p = cal.patience["general"]
    exp = p.fits["exponential"]
    assert p.chosen == "exponential" and exp.mean == pytest.approx(p.exposure / p.n_abandoned)
    # Exponential MLE under censoring: se(mean) = mean / sqrt(number of abandonments).
    assert abs(exp.mean - PATIENCE_MEAN) < 4 * PATIENCE_MEAN / np.sqrt(p.n_abandoned)
    assert p.n == len(visits) and p.n_abandoned == (visits["outcome"] == "abandoned").sum()
    # The Kaplan-Meier curve follows the true exponential survival where at least 500
    # visitors are still at risk: there its Greenwood se is below S sqrt(H / 500) < 0.02.
    waits = np.sort(visits["wait"].to_numpy())
    at_risk = len(waits) - np.searchsorted(waits, p.km_times, side="left")
    true_sf = np.exp(-p.km_times / PATIENCE_MEAN)
    deviation = np.abs(p.km_survival - true_sf)[at_risk >= 500]
    assert len(deviation) > 100 and deviation.max() < 0.08


def test_staffing_recovered(synthetic):
    cal, _ = synthetic
    table = cal.staffing.table
    assert cal.staffing.staff == STAFF
    assert np.all(table["mean_busy"] < STAFF)
    # Every agent on duty serves in a busy hour; one going off duty may still finish a visit.
    assert np.all(table["distinct_agents"] >= np.array(STAFF) - 0.05)
    assert np.all(table["distinct_agents"] <= np.array(STAFF) + 1)
    assert np.all(np.abs(table["busy_while_waiting"] - STAFF) < 0.5)


def test_day_variation_recovered(tmp_path):
    # 60 days with a gamma day multiplier of cv 0.25: the sample variance of daily totals
    # has relative sd ~ sqrt(2/59) = 0.18, so se(cv) ~ 0.025; tolerance 0.1.
    log, fmt = make_log(tmp_path, seed=7, n_days=60, day_cv=0.25)
    cal, _ = calibrate_log(log, fmt)
    assert abs(cal.arrivals.day_cv - 0.25) < 0.1
    assert cal.arrivals.dispersion_index > 10


def test_scenario_and_report_from_synthetic(synthetic, tmp_path):
    cal, _ = synthetic
    scenario = build_scenario(cal, name="Synthetic hall")
    zone, service = scenario["zones"][0], scenario["services"][0]
    assert scenario["hours"] == {"open": "08:00", "close": "16:00"} and scenario["period_minutes"] == 60
    assert zone["staff"] == STAFF and zone["windows"] >= max(STAFF)
    assert len(service["arrivals"]["rates_per_hour"]) == len(RATES)
    assert service["service_time"]["dist"] == "lognormal" and service["patience"]["dist"] == "exponential"
    text = format_report(cal)
    assert "lognormal*" in text and "busy_while_waiting" in text
    paths = save_plots(cal, tmp_path / "plots")
    assert [p.name for p in paths] == ["arrivals.png", "patience.png", "staffing.png", "service_time_general.png"]
    assert all(p.stat().st_size > 10_000 for p in paths)
