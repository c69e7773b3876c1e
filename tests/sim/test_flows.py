"""The analytic flows (one description per mechanic) against the engine's own visit counts."""

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.flows import expected_visits, visit_flows

EX = Path(__file__).resolve().parents[2] / "scenarios" / "examples"


@pytest.mark.parametrize("path", sorted(EX.glob("*.yaml")), ids=lambda p: p.stem)
def test_expected_visits_per_queue_match_the_simulation(path):
    scenario = sim.load_scenario(path)
    results = sim.simulate(scenario, replications=30, seed=11, workers=1)
    simulated = results.visits.groupby("queue", observed=False).size() / 30
    expected = {}
    for f in visit_flows(scenario):
        label = results.hall.topology.queues[f.queue].label
        expected[label] = expected.get(label, 0.0) + f.rates.sum() * scenario.period_minutes
    # A service's walk-in flow stands for its class queues too (booked, green).
    merged = simulated.groupby(lambda q: q.split(".")[0] if q.endswith((".booked", ".green")) else q).sum()
    for label, mean in expected.items():
        seen = merged.get(label, 0.0)
        # Poisson noise over 30 days, plus 6% for what the flows approximate (slot rounding,
        # pick-ups lagged by their mean delay, visits after closing)
        assert seen == pytest.approx(mean, abs=4 * np.sqrt(mean / 30) + 0.06 * mean + 0.5), label
    assert len(results.visits) / 30 == pytest.approx(expected_visits(scenario), rel=0.06)
