"""Calibration on the real Anonymous Bank call-center log (skipped when the file is absent)."""

from __future__ import annotations

import csv
import datetime as dt
import gzip

import numpy as np
import pandas as pd
import pytest
from conftest import BANK_FORMAT, BANK_LOG

from calibration import build_scenario, calibrate_log, format_report, load_log_format, save_plots


@pytest.fixture(scope="module")
def bank():
    if not BANK_LOG.exists():
        pytest.skip(f"real log not present at {BANK_LOG}")
    return calibrate_log(BANK_LOG, BANK_FORMAT)


def independent_hourly_counts() -> dict[int, int]:
    """Arrivals to the agent queue per hour of day, summed over Sunday-Thursday, with the
    README's rules written out in plain Python (no pandas, no calibration)."""
    counts: dict[int, int] = {}
    with gzip.open(BANK_LOG, "rt", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            row = {k.strip(): v.strip() for k, v in row.items()}
            outcome, q_start, ser_start = row["outcome"], row["q_start"], row["ser_start"]
            if outcome == "PHANTOM" or (outcome == "HANG" and q_start == "0:00:00"):
                continue  # no trace / hung up before asking for an agent
            if outcome == "AGENT" and (row["server"] == "NO_SERVER" or ser_start == "0:00:00"):
                continue  # no agent time / no service start logged
            if dt.datetime.strptime(row["date"], "%y%m%d").strftime("%A") in ("Friday", "Saturday"):
                continue
            arrival = q_start if q_start != "0:00:00" else ser_start
            hour = int(arrival.split(":")[0])
            counts[hour] = counts.get(hour, 0) + 1
    return counts


@pytest.mark.slow
def test_hourly_arrivals_match_independent_count(bank):
    cal, _ = bank
    expected = independent_hourly_counts()
    fitted = cal.arrivals.counts.sum(axis=(0, 2))
    assert {7 + i: int(n) for i, n in enumerate(fitted)} == {h: n for h, n in expected.items() if 7 <= h < 24}
    assert cal.arrivals.outside_hours == sum(n for h, n in expected.items() if h < 7)
    assert len(cal.arrivals.dates) == 20
    rates = cal.arrivals.rates_per_hour.sum(axis=1)
    assert 100 <= rates.max() <= 125 and rates.idxmax() == 600  # peak 10:00-11:00, README: 100-120 an hour


def test_read_report_counts_bad_rows(bank):
    cal, visits = bank
    report = cal.read_report
    assert report.rows_read == 33344 and report.dropped["rule outcome=PHANTOM"] == 278
    assert 0 < report.n_bad < 100 and report.kept == len(visits)


def test_service_times_are_lognormal(bank):
    cal, _ = bank
    for service, fit in cal.service_times.items():
        assert fit.chosen == "lognormal", service
        assert set(fit.fits) == {"lognormal", "gamma", "exponential"}
    retail = cal.service_times["retail"]
    assert retail.best.ks < 0.04 and 2.8 < retail.best.mean < 3.6  # README: mean about 180 s overall
    aic = {name: f.aic for name, f in retail.fits.items()}
    assert aic["lognormal"] < aic["gamma"] - 100


@pytest.mark.slow
def test_single_service_option(tmp_path):
    if not BANK_LOG.exists():
        pytest.skip(f"real log not present at {BANK_LOG}")
    text = BANK_FORMAT.read_text(encoding="utf-8").replace("group: by_column", "group: single\n  single_id: calls")
    fmt = tmp_path / "single.yaml"
    fmt.write_text(text, encoding="utf-8")
    assert load_log_format(fmt).services.group == "single"
    cal, _ = calibrate_log(BANK_LOG, fmt)
    fit = cal.service_times["calls"]
    assert cal.services == ("calls",) and fit.chosen == "lognormal"
    assert 175 < fit.best.mean * 60 < 200 and fit.n_short / fit.n_served == pytest.approx(0.056, abs=0.01)


def test_abandonment_and_wait(bank):
    _, visits = bank
    share = (visits["outcome"] == "abandoned").mean()
    assert share == pytest.approx(0.13, abs=0.01)  # README: about 13% of callers who queue
    assert visits["wait"].mean() * 60 == pytest.approx(46, abs=3)  # README: mean queue time about 46 s


def test_patience_is_plausible(bank):
    cal, _ = bank
    p = cal.patience["all"]
    exp = p.fits["exponential"]
    assert p.chosen == "exponential" and exp.mean == pytest.approx(p.exposure / p.n_abandoned)
    assert 4 < exp.mean < 8  # minutes: callers hang up after a few minutes, not seconds or hours
    s1 = np.interp(1.0, p.km_times, p.km_survival)
    assert 0.75 < s1 < 0.9 and p.km_distance["exponential"] < 0.2


def test_staffing_estimates_bracket(bank):
    cal, _ = bank
    t = cal.staffing.table
    peak = t.loc[600]
    assert 8 <= peak["distinct_agents"] <= 10  # README: 8-10 distinct names at peak
    assert 5 <= peak["busy_while_waiting"] <= 6.5  # README: about 5-6 busy while someone waits
    assert np.all(t["mean_busy"] <= t["busy_while_waiting"] + 1e-9)
    assert np.all(t["busy_while_waiting"] <= t["distinct_agents"])
    assert max(cal.staffing.staff) == 6 and cal.staffing.staff[1] == 5  # 08:00: 4.29 rounded up


@pytest.mark.slow
def test_bank_scenario_and_report(bank, tmp_path):
    cal, _ = bank
    scenario = build_scenario(cal, name="Anonymous Bank call center")
    assert scenario["hours"] == {"open": "07:00", "close": "24:00"}
    zone = scenario["zones"][0]
    assert all(isinstance(s, int) for s in zone["staff"]) and len(zone["staff"]) == 17
    assert zone["windows"] >= max(zone["staff"])
    assert {s["id"] for s in scenario["services"]} == {"retail", "prospect", "stocks", "other"}
    assert 0.05 < scenario["day_variation"]["cv"] < 0.2
    assert "Staffing inferred" in format_report(cal)
    assert len(save_plots(cal, tmp_path)) == 7


@pytest.mark.slow
def test_the_shipped_compressed_log_is_the_shared_one():
    # The repository ships the log gzip-compressed; it reads to the same visits as the original.
    from conftest import SHARED_LOG

    from calibration import read_log

    if not SHARED_LOG.exists():
        pytest.skip(f"the original is not beside the repository at {SHARED_LOG}")
    shipped, original = read_log(BANK_LOG, BANK_FORMAT), read_log(SHARED_LOG, BANK_FORMAT)
    pd.testing.assert_frame_equal(shipped.reset_index(drop=True), original.reset_index(drop=True))
