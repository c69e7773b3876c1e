"""The cost descent after the closed loop: a cheaper roster is kept only if it holds everywhere.

The rules are checked with a stubbed hall (a roster costs the sum of its requirement, and a
controlled check says which zone-periods fail); the real thing on the small hall is in
test_closed_loop.py (``result``) and on the reference hall in test_reference_hall.py.
"""

import numpy as np
import pytest

import optimize.descent as descent
from optimize.closed_loop import ITERATION_COLUMNS, Trial


class StubHall:
    """Two zones x six periods; *needed* is the staff each zone-period must keep, checked exactly."""

    def __init__(self, needed, holdout_seed=None):
        self.needed = np.asarray(needed)
        self.reach = np.array([1, 1])
        self.holdout_seed = holdout_seed
        self.scenario = None
        self.checked = []

    def plan_for(self, reqs):
        plan = reqs.copy()
        return Trial(reqs.copy(), None, plan, np.zeros_like(plan, dtype=bool), float(plan.sum()))

    def simulate_holdout(self, trial):
        trial.simulations += 1
        return trial

    def check(self, trial, stuck, excused=None):
        trial.simulations += 1
        self.checked.append(trial.plan.copy())
        return (trial.plan < self.needed) & ~stuck

    def row(self, iteration, kind, trial, *, failing, raised=0, lowered=0, accepted=True, seconds=0.0):
        return {"iteration": iteration, "kind": kind, "staff_hours": trial.hours, "paid_hours": trial.hours,
                "cost": trial.cost, "failing": failing, "raised": raised, "lowered": lowered, "accepted": accepted,
                "simulations": trial.simulations, "roster_status": "", "seconds": seconds}


@pytest.fixture(autouse=True)
def stub_estimates(monkeypatch):
    monkeypatch.setattr(descent, "_cell_slack", lambda hall, estimates: np.ones((2, 6)))
    monkeypatch.setattr(descent, "zone_components", lambda scenario, strong_only=False: [0, 1])


def run(needed, start, **kw):
    hall = StubHall(needed, **kw)
    base = Trial(start.copy(), None, start.copy(), np.zeros_like(start, dtype=bool), float(start.sum()))
    rows = []
    best = descent.descend(hall, base, floor=np.ones_like(start), stuck=np.zeros_like(start, dtype=bool),
                           max_descent=30, record=rows.append, first_iteration=5)
    return hall, best, rows


def test_descent_lowers_cost_and_never_accepts_a_miss():
    start = np.full((2, 6), 4)
    needed = np.array([[2, 3, 3, 2, 1, 1], [4, 4, 4, 4, 4, 4]])   # zone 1 has no room at all
    hall, best, rows = run(needed, start)
    assert best.cost < start.sum()
    assert (best.plan >= needed).all()                 # the accepted roster holds everywhere
    assert (best.plan[1] == 4).all()                   # nothing given away where the check fails
    assert best.plan[0].sum() < start[0].sum()
    assert list(rows[0]) == ITERATION_COLUMNS and rows[0]["iteration"] == 5
    assert {r["kind"] for r in rows} == {"descent"}
    accepted = [r for r in rows if r["accepted"]]
    assert accepted and all(r["failing"] == 0 for r in accepted)
    assert all(r["failing"] is None or r["failing"] > 0 for r in rows if not r["accepted"])
    costs = [r["cost"] for r in accepted]
    assert costs == sorted(costs, reverse=True) and len(set(costs)) == len(costs)   # each strictly cheaper
    # a simulated roster that failed was never kept: every failing plan is more expensive than the result
    # or differs from it
    for plan in hall.checked:
        if (plan < needed).any():
            assert not np.array_equal(plan, best.plan)


def test_nothing_to_lower_keeps_the_base():
    start = np.array([[2, 3, 3, 2, 1, 1], [4, 4, 4, 4, 4, 4]])
    hall, best, rows = run(start, start)               # every level is needed
    assert np.array_equal(best.plan, start) and best.cost == start.sum()
    assert not any(r["accepted"] for r in rows)


def test_the_descent_stops_after_max_descent_simulations():
    start = np.full((2, 6), 9)
    hall = StubHall(np.ones((2, 6), dtype=int))
    base = Trial(start.copy(), None, start.copy(), np.zeros_like(start, dtype=bool), float(start.sum()))
    rows = []
    descent.descend(hall, base, floor=np.ones_like(start), stuck=np.zeros_like(start, dtype=bool), max_descent=3,
                    record=rows.append, first_iteration=1)
    assert len(hall.checked) == 3 and sum(r["simulations"] for r in rows) == 3
