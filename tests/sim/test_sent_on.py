"""The 'sent on after service' mechanic: a visitor served at one service goes on to another."""

import numpy as np
import pytest

import sim
from sim.flows import zone_loads
from sim.scenario import merge_overrides
from tests.helpers import hall


def two_zones(share=1.0, **extra):
    data = hall(
        zones=[{"id": "accept", "windows": 2, "staff": 2, "floor": 1}, {"id": "bank", "windows": 2, "staff": 2, "floor": 2}],
        services=[
            {"id": "case", "zone": "accept", "arrivals": {"rate_per_hour": 6},
             "service_time": {"dist": "deterministic", "value": 10}, "sent_on": [{"service": "fee", "share": share}]},
            {"id": "fee", "zone": "bank", "arrivals": {"rate_per_hour": 0},
             "service_time": {"dist": "deterministic", "value": 4}},
        ],
        close="10:00", walking={"same_floor": 1, "per_floor": 2}, **extra)
    return sim.scenario_from_dict(data)


def test_trace_every_case_walks_to_the_bank_and_is_served_there():
    results = sim.simulate(two_zones(), replications=3, seed=2, workers=1)
    v = results.visits.sort_values(["replication", "visitor", "step"])
    first = v[v.step == 0].set_index(["replication", "visitor"])
    second = v[v.step == 1].set_index(["replication", "visitor"])
    assert len(first) > 20 and first.index.equals(second.index)  # every case goes on, once
    assert (second["service"] == "fee").all() and (second["zone"] == "bank").all()
    # arrives after its service ends plus the walk between floors 1 and 2 (1 + 2 minutes)
    np.testing.assert_allclose(second["arrival"], first["end"] + 3)
    np.testing.assert_allclose(second["end"] - second["start"], 4)  # the fee's own service time
    np.testing.assert_allclose(first["end"] - first["start"], 10)


def test_share_splits_with_common_random_numbers():
    none = sim.simulate(two_zones(share=0.0), replications=20, seed=4, workers=1)
    some = sim.simulate(two_zones(share=0.4), replications=20, seed=4, workers=1)
    cases = (none.visits.step == 0).sum()
    assert (some.visits.step == 0).sum() == cases  # the same visitors come (paired)
    sent = (some.visits.step == 1).sum()
    assert sent == pytest.approx(0.4 * cases, abs=3 * np.sqrt(cases * 0.24))
    assert (none.visits.step == 1).sum() == 0


def test_analytic_load_includes_the_visitors_sent_on():
    loads = zone_loads(two_zones(share=0.5))
    # 0.1 case a minute, half sent on, lagged by the 10-minute service: 0.05 a minute at 4 minutes
    # after the first period (the first 10 minutes of the day nobody has finished yet)
    assert loads["bank"].rates[0] == pytest.approx(0.05 * 20 / 30)
    assert loads["bank"].rates[1:] == pytest.approx((0.05,) * 3)
    assert loads["bank"].mean_service == pytest.approx(4)
    assert loads["accept"].rates == pytest.approx((0.1,) * 4)


@pytest.mark.parametrize("change, path, message", [
    ({"services": [{"id": "case", "sent_on": [{"service": "nope", "share": 0.5}]}]}, "services[0].sent_on[0].service",
     "unknown service 'nope'"),
    ({"services": [{"id": "case", "sent_on": [{"service": "case", "share": 0.5}]}]}, "services[0].sent_on[0].service",
     "cannot send visitors on to itself"),
    ({"services": [{"id": "case", "sent_on": [{"service": "fee", "share": 0.7}, {"service": "fee", "share": 0.6}]}]},
     "services[0].sent_on", "at most 1, got 1.3"),
])
def test_bad_sent_on(change, path, message):
    base = sim.scenario_to_dict(two_zones())
    with pytest.raises(sim.ScenarioError) as info:
        sim.scenario_from_dict(merge_overrides(base, change))
    assert info.value.path == path and message in info.value.message
