"""Modified offered load and lagged rates for piecewise-constant arrivals."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

from optimize import lagged_rates, offered_load, period_offered_loads

RATES = [0.4, 2.0, 1.0, 0.2, 1.5]  # per minute, 30-minute periods
P = 30.0


def rate_at(t, rates=RATES, before=0.0):
    if t < 0:
        return before
    j = int(t // P)
    return rates[j] if j < len(rates) else 0.0


def definition(t, sf, before=0.0):
    """m(t) = integral_0^inf lambda(t - u) P(S > u) du, by brute-force quadrature."""
    breaks = [t - k * P for k in range(len(RATES) + 1) if t - k * P > 0]
    total = integrate.quad(lambda u: rate_at(t - u, before=before) * sf(u), 0, max(t, 0),
                           points=breaks or None, limit=400)[0] if t > 0 else 0.0
    if before:
        total += before * integrate.quad(sf, max(t, 0), np.inf)[0]
    return total


def test_constant_rate_is_rate_times_mean_service():
    lam, es = 1.3, 7.0
    loads = period_offered_loads([lam] * 6, P, es, before=lam)
    assert loads == pytest.approx([lam * es] * 6, rel=1e-12)
    assert offered_load(47.0, [lam] * 6, P, es, before=lam) == pytest.approx(lam * es)
    # from an empty hall the load builds up as 1 - exp(-t / E[S])
    for t in (1.0, 10.0, 100.0):
        assert offered_load(t, [lam] * 6, P, es) == pytest.approx(
            lam * es * (1 - math.exp(-t / es)), rel=1e-12)


@pytest.mark.parametrize("t", [5.0, 30.0, 44.0, 61.5, 149.0, 170.0])
def test_exponential_closed_form_matches_definition_and_ode(t):
    es = 8.0
    sf = stats.expon(scale=es).sf
    closed = offered_load(t, RATES, P, es)
    assert closed == pytest.approx(definition(t, sf), rel=1e-8)
    assert closed == pytest.approx(offered_load(t, RATES, P, service=stats.expon(scale=es)),
                                   rel=1e-8)
    # m' = lambda(t) - m / E[S], m(0) = 0 for an infinite-server queue with Exp service
    ode = integrate.solve_ivp(lambda s, m: [rate_at(s) - m[0] / es], (0, t), [0.0],
                              max_step=0.5, rtol=1e-10, atol=1e-12)
    assert closed == pytest.approx(ode.y[0, -1], rel=1e-6)


def test_step_change_period_means():
    es = 8.0
    loads = period_offered_loads(RATES, P, es)
    numeric = period_offered_loads(RATES, P, service=stats.expon(scale=es))
    by_quad = [integrate.quad(lambda s: offered_load(s, RATES, P, es), j * P, (j + 1) * P)[0] / P
               for j in range(len(RATES))]
    assert loads == pytest.approx(by_quad, rel=1e-9)
    assert numeric == pytest.approx(by_quad, rel=1e-7)


def test_general_service_distribution():
    service = stats.gamma(2.0, scale=4.0)  # mean 8 minutes, less variable than Exp
    for t in (12.0, 45.0, 100.0):
        assert offered_load(t, RATES, P, service=service) == pytest.approx(
            definition(t, service.sf), rel=1e-7)
    loads = period_offered_loads(RATES, P, service=service, before=0.4)
    by_quad = [integrate.quad(lambda s: definition(s, service.sf, before=0.4),
                              j * P, (j + 1) * P, limit=200)[0] / P for j in range(len(RATES))]
    assert loads == pytest.approx(by_quad, rel=1e-6)
    # same mean service, different law: different load after a step
    assert not np.allclose(loads, period_offered_loads(RATES, P, 8.0, before=0.4))


def test_statistics():
    es = 8.0
    mean = period_offered_loads(RATES, P, es)
    high = period_offered_loads(RATES, P, es, statistic="max")
    start = period_offered_loads(RATES, P, es, statistic="start")
    end = period_offered_loads(RATES, P, es, statistic="end")
    assert np.all(high >= mean - 1e-12)
    assert high == pytest.approx(np.maximum(start, end))
    assert end[:-1] == pytest.approx(start[1:])
    with pytest.raises(ValueError, match="statistic must be one of"):
        period_offered_loads(RATES, P, es, statistic="median")


def test_lagged_rates():
    # a lag of one period is the previous period's rate (0 before opening)
    assert lagged_rates(RATES, P, P) == pytest.approx([0.0] + RATES[:-1])
    assert lagged_rates(RATES, P, 0.0) == pytest.approx(RATES)
    # half a period: average of the two neighbours
    half = lagged_rates(RATES, P, P / 2, before=0.4)
    assert half == pytest.approx([0.4] + [(a + b) / 2 for a, b in zip(RATES, RATES[1:])])


def test_bad_input():
    with pytest.raises(ValueError, match="rates must be finite and >= 0"):
        period_offered_loads([1.0, -2.0], P, 5.0)
    with pytest.raises(ValueError, match="differs from the service distribution's mean"):
        period_offered_loads(RATES, P, 5.0, service=stats.expon(scale=8.0))
    with pytest.raises(ValueError, match="give mean_service"):
        period_offered_loads(RATES, P)
