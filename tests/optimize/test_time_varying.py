"""Strongly time-varying demand with hour-long services: SIPP misses, the simulation method does not.

Arrivals follow lambda(t) = 30 + 24 sin(2 pi t / 8 h) per hour over a 16-hour day; services are
exponential with a 60-minute mean, so the offered load swings between 6 and 54 Erlangs and the
number busy lags the arrival rate by about an hour (Green, Kolesar & Whitt 2007). The target is a
delay probability: at most 20% of visitors wait at all (``wait<=0@80%``).
"""

import math

import numpy as np
import pytest

import sim
from optimize import analytic_requirements, optimize_staffing, simulation_requirements
from optimize.verify import cell_estimates, failing_cells, simulate_plan

TARGET = "wait<=0@80%"
PERIOD, OPEN_H, CLOSE_H = 30, 6, 22
N = (CLOSE_H - OPEN_H) * 60 // PERIOD
REPLICATIONS = 100


def sinusoid_hall():
    rates = [60 * (0.5 + 0.4 * math.sin(2 * math.pi * (k * PERIOD + PERIOD / 2) / (8 * 60))) for k in range(N)]
    return sim.scenario_from_dict({
        "name": "sinusoidal demand", "hours": {"open": f"{OPEN_H:02d}:00", "close": f"{CLOSE_H:02d}:00"},
        "period_minutes": PERIOD, "zones": [{"id": "z", "windows": 80, "staff": 1}],
        "services": [{"id": "s", "zone": "z", "arrivals": {"rates_per_hour": rates},
                      "service_time": {"dist": "exponential", "mean": 60}}]})


@pytest.fixture(scope="module")
def result():
    return optimize_staffing(sinusoid_hall(), TARGET, method="simulation", seed=0, replications=REPLICATIONS,
                             workers=1)


@pytest.mark.slow
def test_sipp_misses_in_many_periods(result):
    sipp = result.baseline_verifications["SIPP"]
    missed = int((sipp["status"] == "missed").sum())
    assert missed >= 12, missed            # 17 of 32 with these seeds: whole 95% intervals below 80%
    assert sipp["achieved"].min() < 0.3    # after the rise, most visitors wait


@pytest.mark.slow
def test_simulation_method_keeps_the_delay_probability_near_the_target(result):
    v = result.verification                # fresh seeds
    assert (v["status"] != "missed").all()
    assert (v["status"] == "borderline").sum() <= 2
    assert v["achieved"].min() >= 0.75     # P(wait > 0) <= 25% in every period ...
    assert v["achieved"].max() <= 0.97     # ... and never far below the target's 20%
    assert 0.82 <= v["achieved"].median() <= 0.93
    # it costs about what SIPP spends, which fails in half the periods
    sipp_hours = result.baselines.set_index("plan").loc["SIPP", "staff_hours"]
    assert result.staff_hours <= 1.05 * sipp_hours


@pytest.mark.slow
def test_search_result_is_locally_minimal():
    scenario = sinusoid_hall()
    found = simulation_requirements(scenario, TARGET, seed=0, replications=REPLICATIONS, workers=1)
    plan = found.requirements.to_numpy()
    assert found.converged and found.estimates["confident"].all()
    # lowering any single period by one makes some period fail (same seed: common random numbers)
    for t in range(N):
        lower = plan.copy()
        lower[0, t] -= 1
        estimates = cell_estimates(simulate_plan(scenario, lower, replications=REPLICATIONS, seed=0, workers=1),
                                   TARGET)
        assert failing_cells(estimates, scenario).any(), f"period {t} could be lowered"
    # MOL, the analytic method made for this case, needs about as much; SIPP's total is similar
    # but put in the wrong periods
    mol = analytic_requirements(scenario, TARGET, "mol").to_numpy()
    assert abs(plan.sum() - mol.sum()) <= 0.06 * mol.sum()
    peak_lag = int(np.argmax(plan[0])) - int(np.argmax(analytic_requirements(scenario, TARGET, "sipp").to_numpy()[0]))
    assert peak_lag >= 1                   # staff peaks after arrivals peak
