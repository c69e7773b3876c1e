"""What the exact search may assume about one zone's performance (optimize.exact_staffing).

The lazy cuts and the lower bounds L_t rest on monotonicity. These tests pin down where it
holds and where it does not, on the exact evaluator under both staff-decrease rules:

* more staff in a period or in later ones never hurts that period (both rules, with patience);
* an empty zone is the best start of all;
* more staff in *earlier* periods never hurts under ``first_free`` when patience is at
  least the service, but can hurt with shorter patience (both rules) and under
  ``own_visitor`` - pinned counterexamples - so ``ZoneEvaluator`` is :attr:`monotone` only
  there, and elsewhere its bounds start empty and its search ends ``best_found`` with a
  valid bound instead of claiming ``optimal``.
"""

import itertools
import math
import typing

import numpy as np
import pytest

from optimize.exact_staffing import ZoneEvaluator
from optimize.queueing.transient import STAFF_DECREASE, evaluate_zone

RULES = list(STAFF_DECREASE)
TAUS = [2.0, 10.0]


def service_levels(rates, plan, *, service, patience, rule, initial=None):
    r = evaluate_zone(rates, plan, period_minutes=30, mean_service=service, mean_patience=patience,
                      taus=TAUS, staff_decrease=rule, initial=initial)
    return np.nan_to_num(np.array([r.service_level[tau] for tau in TAUS])), np.nan_to_num(r.mean_wait)


