"""Small runs shared by the plot, report, what-if and sweep tests (3 replications of a 2-zone hall)."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small.yaml"
SMALL_MORE = ROOT / "tests" / "data" / "small_more_staff.yaml"


@pytest.fixture(scope="session")
def small():
    return sim.load_scenario(SMALL)


@pytest.fixture(scope="session")
def results(small):
    return sim.simulate(small, replications=3, seed=1, workers=1)


@pytest.fixture(scope="session")
def comparison(results):
    more = sim.simulate(sim.load_scenario(SMALL_MORE), replications=3, seed=1, workers=1)
    return sim.compare(results, more)


@pytest.fixture(scope="session")
def sweep_frame(small):
    return sim.sweep(small, {"demand_scale": [0.9, 1.1], "zones.tax.staff": [5, 6]}, replications=3, seed=1,
                     by="zone", workers=1)
