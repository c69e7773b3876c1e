"""Exact queueing results, written independently of the code under test.

Each is the textbook formula or a direct solve of the birth-death chain, so the
simulator (and the optimize package) can be checked against them.
"""

from __future__ import annotations

import math

import numpy as np


def birth_death(birth, death, n_states: int) -> np.ndarray:
    """Stationary distribution of a birth-death chain on 0..n_states-1."""
    p = np.ones(n_states)
    for n in range(1, n_states):
        p[n] = p[n - 1] * birth(n - 1) / death(n)
    return p / p.sum()


def erlang_c(c: int, a: float) -> float:
    """P(wait > 0) in M/M/c with offered load *a* = λE[S] < c (direct sum)."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def mmc_mean_wait(c: int, lam: float, mean_service: float) -> float:
    a = lam * mean_service
    return erlang_c(c, a) * mean_service / (c - a)


def mmc_wait_cdf(c: int, lam: float, mean_service: float, t: float) -> float:
    a = lam * mean_service
    return 1 - erlang_c(c, a) * math.exp(-(c - a) * t / mean_service)


def erlang_a(c: int, lam: float, mean_service: float, mean_patience: float, n_max: int = 600):
    """(P(abandon), mean wait of all arrivals, P(wait > 0)) in M/M/c+M by the birth-death chain."""
    mu, theta = 1 / mean_service, 1 / mean_patience
    p = birth_death(lambda n: lam, lambda n: min(n, c) * mu + max(n - c, 0) * theta, n_max)
    n = np.arange(n_max)
    queue = np.maximum(n - c, 0)
    eq = float((queue * p).sum())
    return theta * eq / lam, eq / lam, float(p[c:].sum())


def mmck(c: int, k: int, lam: float, mean_service: float):
    """(P(block), mean wait of admitted) in M/M/c/K, K = c + waiting places."""
    mu = 1 / mean_service
    p = birth_death(lambda n: lam, lambda n: min(n, c) * mu, k + 1)
    n = np.arange(k + 1)
    eq = float((np.maximum(n - c, 0) * p).sum())
    block = float(p[k])
    return block, eq / (lam * (1 - block))


def priority_mm1_waits(lams: list[float], mean_service: float) -> list[float]:
    """Mean waits per class in a non-preemptive priority M/M/1, class 0 first (Cobham)."""
    es2 = 2 * mean_service**2
    w0 = sum(l * es2 for l in lams) / 2
    waits, sigma = [], 0.0
    for lam in lams:
        prev = sigma
        sigma += lam * mean_service
        waits.append(w0 / ((1 - prev) * (1 - sigma)))
    return waits
