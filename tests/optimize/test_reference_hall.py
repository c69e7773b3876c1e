"""The reference hall (Lanling, 25 zones) with its lunch-break shift set: the roster of the default
(calibrated) method meets ``wait<=15@80%`` in every zone-period on 300 fresh days. (The simulation method's closed loop on this hall takes minutes; tests/optimize/test_closed_loop.py
checks that method on a smaller hall.)

About a minute on one core. The only exceptions allowed are zone-periods the optimizer reports as
stuck - no staffing within the zone's windows can meet the target there - and this test checks that
those are over capacity indeed (the comprehensive windows' own load at the morning peak is about
11.4 Erlangs for 10 windows in the reference scenario).
"""

from pathlib import Path

import pytest

import sim
from optimize import load_shift_file, optimize_staffing, verify_plan, zone_demand
from optimize.calibrated_method import SEARCH_SEED_OFFSET

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_lanling_roster_meets_the_target_with_fresh_seeds():
    hall = sim.load_scenario(ROOT / "scenarios" / "lanling.yaml")
    shifts = load_shift_file(ROOT / "scenarios" / "shifts" / "lanling_shifts.yaml",
                             grid=(hall.open_minute, hall.close_minute, hall.period_minutes), zones=hall.zone_ids)
    result = optimize_staffing(hall, "wait<=15@80%", shifts=shifts, seed=0, replications=30, workers=1,
                               baselines=False)
    assert result.method == "calibrated" and result.roster.status == "optimal"
    first = result.seeds["search"] + SEARCH_SEED_OFFSET            # the search's simulations: fresh days
    assert result.seeds["verification"] not in range(first, first + result.simulations + 1)
    # the whole plan's statistical statement: under one zone-period expected to truly miss
    assert result.expected_misses < 1.0
    assert 0 < result.lower_bound <= result.roster.cost

    # stuck zone-periods are those where the zone's own offered load reaches its windows, or their
    # backlog within the next hour and a half
    demand = zone_demand(hall)
    labels = [f"{s // 60:02d}:{s % 60:02d}" for s in hall.period_starts]
    for zone, start in result.stuck:
        t = labels.index(start)
        load = demand[zone].offered_load[max(0, t - 3):t + 1].max()
        assert load >= 0.9 * hall.zone(zone).windows, (zone, start, load)

    # fresh days: 300 of them, so that a zone-period with a dozen visitors a day is judged to
    # about +-0.03 (30 days leave +-0.15 there, and a plan as lean as the models allow has many
    # zone-periods near 80%, some of which 30 days put a few points under it by chance)
    v = verify_plan(hall, result.plan, "wait<=15@80%", replications=300, seed=4242, workers=1)
    assert 4242 not in range(first, first + result.simulations + 1)
    stuck = v.set_index(["zone", "start"]).index.isin(result.stuck)
    judged = v[~stuck & (v["status"] != "exempt")]
    assert len(judged) >= 400
    assert (judged["status"] != "missed").all(), judged[judged["status"] == "missed"]
    # the method aims at the point estimate (margin 0): a zone-period whose truth sits on 80% may
    # land a hair under it, with an interval reaching it; few, and only a hair
    borderline = judged[judged["status"] == "borderline"]
    assert len(borderline) <= 3, borderline
    assert (borderline["high"] >= 0.8).all() and (judged["achieved"] >= 0.78).all()