def random_pairs(seed, count=25, periods=5):
    """(rates, f, g, u): g is f with more staff in period u."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        rates = list(rng.uniform(0.05, 0.6, periods))
        f = rng.integers(1, 12, periods)
        g = f.copy()
        u = int(rng.integers(0, periods))
        g[u] += int(rng.integers(1, 8))
        yield rates, f, g, u, float(rng.choice([6.0, 20.0, 60.0]))


def test_the_rules_are_the_scenarios():
    from sim.scenario.schema import Scenario
    assert typing.get_args(Scenario.model_fields["staff_decrease"].annotation) == STAFF_DECREASE


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("patience", [math.inf, 10.0])
def test_staff_in_a_period_or_later_never_hurts_it(rule, patience):
    for rates, f, g, u, service in random_pairs(1):
        sl_f, w_f = service_levels(rates, f, service=service, patience=patience, rule=rule)
        sl_g, w_g = service_levels(rates, g, service=service, patience=patience, rule=rule)
        assert np.all(sl_g[:, : u + 1] >= sl_f[:, : u + 1] - 1e-9), (rates, f, g)
        assert np.all(w_g[: u + 1] <= w_f[: u + 1] + 1e-9), (rates, f, g)


@pytest.mark.parametrize("rule", RULES)
def test_an_empty_zone_is_the_best_start(rule):
    rng = np.random.default_rng(2)
    for _ in range(30):
        rates, plan = list(rng.uniform(0.05, 0.6, 3)), list(rng.integers(1, 10, 3))
        service, patience = float(rng.choice([6.0, 60.0])), float(rng.choice([math.inf, 10.0]))
        before, e, n = int(rng.integers(0, 15)), int(rng.integers(0, 5)), int(rng.integers(0, 25))
        n = max(n, (e if rule == "own_visitor" else before + e) if e else 0)
        start = np.zeros((n + 1, e + 1))
        start[n, e] = 1.0
        empty, w0 = service_levels(rates, plan, service=service, patience=patience, rule=rule)
        busy, w1 = service_levels(rates, plan, service=service, patience=patience, rule=rule,
                                  initial=(start, before))
        assert np.all(busy <= empty + 1e-9) and np.all(w1 >= w0 - 1e-9)


@pytest.mark.parametrize("patience_over_service", [math.inf, 1.0, 3.0])
def test_earlier_staff_never_hurts_under_first_free_with_patience_no_shorter_than_service(patience_over_service):
    for rates, f, g, _, service in random_pairs(3):
        patience = service * patience_over_service
        sl_f, w_f = service_levels(rates, f, service=service, patience=patience, rule="first_free")
        sl_g, w_g = service_levels(rates, g, service=service, patience=patience, rule="first_free")
        assert np.all(sl_g >= sl_f - 1e-9) and np.all(w_g <= w_f + 1e-9), (rates, f, g)
        ev = ZoneEvaluator(rates, period_minutes=30, mean_service=service, targets="wait<=2@50%", windows=20,
                           mean_patience=patience)
        assert ev.monotone


@pytest.mark.parametrize("rule,f,g,period", [
    # hour-long services, patience 10: visitors served at 15 windows hold them into the next
    # half hour (first_free: a completion closes a window instead of calling the queue), where
    # with 5 windows they would have left
    ("first_free", [5, 5, 5, 5], [15, 5, 5, 5], 1),
    # own_visitor: the leaving people's windows are kept when staff rises again, still busy
    ("own_visitor", [5, 5, 10, 10], [15, 5, 10, 10], 2),
])
def test_with_abandonment_earlier_staff_can_hurt(rule, f, g, period):
    rates = [0.3] * 4
    sl_f, _ = service_levels(rates, f, service=60.0, patience=10.0, rule=rule)
    sl_g, _ = service_levels(rates, g, service=60.0, patience=10.0, rule=rule)
    assert np.all(sl_g[:, period] < sl_f[:, period] - 0.02)     # P(called within 2 and within 10 min)
    ev = ZoneEvaluator(rates, period_minutes=30, mean_service=60.0, targets="wait<=2@50%", windows=20,
                       mean_patience=10.0, staff_decrease=rule)
    assert not ev.monotone


def test_under_own_visitor_earlier_staff_can_hurt_even_without_abandonment():
    # 11 -> 9 leaves people finishing their own visitors; at the drop to 2 in the last period
    # their visitors do not count against the 2 regular windows. With 20 instead of 9 nobody
    # is leaving then, so the same visitors fill the regular windows: a tiny, real effect
    rates, f, g = [0.238, 0.349, 0.158, 0.598, 0.184, 0.191], [1, 10, 3, 11, 9, 2], [1, 10, 3, 11, 20, 2]
    delay = {plan: evaluate_zone(rates, list(plan), period_minutes=30, mean_service=6.0,
                                 staff_decrease="own_visitor").p_delay[5] for plan in (tuple(f), tuple(g))}
    assert delay[tuple(g)] > delay[tuple(f)] + 1e-6
    assert not ZoneEvaluator(rates, period_minutes=30, mean_service=6.0, targets="wait<=0@80%", windows=20,
                             staff_decrease="own_visitor").monotone


@pytest.mark.parametrize("rule", RULES)
def test_lower_bounds_hold_whatever_the_other_periods_with_abandonment(rule):
    rates, windows = [0.3, 0.5, 0.4, 0.2], 20
    ev = ZoneEvaluator(rates, period_minutes=30, mean_service=60.0, targets="wait<=5@60%", windows=windows,
                       mean_patience=10.0, staff_decrease=rule)
    lows = ev.lower_bounds()
    assert lows[1:].min() > 0
    rng = np.random.default_rng(4)
    for t in range(len(rates)):
        for _ in range(25):          # any plan one below the bound at t fails there
            plan = rng.integers(0, windows + 1, len(rates))
            plan[t] = lows[t] - 1
            if plan[t] >= 0:
                assert not ev.check(plan, t), (t, plan)


def test_under_first_free_short_patience_bounds_come_from_a_faster_model_and_beat_an_empty_start():
    # the faster model (everyone leaves at rate θ) starts from the state its all-windows day
    # leaves; an empty start is the other valid choice, computed here on its own
    rates, windows, service, patience = [0.33, 0.5, 0.4, 0.3], 40, 60.0, 30.0
    ev = ZoneEvaluator(rates, period_minutes=30, mean_service=service, targets="wait<=5@80%", windows=windows,
                       mean_patience=patience)
    assert not ev.monotone
    empty = []
    for t in range(len(rates)):
        def passes(k, t=t):
            r = evaluate_zone(rates[t:], [k] + [windows] * (len(rates) - t - 1), period_minutes=30,
                              mean_service=service, mean_patience=patience, taus=[5.0])
            return r.service_level[5.0][0] >= 0.8 - 1e-9
        empty.append(next(k for k in range(windows + 1) if passes(k)))
    lows = ev.lower_bounds()
    assert (lows >= np.array(empty)).all() and (lows > np.array(empty)).any(), (lows, empty)
    # and they hold: any plan one below at t fails there
    rng = np.random.default_rng(5)
    for t in range(len(rates)):
        for _ in range(10):
            plan = rng.integers(0, windows + 1, len(rates))
            plan[t] = lows[t] - 1
            assert not ev.check(plan, t), (t, plan)


def test_without_monotonicity_the_search_claims_no_optimum_and_its_bound_holds():
    # brute force over every plan: the search's plan is the cheapest, its bound below it,
    # and it says "best_found", not "optimal" (its cuts proved nothing)
    ev = ZoneEvaluator([0.3, 0.6, 0.2], period_minutes=30, mean_service=60.0, targets="wait<=5@60%", windows=14,
                       mean_patience=10.0)
    res = ev.solve()
    lows = ev.lower_bounds()            # valid (the test above): the brute force starts there
    cheapest = min(sum(p) for p in itertools.product(*[range(low, 15) for low in lows])
                   if sum(p) <= sum(res.plan) and ev(np.array(p)).all())
    assert res.status == "best_found"
    assert res.lower_bound <= 0.5 * cheapest + 1e-9           # staff-hours of half hours
    assert res.cost == pytest.approx(0.5 * cheapest) and sum(res.plan) == cheapest
