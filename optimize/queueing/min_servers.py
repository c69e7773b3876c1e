"""Exact minimum staffing for M/M/n (Erlang C) and M/M/n+M (Erlang A).

Every criterion (P(W <= t), mean wait, P(wait > 0), P(abandon)) improves
monotonically with the number of servers, so the smallest feasible n is found
by galloping up from a lower bound and then bisecting. Times in minutes,
arrival rates per minute.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from optimize.queueing._checks import check_nonneg, check_positive
from optimize.queueing.erlang import erlang_c, erlang_c_mean_wait, erlang_c_service_level
from optimize.queueing.erlang_a import erlang_a

__all__ = ["min_servers_erlang_a", "min_servers_erlang_c"]

MAX_SERVERS = 100_000


def _smallest(ok: Callable[[int], bool], low: int, max_servers: int, what: str) -> int:
    """Smallest n >= *low* with ok(n), assuming ok is monotone in n."""
    if ok(low):
        return low
    bad, step = low, 1
    while True:
        good = bad + step
        if good > max_servers:
            if ok(max_servers):
                good = max_servers
                break
            raise ValueError(f"no staffing up to {max_servers} servers meets {what}")
        if ok(good):
            break
        bad, step = good, step * 2
    while good - bad > 1:
        mid = (good + bad) // 2
        if ok(mid):
            good = mid
        else:
            bad = mid
    return good


def _walk(ok: Callable[[int], bool], guess: int, low: int, max_servers: int, what: str) -> int:
    """Smallest n >= *low* with ok(n), monotone ok, searched by steps of one from *guess*: cheaper
    than :func:`_smallest` when the guess is within a few servers of the answer."""
    n = min(max(guess, low), max_servers)
    if ok(n):
        while n > low and ok(n - 1):
            n -= 1
        return n
    for _ in range(8):  # a few steps up, then the doubling search takes over
        n += 1
        if n > max_servers:
            break
        if ok(n):
            return n
    return _smallest(ok, n, max_servers, what) if n <= max_servers else _smallest(ok, low, max_servers, what)


def _describe(service_level, max_mean_wait, max_wait_probability, max_abandon=None) -> str:
    parts = []
    if service_level is not None:
        parts.append(f"P(W <= {service_level[0]:g}) >= {service_level[1]:g}")
    if max_mean_wait is not None:
        parts.append(f"mean wait <= {max_mean_wait:g}")
    if max_wait_probability is not None:
        parts.append(f"P(wait > 0) <= {max_wait_probability:g}")
    if max_abandon is not None:
        parts.append(f"P(abandon) <= {max_abandon:g}")
    if not parts:
        raise ValueError("give at least one criterion: service_level, max_mean_wait, "
                         "max_wait_probability or max_abandon")
    return " and ".join(parts)


def _check_service_level(service_level) -> tuple[float, float] | None:
    if service_level is None:
        return None
    try:
        t, p = service_level
    except (TypeError, ValueError):
        raise ValueError(f"service_level must be a pair (t minutes, fraction), "
                         f"got {service_level!r}") from None
    t, p = check_nonneg("service_level time", t), float(p)
    if not 0.0 <= p < 1.0:
        raise ValueError(f"service_level fraction must be in [0, 1): no finite staff "
                         f"serves everyone in time; got {p!r}")
    return t, p


def _check_limits(**limits) -> None:
    """Zero mean wait, delay or abandonment cannot be reached with finite staff."""
    for name, value in limits.items():
        if value is not None and not float(value) > 0.0:
            raise ValueError(f"{name} must be > 0 (0 is unattainable with finite staff), "
                             f"got {value!r}")


def min_servers_erlang_c(arrival_rate: float, mean_service: float, *,
                         service_level: tuple[float, float] | None = None,
                         max_mean_wait: float | None = None,
                         max_wait_probability: float | None = None,
                         max_servers: int = MAX_SERVERS) -> int:
    """Smallest n for M/M/n meeting every criterion given.

    *service_level* = (t, p): P(W <= t) >= p; *max_mean_wait* in minutes;
    *max_wait_probability*: P(wait > 0) <= value. Zero arrivals need 0 servers.
    Raises ValueError if nothing up to *max_servers* meets them (e.g. p = 1).
    """
    lam = check_nonneg("arrival_rate", arrival_rate)
    es = check_positive("mean_service", mean_service)
    service_level = _check_service_level(service_level)
    what = _describe(service_level, max_mean_wait, max_wait_probability)
    _check_limits(max_mean_wait=max_mean_wait, max_wait_probability=max_wait_probability)
    if lam == 0.0:
        return 0
    a = lam * es

    def ok(n: int) -> bool:
        if service_level is not None and (
                erlang_c_service_level(n, lam, es, service_level[0]) < service_level[1]):
            return False
        if max_mean_wait is not None and erlang_c_mean_wait(n, lam, es) > max_mean_wait:
            return False
        if max_wait_probability is not None and erlang_c(n, a) > max_wait_probability:
            return False
        return True

    return _smallest(ok, math.floor(a) + 1, max_servers, what)


def min_servers_erlang_a(arrival_rate: float, mean_service: float, mean_patience: float, *,
                         service_level: tuple[float, float] | None = None,
                         max_mean_wait: float | None = None,
                         max_wait_probability: float | None = None,
                         max_abandon: float | None = None,
                         definition: str = "served",
                         max_servers: int = MAX_SERVERS) -> int:
    """Smallest n for M/M/n+M meeting every criterion given.

    As :func:`min_servers_erlang_c`, plus *max_abandon*: P(abandon) <= value.
    *definition* selects the service level (see ``ErlangA.service_level``);
    mean wait is over all arrivals. ``math.inf`` patience reduces to Erlang C.
    """
    lam = check_nonneg("arrival_rate", arrival_rate)
    es = check_positive("mean_service", mean_service)
    patience = check_positive("mean_patience", mean_patience, allow_inf=True)
    service_level = _check_service_level(service_level)
    what = _describe(service_level, max_mean_wait, max_wait_probability, max_abandon)
    _check_limits(max_mean_wait=max_mean_wait, max_wait_probability=max_wait_probability,
                  max_abandon=max_abandon)
    if lam == 0.0:
        return 0
    low = 0 if math.isfinite(patience) else math.floor(lam * es) + 1

    def ok(n: int) -> bool:
        q = erlang_a(n, lam, es, patience)
        if max_abandon is not None and q.p_abandon > max_abandon:
            return False
        if max_mean_wait is not None and q.mean_wait > max_mean_wait:
            return False
        if max_wait_probability is not None and q.p_wait > max_wait_probability:
            return False
        if service_level is not None and (
                q.service_level(service_level[0], definition) < service_level[1]):
            return False
        return True

    if math.isinf(patience) or max_abandon is not None:
        return _smallest(ok, low, max_servers, what)
    # Erlang C's answer (closed form, cheap) is within a server or two of Erlang A's for the
    # delay criteria: start there and step, instead of doubling up from zero.
    try:
        guess = min_servers_erlang_c(lam, es, service_level=service_level, max_mean_wait=max_mean_wait,
                                     max_wait_probability=max_wait_probability, max_servers=max_servers)
    except ValueError:
        return _smallest(ok, low, max_servers, what)
    return _walk(ok, guess, low, max_servers, what)
