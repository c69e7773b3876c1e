"""Erlang A (M/M/n+M): Poisson arrivals, exponential service and patience.

Solved exactly as a birth-death chain: state k = people in the hall,
birth rate lambda, death rate min(k, n) mu + max(k - n, 0) theta
(mu = 1/mean_service, theta = 1/mean_patience). The chain is truncated where
the remaining tail mass is below ``tol`` (default 1e-12) of the total; beyond
the mode the birth/death ratio r falls, so the tail after state K is bounded by
pi_K r / (1 - r) and that bound is what we test.

Units: rates per minute, times in minutes. A visitor's *wait* W is the time
from arrival to service start, or to leaving for one who abandons: the same
quantity a simulation records for every arrival.

Waiting-time distribution. An arrival that finds n + k people (k waiting) gets
service after k + 1 departures ahead of it with rates n mu + j theta,
j = k, ..., 0 (offered wait V_k), and leaves at its own patience tau ~ Exp(theta);
W = min(V_k, tau). Summing the hypoexponential tails against pi gives the exact
closed form (no per-k partial fractions, which cancel badly):

    G(t) = sum_k pi_{n+k} P(V_k > t)
         = exp(-n mu t + lambda (1 - e^{-theta t}) / theta) sum_k pi_{n+k} e^{-k theta t}
    P(W > t) = e^{-theta t} G(t)

(use the Poisson series of the incomplete gamma function to check it).
With theta = 0 this is Erlang C: C exp(-(n mu - lambda) t).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import integrate
from scipy.special import gammaln

from optimize.queueing._checks import check_nonneg, check_positive, check_servers

__all__ = [
    "ErlangA",
    "erlang_a",
    "erlang_a_abandon_probability",
    "erlang_a_mean_wait",
    "erlang_a_service_level",
    "erlang_a_wait_probability",
]

TOLERANCE = 1e-12
MAX_STATES = 5_000_000


@dataclass(frozen=True)
class ErlangA:
    """Stationary measures of one M/M/n+M queue (from :func:`erlang_a`).

    *p_wait* = P(an arrival finds all servers busy); *p_abandon* = P(an arrival
    abandons); *mean_wait* = E[W] over all arrivals (minutes); *mean_queue* =
    time-average number waiting; *occupancy* = mean busy servers / n.
    """

    servers: int
    arrival_rate: float
    mean_service: float
    mean_patience: float
    p_wait: float
    p_abandon: float
    mean_wait: float
    mean_queue: float
    occupancy: float
    # log pi_{n+k}, k = 0, 1, ... (normalised); kept for the wait distribution.
    log_queue_probs: np.ndarray = field(repr=False, compare=False)

    def wait_tail(self, t: float) -> float:
        """P(W > *t*) over all arrivals (abandoners count with their time to leave)."""
        t = check_nonneg("t", t)
        if self.log_queue_probs.size == 0:
            return 0.0
        theta = 1.0 / self.mean_patience
        mu = 1.0 / self.mean_service
        lam = self.arrival_rate
        k = np.arange(self.log_queue_probs.size)
        grow = t if theta == 0.0 else -math.expm1(-theta * t) / theta
        log_g = (-self.servers * mu * t + lam * grow
                 + _logsumexp(self.log_queue_probs - k * theta * t))
        return float(min(1.0, math.exp(log_g - theta * t)))

    def abandoned_by(self, t: float) -> float:
        """P(an arrival waits, then abandons at or before *t* minutes)."""
        t = check_nonneg("t", t)
        theta = 1.0 / self.mean_patience
        if theta == 0.0 or t == 0.0 or self.log_queue_probs.size == 0:
            return 0.0
        # P(tau <= t, tau < V) = int_0^t theta e^{-theta s} G(s) ds and
        # e^{-theta s} G(s) = P(W > s).
        value, _ = integrate.quad(self.wait_tail, 0.0, t, epsabs=1e-13, epsrel=1e-10,
                                  limit=200)
        return float(theta * value)

    def service_level(self, t: float, definition: str = "served") -> float:
        """Service level at *t* minutes.

        *definition* ``"served"`` (default): P(served and waited <= t) - abandoners
        always count as misses, which is what the simulator measures (``service_level``
        in ``sim.kpis``). ``"all"``: P(W <= t) over all arrivals, an abandoner counting
        with its time to leave (so one who leaves early "meets" the target).
        """
        if definition == "all":
            return 1.0 - self.wait_tail(t)
        if definition == "served":
            return 1.0 - self.wait_tail(t) - self.abandoned_by(t)
        raise ValueError(f"definition must be 'all' or 'served', got {definition!r}")


def _logsumexp(x: np.ndarray) -> float:
    """log(sum(exp(x))) without overflow. SciPy's ``logsumexp`` gives the same to rounding but
    costs about 0.2 ms a call in checks and dispatch, and ``quad`` calls ``wait_tail`` hundreds
    of times per service level (the layout screen makes hundreds of thousands of calls)."""
    top = float(x.max())
    return top + math.log(float(np.exp(x - top).sum()))


def _log_probs(n: int, lam: float, mu: float, theta: float, tol: float):
    """Normalised log pi_k for k < n and for the queue states n, n+1, ... ."""
    a = lam / mu
    k = np.arange(n + 1)
    log_low = k * math.log(a) - gammaln(k + 1)  # pi_k / pi_0 for k <= n
    if theta == 0.0:
        rho = lam / (n * mu)
        size = int(math.log(tol) / math.log(rho)) + 10 if rho > 0 else 1
    else:
        mode = max(0.0, (lam - n * mu) / theta)
        size = int(mode + 10.0 * math.sqrt(lam / theta) + 20)
    while True:
        if size > MAX_STATES:
            patience = 1 / theta if theta else math.inf
            raise ValueError(
                f"Erlang A chain needs more than {MAX_STATES} states (servers={n}, "
                f"load={a:.6g}, mean_patience={patience:.6g}); patience is too long for "
                "the overload: use Erlang C or a shorter patience")
        i = np.arange(1, size + 1)
        log_up = log_low[-1] + np.cumsum(math.log(lam) - np.log(n * mu + i * theta))
        log_all = np.concatenate([log_low, log_up])
        total = _logsumexp(log_all)
        ratio = lam / (n * mu + size * theta)
        if ratio < 1.0 and log_up[-1] + math.log(ratio / (1.0 - ratio)) - total < math.log(tol):
            break
        size *= 2
    log_all -= total
    return log_all[:n], log_all[n:]


def erlang_a(servers: int, arrival_rate: float, mean_service: float, mean_patience: float,
             *, tol: float = TOLERANCE) -> ErlangA:
    """Solve M/M/n+M exactly; see the module docstring for definitions.

    *arrival_rate* per minute; *mean_service* and *mean_patience* in minutes
    (``math.inf`` patience gives Erlang C, which needs load < servers).
    Raises ValueError for bad arguments, for an unstable queue without
    abandonment, or when the chain would need more than 5 million states.
    """
    n = check_servers(servers)
    lam = check_nonneg("arrival_rate", arrival_rate)
    es = check_positive("mean_service", mean_service)
    patience = check_positive("mean_patience", mean_patience, allow_inf=True)
    mu, theta = 1.0 / es, 1.0 / patience
    if lam == 0.0:
        empty = np.empty(0)
        return ErlangA(n, lam, es, patience, 0.0, 0.0, 0.0, 0.0, 0.0, empty)
    if theta == 0.0 and lam * es >= n:
        raise ValueError(
            f"no abandonment and load {lam * es:.6g} >= servers {n}: the queue is unstable")
    log_low, log_queue = _log_probs(n, lam, mu, theta, tol)
    p_low, p_queue = np.exp(log_low), np.exp(log_queue)
    waiting = np.arange(p_queue.size)
    mean_queue = float(waiting @ p_queue)
    busy = float(np.arange(n) @ p_low) + n * float(p_queue.sum())
    return ErlangA(
        servers=n, arrival_rate=lam, mean_service=es, mean_patience=patience,
        p_wait=float(min(1.0, p_queue.sum())),
        p_abandon=theta * mean_queue / lam,  # abandonment rate theta E[Q] over lambda
        mean_wait=mean_queue / lam,  # Little's law on the queue, all arrivals
        mean_queue=mean_queue,
        occupancy=busy / n if n else 0.0,
        log_queue_probs=log_queue,
    )


def erlang_a_wait_probability(servers, arrival_rate, mean_service, mean_patience) -> float:
    """P(an arrival finds all *servers* busy) in M/M/n+M."""
    return erlang_a(servers, arrival_rate, mean_service, mean_patience).p_wait


def erlang_a_abandon_probability(servers, arrival_rate, mean_service, mean_patience) -> float:
    """P(an arrival abandons) in M/M/n+M."""
    return erlang_a(servers, arrival_rate, mean_service, mean_patience).p_abandon


def erlang_a_mean_wait(servers, arrival_rate, mean_service, mean_patience) -> float:
    """E[W] in minutes over all arrivals (abandoners: time until they leave)."""
    return erlang_a(servers, arrival_rate, mean_service, mean_patience).mean_wait


def erlang_a_service_level(servers, arrival_rate, mean_service, mean_patience, t,
                           definition: str = "served") -> float:
    """Service level at *t* minutes; *definition* as in :meth:`ErlangA.service_level`."""
    return erlang_a(servers, arrival_rate, mean_service, mean_patience).service_level(
        t, definition)
