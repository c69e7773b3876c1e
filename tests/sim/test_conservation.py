"""Conservation: every visitor who came ends in exactly one outcome, whatever the mechanics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.model.compiled import compile_hall as compile_plan
from sim.model.hall import FINAL, SERVED, UNSERVED, ConservationError, HallModel
from sim.model.visitors import draw_visitors
from sim.output import write_results

from ..helpers import hall, run_trace

ROOT = Path(__file__).resolve().parents[2]


def assert_conserved(plan, record, visitors) -> None:
    """Every visit final, every visitor with at least one visit, later steps only after service."""
    assert set(np.unique(record.outcome)) <= set(FINAL)
    counts = np.bincount(record.visitor, minlength=len(visitors))
    assert len(counts) == len(visitors) and (counts >= 1).all()
    first = record.step == 0
    assert first.sum() == len(visitors)
    assert (record.online >= 0).all() and (record.no_shows >= 0).all()


def test_a_reserve_as_large_as_the_staff_still_serves_everyone_after_closing():
    # Two windows, both kept for s3: s1 visitors can start only after closing.
    data = hall(zones=[{"id": "z", "windows": 2, "staff": 2, "reserve": {"service": "s3", "windows": 2}}],
                services=[{"id": "s1", "zone": "z", "arrivals": {"rate_per_hour": 4}, "service_time": {"dist": "exponential", "mean": 5}},
                          {"id": "s3", "zone": "z", "arrivals": {"rate_per_hour": 1}, "service_time": {"dist": "exponential", "mean": 5}}])
    plan, rec = run_trace(data, arrivals=[0, 10, 20], works=[5, 5, 5], services=[0, 0, 1])
    assert list(rec.outcome) == [SERVED] * 3
    # s1 visitors start at closing (60 minutes after opening), s3 at once.
    assert [round(float(x) - plan.open, 6) for x in rec.start] == [60.0, 60.0, 20.0]


def test_reserve_day_keeps_every_visitor_in_the_results_and_writes_out(tmp_path):
    data = hall(zones=[{"id": "z", "windows": 2, "staff": 2, "reserve": {"service": "s3", "windows": 2}}],
                services=[{"id": f"s{i}", "zone": "z", "arrivals": {"rate_per_hour": 4},
                           "service_time": {"dist": "exponential", "mean": 5}} for i in (1, 2, 3)],
                close="12:00")
    r = sim.simulate(sim.scenario_from_dict(data), replications=3, seed=1, workers=1)
    v = r.visits
    assert (v.outcome == "served").all()
    overall = r.summary("overall").set_index("kpi")
    assert overall.loc["visitors", "mean"] == overall.loc["served", "mean"]
    write_results(r, tmp_path / "out")
    assert (tmp_path / "out" / "visits.csv").exists()


def test_a_visit_left_waiting_is_unserved_not_lost():
    # A model whose only zone never opens a window (staff events removed) leaves its visitor waiting.
    plan = compile_plan(sim.scenario_from_dict(hall()))
    model = HallModel(plan, draw_visitors(plan, 0, 0))
    model._serve_the_stranded = lambda: None
    model.apply_staff = lambda z: None
    rec = model.run()
    assert len(rec.outcome) and (rec.outcome == UNSERVED).all()


def test_a_served_visitor_with_steps_left_is_a_conservation_error():
    plan = compile_plan(sim.scenario_from_dict(hall()))
    model = HallModel(plan, draw_visitors(plan, 0, 0))
    model._next_step = lambda v, steps: None  # drop later steps silently
    model.rest = {0: [(0, 1.0, float("inf"), 0.0)]}
    with pytest.raises(ConservationError):
        model.run()


SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted((ROOT / "scenarios" / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_bundled_scenario_conserves_visitors(path):
    plan = compile_plan(sim.load_scenario(path))
    visitors = draw_visitors(plan, 7, 0)
    record = HallModel(plan, visitors).run()  # raises ConservationError on a lost visitor
    assert_conserved(plan, record, visitors)
    assert not (record.outcome == UNSERVED).any()
