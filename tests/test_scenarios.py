"""Every bundled scenario loads and runs."""

from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(p for p in (ROOT / "scenarios").rglob("*.yaml") if "log_format" not in p.name and p.parent.name not in ("shifts", "week"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[str(p.relative_to(ROOT)) for p in SCENARIOS])
def test_scenario_loads_and_runs(path):
    scenario = sim.load_scenario(path)
    results = sim.simulate(scenario, replications=2, seed=1, workers=1)
    overall = results.summary("overall").set_index("kpi")
    assert overall.loc["visitors", "mean"] > 0
    assert overall.loc["served", "mean"] > 0


def test_reference_hall_has_at_least_20_zones():
    assert len(sim.load_scenario(ROOT / "scenarios" / "lanling.yaml").zones) >= 20
