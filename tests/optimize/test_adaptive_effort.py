"""Adaptive effort (optimize.adaptive_effort): which cells are close, how probe evidence pools
and decides, and that the method spends it only where a decision is close."""

import numpy as np
import pandas as pd
import pytest

from optimize.adaptive_effort import CLOSE_SE, AdaptiveEvidence, _Pooled, close_cells
from optimize.calibrated_method import _Models, calibrated_staffing, forward_plan
from optimize.model_correction import Correction
from optimize.targets import parse_targets
from tests.optimize.test_calibrated import TARGET, WINDOWS, exact_evaluator, zone_hall

REQUIRED = 0.8


def _evidence(deltas, ses, level=2, visits=1000.0):
    """Evidence with one pooled cell per period of zone 0 at *level*: delta and standard error given."""
    ev = AdaptiveEvidence()
    for t, (d, se) in enumerate(zip(deltas, ses)):
        if np.isnan(d):
            continue
        cell = _Pooled()
        cell.add(REQUIRED + d, REQUIRED, se, visits)
        ev.cells[(TARGET, 0, t, level)] = cell
    return ev


def test_pooled_evidence_is_the_ratio_of_totals_over_rounds():
    cell = _Pooled()
    cell.add(0.9, 0.85, 0.04, 100)
    cell.add(0.6, 0.70, 0.08, 300)
    assert cell.estimate == pytest.approx((0.9 * 100 + 0.6 * 300) / 400)
    assert cell.delta == pytest.approx((0.05 * 100 - 0.10 * 300) / 400)
    assert cell.se == pytest.approx(np.hypot(0.04 * 100, 0.08 * 300) / 400)


def test_a_cell_stays_undecided_only_while_its_estimate_is_within_two_standard_errors():
    target = parse_targets(TARGET)
    ev = _evidence([0.05, 0.02, -0.10], [0.02, 0.02, 0.02])
    assert not ev.undecided(target, 0, 0, 2)      # 2.5 se above
    assert ev.undecided(target, 0, 1, 2)          # 1 se above
    assert not ev.undecided(target, 0, 2, 2)      # 5 se below
    assert not ev.undecided(target, 0, 1, 3)      # never probed at that level


def _base(T=8):
    return Correction({TARGET: np.zeros((1, T))}, {TARGET: np.full((1, T), 0.01)})


def test_probe_noise_does_not_move_a_model_that_is_right_one_staff_lower():
    rng = np.random.default_rng(1)
    T = 8
    ev = _evidence(rng.normal(0, 0.03, T), np.full(T, 0.03))
    table = ev.correction_table(_base(T), levels=5)
    assert np.allclose(table.delta[TARGET][0, :, 2], 0.0)        # shrunk to the model
    assert np.allclose(table.delta[TARGET][0, :, [0, 1, 3, 4]], 0.0)


def test_a_bias_one_staff_lower_shown_by_the_zones_close_cells_together_is_applied():
    rng = np.random.default_rng(2)
    T = 8
    ev = _evidence(0.08 + rng.normal(0, 0.02, T), np.full(T, 0.02))
    table = ev.correction_table(_base(T), levels=5)
    assert np.allclose(table.delta[TARGET][0, :, 2], 0.08, atol=0.02)
    assert np.allclose(table.delta[TARGET][0, :, 3], 0.0)        # other levels keep the search's correction
    assert (table.sd[TARGET][0, :, 2] >= 0.01).all()
    plan = np.full((1, T), 2)
    assert np.allclose(table.at_levels(plan).delta[TARGET], table.delta[TARGET][:, :, 2])


@pytest.mark.slow
def test_close_cells_are_those_one_staff_fewer_misses_by_less_than_three_standard_errors():
    hall = zone_hall()
    T = hall.n_periods
    targets = parse_targets(TARGET)
    ev = exact_evaluator()
    plan = forward_plan(ev, np.full(T, 3), np.full(T, WINDOWS), np.ones(T, dtype=int))[None, :]
    se = 0.03
    labels = [f"{8 + t // 2:02d}:{30 * (t % 2):02d}" for t in range(T)]
    estimates = pd.DataFrame({"zone": "z", "start": labels, "target": TARGET, "achieved": 0.85,
                              "low": 0.85 - 1.96 * se, "high": 0.85 + 1.96 * se, "visitors": 20.0,
                              "status": "met"})
    with _Models(hall, targets, np.full((1, T), WINDOWS)) as models:
        models.correct(None, 0.0)
        floor = models.floor()
        close = close_cells(models, plan, floor, _base(T), estimates, replications=10**6, confidence=0.95)
    # independently: one staff fewer in each period (the other parity at the plan), by the exact model
    for t in range(T):
        if plan[0, t] <= floor[0, t]:
            assert not close[0, t]
            continue
        probe = plan[0].copy()
        probe[(np.arange(T) % 2 == t % 2) & (plan[0] > floor[0])] -= 1
        short = REQUIRED - ev.values(probe)[0, t]
        assert close[0, t] == (short < CLOSE_SE * se), (t, short)
    assert close.any() and not close.all()


@pytest.mark.slow
def test_the_adaptive_stage_only_lowers_and_accounts_for_its_probe_simulations():
    """Per-period plans: close cells are only ever lowered (nothing else is raised for them),
    and the probe simulations are counted, reported and called back."""
    kwargs = dict(seed=0, replications=20, max_simulations=2, workers=1, bound=False)
    without = calibrated_staffing(zone_hall(), TARGET, adaptive_rounds=0, **kwargs)
    probed = []
    found = calibrated_staffing(zone_hall(), TARGET, adaptive_rounds=2, on_probe=lambda: probed.append(1), **kwargs)
    assert (found.plan <= without.plan).all().all() and found.cost <= without.cost
    rows = found.iterations
    adaptive = rows[rows["stage"] == "adaptive"]
    assert len(adaptive) == 1 and int(adaptive["probes"].iloc[0]) == len(probed) >= 1
    lowered = int((found.plan < without.plan).sum().sum())
    assert int(adaptive["close_cells"].iloc[0]) >= lowered == int(adaptive["lowered_cells"].iloc[0])
    assert found.simulations == int((rows["stage"] == "search").sum()) + len(probed)
    assert (without.iterations["stage"] == "search").all()
