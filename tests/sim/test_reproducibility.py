"""Seeds repeat exactly whatever the executor; scenarios that differ only in staffing see the same visitors."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import sim
from tests.helpers import hall

TWO_ZONES = hall(
    open="08:00", close="12:00",
    zones=[{"id": "a", "windows": 4, "staff": [2, 3, 3, 4, 4, 3, 2, 2]}, {"id": "b", "windows": 3, "staff": 2}],
    services=[
        {"id": "a1", "zone": "a", "arrivals": {"rate_per_hour": 20}, "service_time": {"dist": "lognormal", "mean": 8, "cv": 0.8},
         "patience": {"dist": "exponential", "mean": 30}},
        {"id": "a2", "zone": "a", "arrivals": {"rate_per_hour": 5}, "service_time": {"dist": "gamma", "mean": 12, "cv": 0.5}, "priority": 1},
        {"id": "b1", "zone": "b", "arrivals": {"rate_per_hour": 12}, "service_time": {"dist": "exponential", "mean": 9}},
    ],
    day_variation={"cv": 0.1},
)


def scenario(**changes):
    return sim.scenario_from_dict(sim.merge_overrides(TWO_ZONES, changes))


def test_same_seed_same_numbers_different_seed_different():
    s = scenario()
    a = sim.simulate(s, replications=4, seed=3, workers=1).visits
    b = sim.simulate(s, replications=4, seed=3, workers=1).visits
    c = sim.simulate(s, replications=4, seed=4, workers=1).visits
    pd.testing.assert_frame_equal(a, b)
    assert len(a) != len(c) or not np.allclose(a.arrival, c.arrival)


def test_replications_are_independent_days():
    v = sim.simulate(scenario(), replications=3, seed=3, workers=1).visits
    first = [g.arrival.to_numpy()[:5] for _, g in v.groupby("replication")]
    assert not np.allclose(first[0], first[1]) and not np.allclose(first[1], first[2])


@pytest.mark.parametrize("workers", [2, 3])
def test_parallel_equals_serial(workers):
    s = scenario()
    serial = sim.simulate(s, replications=7, seed=5, workers=1)
    parallel = sim.simulate(s, replications=7, seed=5, workers=workers)
    pd.testing.assert_frame_equal(serial.visits, parallel.visits)
    pd.testing.assert_frame_equal(serial.levels, parallel.levels)
    pd.testing.assert_frame_equal(serial.summary("zone"), parallel.summary("zone"))


def test_any_futures_executor_gives_the_same_results():
    s = scenario()
    serial = sim.simulate(s, replications=5, seed=6, workers=1)
    with ThreadPoolExecutor(3) as pool:
        threaded = sim.simulate(s, replications=5, seed=6, executor=pool)
    pd.testing.assert_frame_equal(serial.visits, threaded.visits)


def test_common_random_numbers_across_staffing():
    base = sim.simulate(scenario(), replications=3, seed=8, workers=1)
    more = sim.simulate(scenario(zones=[{"id": "a", "staff": 4}]), replications=3, seed=8, workers=1)
    cols = ["replication", "visitor", "service", "arrival"]
    pd.testing.assert_frame_equal(base.visits[cols], more.visits[cols])
    # Same visitors, same service times: more staff can only shorten zone a's waits here.
    assert more.visits[more.visits.zone == "a"].wait.mean() < base.visits[base.visits.zone == "a"].wait.mean()


def test_changing_one_zone_leaves_an_independent_zone_unchanged():
    base = sim.simulate(scenario(), replications=3, seed=9, workers=1)
    changed = sim.simulate(scenario(zones=[{"id": "a", "staff": 1, "windows": 1}],
                                    services=[{"id": "a1", "service_time": {"dist": "exponential", "mean": 3}}]),
                           replications=3, seed=9, workers=1)
    vb, vc = base.visits, changed.visits
    cols = ["replication", "arrival", "start", "end", "wait", "outcome"]
    pd.testing.assert_frame_equal(vb[vb.zone == "b"][cols].reset_index(drop=True), vc[vc.zone == "b"][cols].reset_index(drop=True))


def test_compare_pairs_and_refuses_unpaired():
    a = sim.simulate(scenario(), replications=6, seed=2, workers=1)
    b = sim.simulate(scenario(zones=[{"id": "a", "staff": 4}]), replications=6, seed=2, workers=1)
    diff = sim.compare(a, b).differences("zone").set_index(["zone", "kpi"])
    assert diff.loc[("a", "mean_wait"), "high"] < 0  # fewer waits with more staff, significant
    assert diff.loc[("b", "mean_wait"), "mean"] == 0 and diff.loc[("b", "visitors"), "mean"] == 0
    with pytest.raises(ValueError, match="same seed"):
        sim.compare(a, sim.simulate(scenario(), replications=6, seed=3, workers=1))
