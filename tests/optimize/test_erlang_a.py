"""Erlang A (M/M/n+M) against an independent chain solve and its limits."""

import math

import numpy as np
import pytest
from scipy.linalg import expm

from optimize import (
    erlang_a,
    erlang_a_abandon_probability,
    erlang_a_mean_wait,
    erlang_a_service_level,
    erlang_a_wait_probability,
    erlang_b,
    erlang_c,
    erlang_c_mean_wait,
    erlang_c_service_level,
)

CASES = [  # servers, arrivals per minute, mean service, mean patience (minutes)
    (5, 2.0, 3.0, 4.0),    # overloaded: load 6 on 5 servers
    (8, 2.0, 3.0, 10.0),   # underloaded
    (3, 0.5, 4.0, 1.5),    # patience shorter than service
]


def chain(n, lam, es, patience, size=300):
    """Stationary law of the truncated chain from the linear system pi Q = 0."""
    mu, theta = 1 / es, 1 / patience
    q = np.zeros((size, size))
    for k in range(size - 1):
        q[k, k + 1] = lam
        q[k + 1, k] = min(k + 1, n) * mu + max(k + 1 - n, 0) * theta
    q -= np.diag(q.sum(axis=1))
    a = q.T.copy()
    a[-1] = 1.0
    b = np.zeros(size)
    b[-1] = 1.0
    return np.linalg.solve(a, b)


def tagged_customer(n, es, patience, k_max, t):
    """(P(W > t | k ahead), P(served by t | k ahead)) for k = 0..k_max by expm.

    States 0..k_max = people ahead, then 'served' and 'abandoned' (absorbing).
    From j ahead: to j-1 (or served) at n mu + j theta; own abandonment at theta.
    """
    mu, theta = 1 / es, 1 / patience
    size = k_max + 3
    served, gone = k_max + 1, k_max + 2
    g = np.zeros((size, size))
    for j in range(k_max + 1):
        g[j, j - 1 if j else served] = n * mu + j * theta
        g[j, gone] = theta
    g -= np.diag(g.sum(axis=1))
    p = expm(g * t)
    return p[: k_max + 1, : k_max + 1].sum(axis=1), p[: k_max + 1, served]


@pytest.mark.parametrize("n,lam,es,patience", CASES)
def test_measures_match_linear_system(n, lam, es, patience):
    pi = chain(n, lam, es, patience)
    queue = np.maximum(np.arange(pi.size) - n, 0)
    eq = queue @ pi
    got = erlang_a(n, lam, es, patience)
    assert got.p_wait == pytest.approx(pi[n:].sum(), abs=1e-10)
    assert got.mean_queue == pytest.approx(eq, rel=1e-9)
    assert got.mean_wait == pytest.approx(eq / lam, rel=1e-9)
    assert got.p_abandon == pytest.approx(eq / patience / lam, rel=1e-9)
    # flow balance: served rate = busy servers x mu = lambda (1 - P(abandon))
    assert got.occupancy * n / es == pytest.approx(lam * (1 - got.p_abandon), rel=1e-9)
    assert erlang_a_wait_probability(n, lam, es, patience) == got.p_wait
    assert erlang_a_abandon_probability(n, lam, es, patience) == got.p_abandon
    assert erlang_a_mean_wait(n, lam, es, patience) == got.mean_wait


@pytest.mark.parametrize("n,lam,es,patience", CASES)
@pytest.mark.parametrize("t", [0.25, 1.0, 3.0, 12.0])
def test_wait_distribution_matches_tagged_customer_chain(n, lam, es, patience, t):
    pi = chain(n, lam, es, patience)
    k_max = pi.size - n - 1
    tail_k, served_k = tagged_customer(n, es, patience, k_max, t)
    queue_pi = pi[n:]
    expected_all = 1 - queue_pi @ tail_k
    expected_served = pi[:n].sum() + queue_pi @ served_k
    assert erlang_a_service_level(n, lam, es, patience, t, definition="all") == pytest.approx(expected_all,
                                                                             abs=1e-10)
    assert erlang_a_service_level(n, lam, es, patience, t, definition="served") == \
        pytest.approx(expected_served, abs=1e-8)


@pytest.mark.parametrize("n,lam,es,patience", CASES)
def test_wait_distribution_ends(n, lam, es, patience):
    q = erlang_a(n, lam, es, patience)
    # t = 0: only those who find a free server have W <= 0, under both definitions
    assert q.service_level(0, "all") == pytest.approx(1 - q.p_wait, abs=1e-14)
    assert q.service_level(0, "served") == pytest.approx(1 - q.p_wait, abs=1e-14)
    # t -> infinity: everyone has left the queue; only abandoners miss when served-only
    assert q.service_level(500, "all") == pytest.approx(1.0, abs=1e-12)
    assert q.service_level(500, "served") == pytest.approx(1 - q.p_abandon, abs=1e-8)
    assert q.abandoned_by(500) == pytest.approx(q.p_abandon, rel=1e-8)
    levels = [q.service_level(t, "all") for t in np.linspace(0, 20, 41)]
    assert all(b >= a for a, b in zip(levels, levels[1:]))


