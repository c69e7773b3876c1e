"""Square-root staffing and exact minimum-staff searches."""

import math

import pytest
from scipy import stats

from optimize import (
    erlang_a,
    erlang_c,
    erlang_c_mean_wait,
    erlang_c_service_level,
    garnett_beta,
    garnett_delay_probability,
    garnett_staffing,
    halfin_whitt_beta,
    halfin_whitt_delay_probability,
    halfin_whitt_staffing,
    min_servers_erlang_a,
    min_servers_erlang_c,
)


def test_halfin_whitt_function():
    assert halfin_whitt_delay_probability(0) == 1.0
    beta = 1.0
    expected = 1 / (1 + beta * stats.norm.cdf(beta) / stats.norm.pdf(beta))
    assert halfin_whitt_delay_probability(beta) == pytest.approx(expected, rel=1e-12)
    assert halfin_whitt_delay_probability(45.0) == 0.0  # no overflow
    for p in (0.8, 0.5, 0.2, 0.01):
        assert halfin_whitt_delay_probability(halfin_whitt_beta(p)) == pytest.approx(p, rel=1e-9)


@pytest.mark.parametrize("load", [400.0, 1000.0, 4000.0])
@pytest.mark.parametrize("p", [0.5, 0.2, 0.05])
def test_halfin_whitt_matches_exact_erlang_c_for_large_loads(load, p):
    n = halfin_whitt_staffing(load, p)
    exact = min_servers_erlang_c(load / 3, 3.0, max_wait_probability=p)
    assert abs(n - exact) <= 1
    # at the same n, the Halfin-Whitt value is within O(1/sqrt(R)) of the exact one
    beta = (n - load) / math.sqrt(load)
    assert abs(erlang_c(n, load) - halfin_whitt_delay_probability(beta)) < 0.2 / math.sqrt(load)


def test_garnett_reduces_to_known_forms():
    # theta = mu: the M/M/infinity limit, P(wait) -> P(N(0,1) > beta).
    for beta in (-1.0, 0.0, 0.7, 2.0):
        assert garnett_delay_probability(beta, 3.0, 3.0) == pytest.approx(stats.norm.sf(beta),
                                                                          rel=1e-9)
    # theta -> 0: Halfin-Whitt.
    assert garnett_delay_probability(1.2, 3.0, 1e10) == pytest.approx(
        halfin_whitt_delay_probability(1.2), rel=1e-4)
    beta = garnett_beta(0.3, 3.0, 10.0)
    assert garnett_delay_probability(beta, 3.0, 10.0) == pytest.approx(0.3, rel=1e-9)
    assert garnett_beta(0.9, 3.0, 1.0) < 0  # abandonment allows understaffing


@pytest.mark.parametrize("p", [0.6, 0.3, 0.1])
def test_garnett_matches_exact_erlang_a_for_large_loads(p):
    load, es, patience = 1000.0, 3.0, 6.0
    n = garnett_staffing(load, p, es, patience)
    exact = min_servers_erlang_a(load / es, es, patience, max_wait_probability=p)
    assert abs(n - exact) <= 2
    beta = (n - load) / math.sqrt(load)
    exact_p = erlang_a(n, load / es, es, patience).p_wait
    assert abs(exact_p - garnett_delay_probability(beta, es, patience)) < 0.2 / math.sqrt(load)


def brute_force(ok, start=0):
    n = start
    while not ok(n):
        n += 1
    return n


@pytest.mark.parametrize("lam,es", [(0.5, 6.0), (2.0, 3.0), (11.0, 2.5)])
def test_erlang_c_search_is_the_smallest(lam, es):
    a = lam * es
    first = math.floor(a) + 1
    n = min_servers_erlang_c(lam, es, service_level=(2.0, 0.8))
    assert n == brute_force(lambda k: erlang_c_service_level(k, lam, es, 2.0) >= 0.8, first)
    n = min_servers_erlang_c(lam, es, max_mean_wait=0.5)
    assert n == brute_force(lambda k: erlang_c_mean_wait(k, lam, es) <= 0.5, first)
    n = min_servers_erlang_c(lam, es, max_wait_probability=0.1)
    assert n == brute_force(lambda k: erlang_c(k, a) <= 0.1, first)
    both = min_servers_erlang_c(lam, es, service_level=(2.0, 0.8), max_mean_wait=0.5,
                                max_wait_probability=0.1)
    assert both == max(min_servers_erlang_c(lam, es, service_level=(2.0, 0.8)),
                       min_servers_erlang_c(lam, es, max_mean_wait=0.5), n)


@pytest.mark.parametrize("lam,es,patience", [(0.5, 6.0, 5.0), (2.0, 3.0, 2.0), (6.0, 4.0, 8.0)])
def test_erlang_a_search_is_the_smallest(lam, es, patience):
    def measure(k):
        return erlang_a(k, lam, es, patience)

    n = min_servers_erlang_a(lam, es, patience, max_abandon=0.03)
    assert n == brute_force(lambda k: measure(k).p_abandon <= 0.03)
    n = min_servers_erlang_a(lam, es, patience, service_level=(1.0, 0.85))
    assert n == brute_force(lambda k: measure(k).service_level(1.0) >= 0.85)
    n = min_servers_erlang_a(lam, es, patience, service_level=(1.0, 0.85), definition="served")
    assert n == brute_force(lambda k: measure(k).service_level(1.0, "served") >= 0.85)
    n = min_servers_erlang_a(lam, es, patience, max_mean_wait=0.2)
    assert n == brute_force(lambda k: measure(k).mean_wait <= 0.2)


def test_search_edge_cases():
    assert min_servers_erlang_c(0.0, 3.0, max_mean_wait=1) == 0
    assert min_servers_erlang_a(0.0, 3.0, 5.0, max_abandon=0.01) == 0
    # infinite patience is Erlang C
    assert min_servers_erlang_a(2.0, 3.0, math.inf, service_level=(1.0, 0.8)) == \
        min_servers_erlang_c(2.0, 3.0, service_level=(1.0, 0.8))
    with pytest.raises(ValueError, match="at least one criterion"):
        min_servers_erlang_c(1.0, 3.0)
    with pytest.raises(ValueError, match=r"fraction must be in \[0, 1\).*got 1.0"):
        min_servers_erlang_c(1.0, 3.0, service_level=(5, 1.0))
    with pytest.raises(ValueError, match="max_abandon must be > 0"):
        min_servers_erlang_a(1.0, 3.0, 5.0, max_abandon=0)
    with pytest.raises(ValueError, match="no staffing up to 10 servers"):
        min_servers_erlang_c(5.0, 3.0, max_wait_probability=0.01, max_servers=10)
