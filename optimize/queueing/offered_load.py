"""Offered load for time-varying arrivals (infinite-server view).

Arrival rates are piecewise constant: *rates[j]* per minute on
[j P, (j + 1) P), P = *period_minutes*, time measured in minutes from the start
of period 0. Before period 0 the rate is *before* (default 0: the hall opens
empty; pass ``rates[0]`` for a hall already in steady state); after the last
period it is 0.

The modified offered load (MOL) is the mean number of busy servers in the
M_t/G/infinity queue with the same arrivals (Eick, Massey and Whitt 1993):

    m(t) = E[ lambda(t - S_e) ] E[S] = integral_0^inf lambda(t - u) P(S > u) du,

S_e being the stationary-excess time of the service time S. For exponential S,
S_e has the same law as S, so m(t) = E[lambda(t - S)] E[S]. With
I(x) = integral_0^x P(S > u) du and J(x) = integral_0^x I(y) dy a period j
contributes lambda_j [I(t - a_j) - I(t - b_j)], and its period average comes from
J exactly. For exponential S (the default, mean *mean_service*):
I(x) = m (1 - e^{-x/m}), J(x) = m x - m I(x). For any other service
distribution pass a frozen ``scipy.stats`` distribution as *service*; I and J
are then integrated numerically with ``scipy.integrate.quad``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import integrate

from optimize.queueing._checks import check_nonneg, check_positive

__all__ = ["lagged_rates", "offered_load", "period_offered_loads"]

STATISTICS = ("mean", "max", "start", "end")
_MAX_POINTS = 21  # grid for "max" with a general service distribution


def _check_rates(rates: Sequence[float]) -> np.ndarray:
    arr = np.asarray(rates, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"rates must be a non-empty list of numbers, got {rates!r}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"rates must be finite and >= 0 (per minute), got {list(arr)}")
    return arr


class _Service:
    """I(x), J(x) and E[S] for the service-time law."""

    def __init__(self, mean_service, service):
        if service is None:
            if mean_service is None:
                raise ValueError("give mean_service (exponential) or a scipy.stats service")
            self.mean = check_positive("mean_service", mean_service)
            self.dist = None
        else:
            self.dist = service
            self.mean = float(service.mean())
            if mean_service is not None and not math.isclose(self.mean, mean_service,
                                                             rel_tol=1e-9):
                raise ValueError(f"mean_service {mean_service!r} differs from the "
                                 f"service distribution's mean {self.mean!r}")

    def integrated_sf(self, x: float) -> float:
        if x <= 0.0:
            return 0.0
        if self.dist is None:
            return -self.mean * math.expm1(-x / self.mean)
        return integrate.quad(self.dist.sf, 0.0, x, limit=200)[0]

    def twice_integrated_sf(self, x: float) -> float:
        if x <= 0.0:
            return 0.0
        if self.dist is None:
            return self.mean * x - self.mean * self.integrated_sf(x)
        return integrate.quad(lambda u: (x - u) * self.dist.sf(u), 0.0, x, limit=200)[0]


def _load_at(t: float, rates: np.ndarray, period: float, before: float, svc: _Service) -> float:
    edges = np.arange(rates.size + 1) * period
    total = before * (svc.mean - svc.integrated_sf(t))
    for lam, a, b in zip(rates, edges[:-1], edges[1:]):
        if lam and t > a:
            total += lam * (svc.integrated_sf(t - a) - svc.integrated_sf(t - b))
    return total


def offered_load(t: float, rates: Sequence[float], period_minutes: float,
                 mean_service: float | None = None, *, service=None,
                 before: float = 0.0) -> float:
    """m(*t*), the infinite-server offered load (Erlangs) at *t* minutes.

    *rates* per minute per period; *mean_service* in minutes (exponential), or a
    frozen ``scipy.stats`` distribution as *service*.
    """
    arr = _check_rates(rates)
    period = check_positive("period_minutes", period_minutes)
    return _load_at(float(t), arr, period, check_nonneg("before", before),
                    _Service(mean_service, service))


def _period_mean(j: int, rates: np.ndarray, period: float, before: float,
                 svc: _Service) -> float:
    c, d = j * period, (j + 1) * period
    J = svc.twice_integrated_sf
    # average of before * (E[S] - I(t)) over [c, d]
    total = before * (svc.mean - (J(d) - J(c)) / period)
    for i, lam in enumerate(rates[: j + 1]):
        a, b = i * period, (i + 1) * period
        if lam:
            total += lam * (J(d - a) - J(c - a) - J(d - b) + J(c - b)) / period
    return total


def period_offered_loads(rates: Sequence[float], period_minutes: float,
                         mean_service: float | None = None, *, service=None,
                         before: float = 0.0, statistic: str = "mean") -> np.ndarray:
    """The offered load m(t) summarised per period (Erlangs), one value per rate.

    *statistic*: ``"mean"`` (exact period average, default), ``"max"`` (for
    exponential service m is monotone within a period so the larger end value is
    exact; otherwise the max over 21 points), ``"start"`` or ``"end"``.
    """
    arr = _check_rates(rates)
    period = check_positive("period_minutes", period_minutes)
    before = check_nonneg("before", before)
    svc = _Service(mean_service, service)
    if statistic not in STATISTICS:
        raise ValueError(f"statistic must be one of {STATISTICS}, got {statistic!r}")
    out = np.empty(arr.size)
    for j in range(arr.size):
        if statistic == "mean":
            out[j] = _period_mean(j, arr, period, before, svc)
            continue
        points = {"start": [0.0], "end": [1.0]}.get(
            statistic, [0.0, 1.0] if svc.dist is None else np.linspace(0, 1, _MAX_POINTS))
        out[j] = max(_load_at((j + f) * period, arr, period, before, svc) for f in points)
    return out


def lagged_rates(rates: Sequence[float], period_minutes: float, lag: float, *,
                 before: float = 0.0) -> np.ndarray:
    """Per-period averages of lambda(t - *lag*) (per minute): the lagged-SIPP rates.

    The usual lag is the mean service time. Exact for piecewise-constant rates.
    """
    arr = _check_rates(rates)
    period = check_positive("period_minutes", period_minutes)
    lag = check_nonneg("lag", lag)
    before = check_nonneg("before", before)
    edges = np.arange(arr.size + 1) * period
    cumulative = np.concatenate([[0.0], np.cumsum(arr * period)])

    def arrivals_until(x: np.ndarray) -> np.ndarray:  # integral of lambda from 0 to x
        inside = np.interp(x, edges, cumulative)
        return inside + np.where(x < 0, before * x, 0.0)

    starts = edges[:-1] - lag
    return (arrivals_until(starts + period) - arrivals_until(starts)) / period