def test_reduces_to_erlang_c_as_patience_grows():
    n, lam, es = 10, 8 / 3, 3.0  # 8 Erlangs on 10 servers
    for q in (erlang_a(n, lam, es, 1e9), erlang_a(n, lam, es, math.inf)):
        assert q.p_wait == pytest.approx(erlang_c(n, 8), rel=1e-6)
        assert q.mean_wait == pytest.approx(erlang_c_mean_wait(n, lam, es), rel=1e-6)
        assert q.service_level(2.0) == pytest.approx(erlang_c_service_level(n, lam, es, 2.0),
                                                     rel=1e-6)
        assert q.p_abandon < 1e-8


def test_tends_to_erlang_loss_as_patience_vanishes():
    # theta -> infinity: whoever finds all servers busy leaves at once (M/M/n/n).
    n, lam, es = 10, 8 / 3, 3.0
    q = erlang_a(n, lam, es, 1e-9)
    assert q.p_wait == pytest.approx(erlang_b(n, 8), rel=1e-6)
    assert q.p_abandon == pytest.approx(erlang_b(n, 8), rel=1e-6)
    assert q.mean_wait < 1e-8


def test_zero_servers_everyone_abandons():
    # W is the patience itself: Exp(mean 4).
    q = erlang_a(0, 1.5, 3.0, 4.0)
    assert q.p_wait == pytest.approx(1.0)
    assert q.p_abandon == pytest.approx(1.0)
    assert q.mean_wait == pytest.approx(4.0)
    assert q.service_level(2.0, "all") == pytest.approx(1 - math.exp(-0.5))
    assert q.service_level(2.0, "served") == pytest.approx(0.0, abs=1e-12)


def test_large_hall_is_fast_and_sane():
    q = erlang_a(1000, 1000 / 3, 3.0, 2.0)  # 1000 Erlangs, QED regime
    assert 0 < q.p_abandon < q.p_wait < 1
    assert q.log_queue_probs.size < 5000


def test_bad_arguments():
    with pytest.raises(ValueError, match="unstable"):
        erlang_a(3, 2.0, 3.0, math.inf)
    with pytest.raises(ValueError, match="mean_patience must be a number > 0, got -1"):
        erlang_a(3, 1.0, 3.0, -1)
    with pytest.raises(ValueError, match="definition must be 'all' or 'served'"):
        erlang_a(3, 1.0, 3.0, 5).service_level(1, "answered")
    with pytest.raises(ValueError, match="more than"):
        erlang_a(3, 10.0, 1.0, 1e7)  # overload with near-infinite patience


def test_no_arrivals():
    q = erlang_a(2, 0.0, 3.0, 5.0)
    assert (q.p_wait, q.p_abandon, q.mean_wait) == (0.0, 0.0, 0.0)
    assert q.service_level(0) == 1.0


def test_public_functions_default_to_the_served_definition():
    # 60 visitors an hour, 8-minute services, 5 minutes of patience, wait<=15@80%: counting
    # abandoners as served in time, zero staff would "meet" it; the simulator's definition
    # (abandoners are misses) needs exactly the smallest n whose exact Erlang A value holds.
    from optimize import erlang_a, min_servers, min_servers_erlang_a, staffing_requirements

    exact = next(n for n in range(1, 40) if erlang_a(n, 1.0, 8.0, 5.0).service_level(15, "served") >= 0.8)
    assert exact == 8
    assert min_servers(1.0, 8.0, "wait<=15@80%", mean_patience=5.0) == exact
    assert min_servers_erlang_a(1.0, 8.0, 5.0, service_level=(15, 0.8)) == exact
    assert staffing_requirements([1.0, 1.0], period_minutes=30, mean_service=8.0, targets="wait<=15@80%",
                                 mean_patience=5.0) == [exact, exact]
    assert erlang_a(8, 1.0, 8.0, 5.0).service_level(15) == erlang_a(8, 1.0, 8.0, 5.0).service_level(15, "served")


def test_min_servers_erlang_a_started_from_erlang_c_gives_the_smallest_staff():
    """The search starts at Erlang C's answer and steps; it must still find the smallest n,
    checked by a plain scan from zero over a grid of loads, patience and targets."""
    from optimize.queueing.erlang_a import erlang_a as solve
    from optimize.queueing.min_servers import min_servers_erlang_a as smallest

    for lam in (0.1, 0.9, 3.0):
        for es in (2.0, 9.0):
            for patience in (3.0, 40.0, 400.0):
                for t, share in ((5.0, 0.8), (20.0, 0.95)):
                    n = 0
                    while solve(n, lam, es, patience).service_level(t) < share:
                        n += 1
                    assert smallest(lam, es, patience, service_level=(t, share)) == n, (lam, es, patience, t)


def test_the_local_logsumexp_agrees_with_scipys():
    """``erlang_a._logsumexp`` (SciPy's costs 0.2 ms a call in checks) gives SciPy's value to rounding,
    with terms far apart and near the float limits."""
    from scipy.special import logsumexp

    from optimize.queueing.erlang_a import _logsumexp

    rng = np.random.default_rng(0)
    cases = [rng.normal(0, 50, int(rng.integers(1, 400))) for _ in range(300)]
    cases += [np.array([700.0, 700.0]), np.array([-745.0, -1e4]), np.array([1e-300]), np.array([5.0, -np.inf])]
    for x in cases:
        assert _logsumexp(x) == pytest.approx(logsumexp(x), rel=1e-14, abs=1e-14)
