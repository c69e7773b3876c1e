"""Property tier: any small scenario either is rejected with an InputError or runs and
accounts for every visitor in exactly one outcome."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import sim
from sim.model.compiled import compile_hall as compile_plan
from sim.model.hall import FINAL, HallModel
from sim.model.visitors import draw_visitors

from .strategies import scenarios

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


@pytest.mark.slow
@SETTINGS
@given(data=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_random_scenarios_conserve_visitors(data, seed):
    try:
        scenario = sim.scenario_from_dict(data)
    except sim.InputError as exc:
        assert str(exc)  # a clear message, not an exception of another kind
        event(f"rejected: {exc.path.split('[')[0]}: {exc.message[:30]}")
        return
    event("valid")
    plan = compile_plan(scenario)
    visitors = draw_visitors(plan, seed, 0)
    record = HallModel(plan, visitors).run()  # ConservationError if a visit is lost
    assert set(np.unique(record.outcome)) <= set(FINAL)
    counts = np.bincount(record.visitor, minlength=len(visitors))
    assert len(counts) == len(visitors) and (counts >= 1).all()
    assert (record.step == 0).sum() == len(visitors)
    # Everyone in the hall when it closes is served: only abandoners and balkers are not.
    assert not (record.outcome == sim.model.hall.UNSERVED).any()


@settings(max_examples=15, deadline=None, derandomize=True)
@given(data=scenarios())
def test_random_scenarios_give_complete_results(data):
    try:
        scenario = sim.scenario_from_dict(data)
    except sim.InputError:
        return
    r = sim.simulate(scenario, replications=2, seed=3, workers=1)
    v = r.visits
    assert v["outcome"].notna().all()
    overall = r.summary("overall").set_index("kpi")["mean"]
    assert overall["visits"] == overall["served"] + overall["abandoned"] + overall["balked"]  # none unserved
