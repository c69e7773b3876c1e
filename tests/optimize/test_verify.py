"""Verification: pooled ratio estimates with ratio-estimator intervals, verdicts, compliance."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from optimize import cell_estimates, compliance
from optimize.verify import cell_status, failing_cells, missed_cells, plan_array

HALL = {
    "name": "verify hall", "hours": {"open": "08:00", "close": "10:00"}, "period_minutes": 30,
    "zones": [{"id": "a", "windows": 4, "staff": 2}, {"id": "b", "windows": 2, "staff": 1}],
    "services": [
        {"id": "x", "zone": "a", "arrivals": {"rates_per_hour": [20, 30, 30, 1]},
         "service_time": {"dist": "exponential", "mean": 5}, "patience": {"dist": "exponential", "mean": 6}},
        {"id": "y", "zone": "b", "arrivals": {"rate_per_hour": 6}, "service_time": {"dist": "exponential", "mean": 8}},
    ],
}


@pytest.fixture(scope="module")
def results():
    return sim.simulate(sim.scenario_from_dict(HALL), replications=12, seed=4, workers=1)


def test_estimates_pool_visits_over_replications(results):
    est = cell_estimates(results, "wait<=5@80%, mean_wait<=4, abandon<=10%")
    assert len(est) == 3 * 2 * 4
    v = results.visits
    v = v.assign(period=((v["arrival"] - 480) // 30).astype(int))
    cell = v[(v["zone"] == "a") & (v["period"] == 1)]
    queued = cell[cell["outcome"] != "balked"]
    met = ((queued["outcome"] == "served") & (queued["wait"] <= 5 + 1e-9)).sum()
    row = est[(est.zone == "a") & (est.start == "08:30")].set_index("kind")
    assert row.loc["service_level", "achieved"] == pytest.approx(met / len(queued))
    assert row.loc["mean_wait", "achieved"] == pytest.approx(queued["wait"].mean())
    assert row.loc["abandon", "achieved"] == pytest.approx((cell["outcome"] == "abandoned").sum() / len(cell))
    assert row.loc["service_level", "visitors"] == pytest.approx(len(cell) / 12)


def test_interval_is_the_ratio_estimators(results):
    est = cell_estimates(results, "wait<=5@80%").set_index(["zone", "start"])
    v = results.visits
    v = v[(v["zone"] == "a") & (v["arrival"] >= 510) & (v["arrival"] < 540)]
    y = v.assign(m=(v["outcome"] == "served") & (v["wait"] <= 5 + 1e-9)).groupby("replication")["m"].sum()
    x = v.groupby("replication").size()
    y, x = y.reindex(range(12), fill_value=0).to_numpy(float), x.reindex(range(12), fill_value=0).to_numpy(float)
    r = y.sum() / x.sum()
    se = np.sqrt(((y - r * x) ** 2).sum() / (12 * 11)) / x.mean()
    row = est.loc[("a", "08:30")]
    assert row["high"] - row["achieved"] == pytest.approx(stats.t.ppf(0.975, 11) * se)
    assert row["achieved"] - row["bound"] == pytest.approx(stats.t.ppf(0.95, 11) * se)


def test_verdicts(results):
    est = cell_estimates(results, "wait<=5@80%, mean_wait<=4")
    # the last period of zone a has one visitor an hour: exempt
    last = est[(est.zone == "a") & (est.start == "09:30")]
    assert (last["status"] == "exempt").all() and not last["confident"].any()
    for _, row in est[est.status != "exempt"].iterrows():
        good = row["achieved"] >= row["required"] if row["kind"] == "service_level" else row["achieved"] <= row["required"]
        inside = row["low"] <= row["required"] <= row["high"]
        expected = "met" if good else ("borderline" if inside else "missed")
        assert row["status"] == expected
        sure = row["bound"] >= row["required"] if row["kind"] == "service_level" else row["bound"] <= row["required"]
        assert row["confident"] == sure
    fails = failing_cells(est, results.scenario)
    assert fails.shape == (2, 4) and not fails[0, 3]
    assert (missed_cells(est, results.scenario) <= fails).all()


def test_compliance_counts_the_worst_target_per_cell():
    frame = pd.DataFrame({
        "zone": ["a", "a", "a", "a", "b", "b"], "start": ["08:00", "08:00", "08:30", "08:30", "08:00", "08:00"],
        "status": ["met", "borderline", "met", "met", "exempt", "exempt"],
        "confident": [True, False, True, True, False, False]})
    assert cell_status(frame).to_dict() == {("a", "08:00"): "borderline", ("a", "08:30"): "met",
                                            ("b", "08:00"): "exempt"}
    assert compliance(frame) == {"met": 1, "borderline": 1, "missed": 0, "exempt": 1, "confident": 1,
                                 "share_met": 0.5}


def test_plan_array_accepts_frames_dicts_and_arrays(results):
    scenario = results.scenario
    expected = np.array([[2, 2, 2, 2], [1, 1, 1, 1]])
    assert (plan_array(scenario, {"a": 2, "b": [1, 1, 1, 1]}) == expected).all()
    assert (plan_array(scenario, pd.DataFrame(expected, index=["a", "b"])) == expected).all()
    assert (plan_array(scenario, expected) == expected).all()
