"""Erlang B and Erlang C (M/M/c) formulas.

Units: rates are *per minute*, times in *minutes*, offered load in Erlangs
(arrival rate x mean service time, dimensionless). A service level is
P(W <= t) over all arrivals, W being the time from arrival to service start.
"""

from __future__ import annotations

import math

import numpy as np

from optimize.queueing._checks import check_nonneg, check_positive, check_servers

__all__ = [
    "erlang_b",
    "erlang_b_table",
    "erlang_c",
    "erlang_c_mean_wait",
    "erlang_c_service_level",
]


def erlang_b_table(max_servers: int, offered_load: float) -> np.ndarray:
    """Blocking probabilities B(0..max_servers, *offered_load*) as an array.

    Uses the recursion on the inverse, 1/B(n) = 1 + (n/a) / B(n-1), which only
    adds positive terms and so never cancels or overflows before B underflows.
    *offered_load* may be any real >= 0.
    """
    n_max = check_servers(max_servers)
    a = check_nonneg("offered_load", offered_load)
    out = np.empty(n_max + 1)
    out[0] = 1.0
    if a == 0.0:
        out[1:] = 0.0
        return out
    inv = 1.0
    for n in range(1, n_max + 1):
        inv = 1.0 + inv * n / a
        out[n] = 1.0 / inv
    return out


def erlang_b(servers: int, offered_load: float) -> float:
    """Blocking probability of M/M/n/n (Erlang loss) with *offered_load* Erlangs.

    *servers* is a whole number >= 0; *offered_load* any real >= 0.
    Raises ValueError for a negative or non-integer server count.
    """
    return float(erlang_b_table(servers, offered_load)[-1])


def erlang_c(servers: int, offered_load: float) -> float:
    """P(wait > 0) for M/M/n with *offered_load* Erlangs (1.0 when load >= servers).

    C = n B / (n - a (1 - B)), with B the Erlang B value: stable for any size.
    """
    n = check_servers(servers)
    a = check_nonneg("offered_load", offered_load)
    if a >= n:
        return 1.0
    b = erlang_b(n, a)
    return n * b / (n - a * (1.0 - b))


def _load(arrival_rate, mean_service) -> tuple[float, float]:
    lam = check_nonneg("arrival_rate", arrival_rate)
    es = check_positive("mean_service", mean_service)
    return lam, es


def erlang_c_service_level(servers: int, arrival_rate: float, mean_service: float,
                           t: float) -> float:
    """P(W <= *t*) for M/M/n: 1 - C exp(-(n/E[S] - lambda) t).

    *arrival_rate* per minute, *mean_service* and *t* in minutes. An unstable
    queue (load >= servers) returns 0.0: in the long run nobody is served in time.
    """
    n = check_servers(servers)
    lam, es = _load(arrival_rate, mean_service)
    t = check_nonneg("t", t)
    a = lam * es
    if a >= n:
        return 0.0 if lam > 0 else 1.0
    return 1.0 - erlang_c(n, a) * math.exp(-(n / es - lam) * t)


def erlang_c_mean_wait(servers: int, arrival_rate: float, mean_service: float) -> float:
    """Mean wait in queue (minutes, over all arrivals) for M/M/n: C / (n/E[S] - lambda).

    Returns ``math.inf`` for an unstable queue (load >= servers, arrivals > 0).
    """
    n = check_servers(servers)
    lam, es = _load(arrival_rate, mean_service)
    a = lam * es
    if lam == 0.0:
        return 0.0
    if a >= n:
        return math.inf
    return erlang_c(n, a) / (n / es - lam)
