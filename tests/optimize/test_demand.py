"""The analytic view of a hall: rates, mean service and patience per zone (documented approximation)."""

import math

import pytest

import sim
from optimize import analytic_requirements, zone_demand


def hall(**extra):
    data = {
        "name": "demand hall", "hours": {"open": "08:00", "close": "10:00"}, "period_minutes": 30,
        "zones": [{"id": "a", "windows": 10, "staff": 2, "speed": 1.2}, {"id": "b", "windows": 10, "staff": 2},
                  {"id": "k", "windows": 5, "staff": 2}],
        "services": [
            {"id": "x", "zone": "a", "arrivals": {"rate_per_hour": 60}, "service_time": {"dist": "exponential", "mean": 5},
             "patience": {"dist": "exponential", "mean": 20}, "online_share": 0.25,
             "kiosk": {"share": 0.5, "zone": "k", "failure": 0.2, "service_time": {"dist": "deterministic", "value": 2}}},
            {"id": "y", "zone": "b", "arrivals": {"rates_per_hour": [30, 60, 60, 30]},
             "service_time": {"dist": "exponential", "mean": 10}},
        ],
    }
    data.update(extra)
    return sim.scenario_from_dict(data)


def test_diversion_and_speed():
    d = zone_demand(hall())
    # x: 1/min; online 25%, kiosk 50% of whom 20% fail: 1 - 0.25 - 0.5 * 0.8 = 0.35 reach a window
    assert d["a"].rates == pytest.approx((0.35,) * 4)
    assert d["a"].mean_service == pytest.approx(5 * 1.2) and d["a"].mean_patience == pytest.approx(20)
    # the channels are one draw (online 25%, kiosk the next 50%): half of all arrivals use a kiosk
    # (the kiosk zone's load was 0.75 x 0.5 before the flows were one definition with the engine)
    assert d["k"].rates == pytest.approx((0.5,) * 4) and d["k"].mean_service == pytest.approx(2)
    assert d["b"].rates == pytest.approx((0.5, 1.0, 1.0, 0.5)) and math.isinf(d["b"].mean_patience)
    assert d["b"].offered_load == pytest.approx([5, 10, 10, 5])


def test_bundles_and_guide_desk():
    scenario = hall(
        bundles=[{"id": "one", "services": ["x", "y"], "arrivals": {"rate_per_hour": 12}, "mode": "one_window",
                  "window_zone": "b", "reduction": 0.5}],
        guide_desk={"zone": "k", "service_time": {"dist": "exponential", "mean": 1}, "share": 0.5})
    d = zone_demand(scenario)
    # zone b: own 0.5..1/min at 10 min, plus the bundle 0.2/min at (5 + 10) x 0.5 = 7.5 min
    assert d["b"].rates[0] == pytest.approx(0.5 + 0.2)
    total = 0.5 + 1 + 1 + 0.5 + 4 * 0.2
    assert d["b"].mean_service == pytest.approx((3 * 10 + 0.8 * 7.5) / total)
    # zone k: kiosk users plus half of everyone who comes to the hall (not online) at the guide desk
    present = 0.75 + 0.5
    assert d["k"].rates[0] == pytest.approx(0.5 + 0.5 * present)


def test_requirements_frame_is_labelled_by_period():
    frame = analytic_requirements(hall(), "wait<=5@80%", "sipp")
    assert list(frame.index) == ["a", "b", "k"] and list(frame.columns) == ["08:00", "08:30", "09:00", "09:30"]
    assert frame.loc["b", "08:30"] > frame.loc["b", "08:00"]


def test_zones_without_windows_hand_their_demand_to_the_pooled_windows():
    from pathlib import Path

    from optimize import serving_zones

    pooled = sim.load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "examples" / "pooling.yaml")
    assert serving_zones(pooled)["realestate"] == ["property_pool"]
    d = zone_demand(pooled)
    assert sum(d["realestate"].rates) == 0 and sum(d["housing_fund"].rates) == 0
    property_rates = [sum(r) for r in zip(*(pooled.rates_per_hour(s) for s in ("transfer", "mortgage",
                                                                               "fund_withdrawal")))]
    assert d["property_pool"].rates == pytest.approx([r / 60 for r in property_rates])
    assert d["property_pool"].mean_service == pytest.approx((40 * 12 + 30 * 8 + 45 * 7) / 115 * 1.05)
