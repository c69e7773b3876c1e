"""Erlang B and C against published values and independent computations."""

import math

import numpy as np
import pytest
from scipy import stats

from optimize import erlang_b, erlang_c, erlang_c_mean_wait, erlang_c_service_level


def direct_erlang_b(n, a):
    """Textbook formula (a^n/n!) / sum_k a^k/k!, fine for small n."""
    return (a**n / math.factorial(n)) / sum(a**k / math.factorial(k) for k in range(n + 1))


def direct_erlang_c(n, a):
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


def mmc_stationary(n, lam, mu, size=400):
    """Truncated M/M/n chain solved as a linear system pi Q = 0, sum pi = 1."""
    q = np.zeros((size, size))
    for k in range(size - 1):
        q[k, k + 1] = lam
        q[k + 1, k] = min(k + 1, n) * mu
    q -= np.diag(q.sum(axis=1))
    a = q.T.copy()
    a[-1] = 1.0  # replace one balance equation by the normalisation
    b = np.zeros(size)
    b[-1] = 1.0
    return np.linalg.solve(a, b)


def test_published_erlang_b_values():
    # Erlang B tables (e.g. Cooper, Introduction to Queueing Theory, table I):
    # B(10, 5) = 0.01838; B(1, 1) = 1/2; B(2, 1) = 1/5.
    assert erlang_b(10, 5) == pytest.approx(0.0183846, abs=1e-7)
    assert erlang_b(1, 1) == 0.5
    assert erlang_b(2, 1) == pytest.approx(0.2)
    assert erlang_b(0, 3.7) == 1.0
    assert erlang_b(4, 0) == 0.0


@pytest.mark.parametrize("n", [1, 2, 5, 13, 30])
@pytest.mark.parametrize("a", [0.3, 2.5, 7.77, 19.0, 42.5])
def test_erlang_b_matches_direct_formula(n, a):
    assert erlang_b(n, a) == pytest.approx(direct_erlang_b(n, a), rel=1e-12)


@pytest.mark.parametrize("n,a", [(1000, 950.0), (2000, 2100.5), (500, 300.25)])
def test_erlang_b_large_matches_truncated_poisson(n, a):
    # B(n, a) = P(X = n) / P(X <= n), X ~ Poisson(a): an independent route via scipy.
    expected = stats.poisson.pmf(n, a) / stats.poisson.cdf(n, a)
    assert erlang_b(n, a) == pytest.approx(expected, rel=1e-9)


def test_erlang_b_rejects_bad_servers():
    with pytest.raises(ValueError, match="servers must be a whole number >= 0, got 2.5"):
        erlang_b(2.5, 1)
    with pytest.raises(ValueError, match="got -1"):
        erlang_b(-1, 1)
    with pytest.raises(ValueError, match="offered_load"):
        erlang_b(3, -1)


def test_erlang_c_textbook_value():
    # 10 agents, 8 Erlangs: P(wait) = 0.409 (standard call-centre example);
    # also checked against the direct sum.
    assert erlang_c(10, 8) == pytest.approx(0.409, abs=5e-4)
    assert erlang_c(10, 8) == pytest.approx(direct_erlang_c(10, 8), rel=1e-12)
    # M/M/1: P(wait) = rho.
    assert erlang_c(1, 0.6) == pytest.approx(0.6)


@pytest.mark.parametrize("n,a", [(2, 1.5), (7, 3.3), (25, 24.1), (40, 20.0)])
def test_erlang_c_matches_direct_sum_and_chain(n, a):
    assert erlang_c(n, a) == pytest.approx(direct_erlang_c(n, a), rel=1e-11)
    pi = mmc_stationary(n, lam=a, mu=1.0, size=1200)
    assert erlang_c(n, a) == pytest.approx(pi[n:].sum(), abs=1e-8)


def test_erlang_c_unstable_is_one():
    assert erlang_c(5, 5) == 1.0
    assert erlang_c(5, 6.5) == 1.0
    assert erlang_c_service_level(5, 2, 3, 10) == 0.0
    assert erlang_c_mean_wait(5, 2, 3) == math.inf


def test_erlang_c_wait_distribution():
    # lambda = 2.4/min, E[S] = 3 min, 8 servers: load 7.2.
    n, lam, es = 8, 2.4, 3.0
    c = direct_erlang_c(n, lam * es)
    for t in (0.0, 0.5, 2.0, 10.0):
        assert erlang_c_service_level(n, lam, es, t) == pytest.approx(
            1 - c * math.exp(-(n / es - lam) * t), rel=1e-12)
    assert erlang_c_service_level(n, lam, es, 0) == pytest.approx(1 - c)
    assert erlang_c_mean_wait(n, lam, es) == pytest.approx(c / (n / es - lam))
    # Little's law on the chain: E[Q] / lambda.
    pi = mmc_stationary(n, lam, 1 / es, size=1500)
    queue = np.maximum(np.arange(pi.size) - n, 0)
    assert erlang_c_mean_wait(n, lam, es) == pytest.approx(queue @ pi / lam, rel=1e-7)


def test_no_arrivals():
    assert erlang_c(3, 0) == 0.0
    assert erlang_c_mean_wait(3, 0, 5) == 0.0
    assert erlang_c_service_level(3, 0, 5, 0) == 1.0
