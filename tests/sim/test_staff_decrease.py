"""When staff falls while every window is busy: the two readings of ``staff_decrease``."""

import pytest

import sim
from sim.errors import ScenarioError

DROP = 510.0   # 08:30, when staff falls from 2 to 1


def hall(rule=None):
    data = {"name": "drop", "hours": {"open": "08:00", "close": "10:00"}, "period_minutes": 30,
            "zones": [{"id": "z", "windows": 2, "staff": [2, 1, 1, 1]}],
            "services": [{"id": "s", "zone": "z", "arrivals": {"rate_per_hour": 40},
                          "service_time": {"dist": "lognormal", "mean": 7, "cv": 0.5}}]}
    if rule is not None:
        data["staff_decrease"] = rule
    return sim.scenario_from_dict(data)


def starts_after_drop(rule):
    visits = sim.simulate(hall(rule), replications=40, seed=3, workers=1).visits
    served = visits[visits["outcome"] == "served"]
    return served[served["start"] > DROP + 1e-9], served


def test_own_visitor_closes_the_leaving_persons_window_and_the_other_keeps_calling():
    after, served = starts_after_drop("own_visitor")
    windows = sorted(served["window"].unique())
    assert len(windows) == 2
    # the leaving person is the busy window numbered highest: it takes nobody after the drop
    # (until closing, when everyone left is served by the last level)
    assert (after["window"] == windows[0]).all()


def test_first_free_closes_whichever_window_frees_first():
    after, served = starts_after_drop("first_free")
    windows = sorted(served["window"].unique())
    assert set(after["window"]) == set(windows)     # sometimes the low window freed first and closed
    assert hall().staff_decrease == "first_free"    # the default


def test_the_rule_changes_only_what_happens_at_the_drop():
    a = sim.simulate(hall("first_free"), replications=20, seed=5, workers=1).visits
    b = sim.simulate(hall("own_visitor"), replications=20, seed=5, workers=1).visits
    assert len(a) == len(b)                                   # the same visitors (common random numbers)
    before = a["start"] < DROP
    assert a[before]["start"].tolist() == b[b["start"] < DROP]["start"].tolist()


def test_a_bad_rule_is_refused_with_its_field():
    with pytest.raises(ScenarioError, match="staff_decrease"):
        hall("last_in")
