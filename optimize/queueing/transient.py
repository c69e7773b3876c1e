"""Exact transient evaluation of one zone as an M(t)/M/s(t)+M queue (no simulation).

The zone is a birth-death chain observed over a day of *T* periods of *P* minutes,
starting empty at opening: arrivals Poisson at a rate λ_t per minute, constant within
period t; exponential service with mean 1/μ minutes; exponential patience with mean
1/θ minutes (θ = 0: nobody abandons); staff s_t in period t. This module solves the
forward Kolmogorov equations of that chain (by uniformization) under **the simulator's
rules** (``sim/model/hall.py``), so what it reports is what an infinite number of
simulated days would report:

* FCFS; an arrival finding an idle working window starts at once;
* at a period boundary staff changes from s to s'. A window that opens takes the next
  visitor at once. When staff falls while windows are busy, idle windows close first and
  a busy window closes only when its current visitor finishes (no preemption): while
  such *excess* windows remain, a completion closes its window instead of calling the
  head of the queue. A rise first cancels pending closures;
* no arrivals after closing; the visitors still present are served by the last staff
  level (one window if that level is 0 and someone waits: the simulator's stranded rule).

State. (n, e): n present, e ≥ 0 excess windows still working above the staff level s.
If e ≥ 1, every working window is busy (a window only idles when nobody waits, and
pending closures are never idle), so n ≥ s + e. Busy windows b = min(n, s) for e = 0
and s + e for e ≥ 1; waiting q = n - b. Rates out of (n, e):

    arrival        λ                 -> (n+1, e)
    completion     min(n, s) μ       -> (n-1, 0)        (e = 0)
                   (s + e) μ         -> (n-1, e-1)      (e ≥ 1: the window closes)
    abandonment    q θ               -> (n-1, e)

At a boundary s -> s', n is unchanged and e' = max(0, b - s'); with e' = 0 the opened
windows take the first s' - b waiting visitors at once. This is exactly the simulator's
``_apply_staff``.

Per-period outputs (for the visitors *arriving* in the period, as the simulator counts):

* **P(delay)** = P(wait > 0): by PASTA, (1/P) ∫ P(arrival at a finds every working
  window busy) da = (1/P) ∫ p(a)·1[n ≥ s + e] da, the integral of the transient
  distribution p(a) over the period (exact under uniformization:
  ∫_0^L Pois(k; Λx) dx = P(N(ΛL) > k) / Λ).
* **Mean wait and abandonment** from the *cohort* of the period's arrivals. A visitor
  who waits is a *tagged* customer whose future depends only on who is ahead of it
  (FCFS: later arrivals never matter) and on the deterministic future staffing. Its
  state is (j, e), j = number ahead in the queue; it is the main state of the visitor's
  own arrival, (n, e) with j = n - s - e, so it lives on the main chain's delayed
  states. Rates: completion (s + e)μ -> (j, e-1) if e ≥ 1, -> (j-1, 0) if e = 0 and
  j ≥ 1, -> *served* if e = 0 and j = 0; abandonment of those ahead jθ -> (j-1, e); its
  own abandonment θ -> *left*. At a boundary the tagged state follows the main map, and
  it is *served* if it is no longer delayed (n < s', e' = 0: an opened window called
  it). The cohort C_t(u) = ∫_{t0}^{min(u, t1)} λ_t M p(a) T(a, u) da (M: arrival state
  -> tagged state, delayed only) solves dC/du = λ_t M p(u) 1[u < t1] + C G(u), solved
  jointly with p by the same uniformized series (z_{k+1} = z_k P_G + (λ/Λ) m_k M with
  m_k = p(t0) P_Q^k). Then E[W] = ∫ C_t(u)·1 du / (λ_t P) (abandoners count their time
  before leaving; the part after closing is C(close)·(-G_c)^{-1}1, a triangular solve
  since the tagged chain only moves down) and, because every waiting visitor abandons
  at rate θ, **P(abandon) = θ E[W]** exactly.
* **Service level**, the simulator's "served" definition: P(called within τ) =
  P(no delay) + (1/P) ∫ f(a) da with f(a) = M p(a) T(a, a + τ) 1_served; an abandoner
  is a miss even if it left before τ. Over the part of the period where the staffing
  is the same on all of [a, a + τ] (the tagged generator G constant), T(a, a+τ) = e^{Gτ}
  does not depend on a, so that part is exact: (M ∫p da) e^{Gτ} 1_served. Where
  [a, a + τ] crosses a staffing change, f is analytic between the points a = b - τ
  (b a change boundary) and is integrated by Gauss-Legendre on sub-intervals graded
  geometrically towards the end where the last stretch is short (the tagged served-by
  probability rises on the scale 1/(sμ) there); ``quadrature_nodes`` sets the nodes per
  sub-interval and the tests show the result does not move when it is doubled.
* time-average number waiting (1/P) ∫ p(a)·q da, and p at every period end (left limit,
  before that boundary's change) as an (n, e) array.

Truncation and tail bound. The number present is capped at N: an arrival at n = N is
*lost* (the mass leaks), so the truncated chain agrees with the true one up to the
first visit above N and the lost mass is exactly the probability of that event; every
probability reported is within ``lost`` of the true value (``result.lost``, checked
against ``tol``; N starts from a fluid bound and doubles until lost <= tol). The
uniformized series are cut where the Poisson tail is below 1e-14. Excess levels e whose
mass at a boundary is below 1e-15 are dropped and counted in ``lost``.

Units: rates per minute, times in minutes. Pure numpy/scipy: this module does not
import ``sim``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy import stats
from scipy.sparse.linalg import spsolve

__all__ = ["TransientResult", "evaluate_zone", "fluid_peak"]

POISSON_EPS = 1e-14     # tail of every uniformized series
PRUNE = 1e-15           # excess levels lighter than this are dropped (counted as lost)
GRADING_CAP = 14        # at most 2^-14 of a stretch for the finest quadrature piece


@dataclass(frozen=True)
class TransientResult:
    """Per-period measures for the visitors arriving in each period (arrays of length T).

    *service_level* maps τ (minutes) to P(called within τ) (served definition).
    Periods without arrivals hold NaN. *end_states*[t] is P(n, e) at the end of period
    t (rows n = 0..N, columns e), before the next boundary's change. *lost*: largest
    probability mass lost to truncation (a bound on the error of every probability).
    """

    period_minutes: float
    arrival_rates: tuple[float, ...]
    staff: tuple[int, ...]
    mean_service: float
    mean_patience: float
    p_delay: np.ndarray
    service_level: dict
    p_abandon: np.ndarray
    mean_wait: np.ndarray
    mean_queue: np.ndarray
    end_states: tuple = field(repr=False)
    lost: float = 0.0
    max_present: int = 0

    @property
    def n_periods(self) -> int:
        return len(self.staff)

    def value(self, target) -> np.ndarray:
        """Achieved value of one :class:`~optimize.targets.Target` per period."""
        if target.kind == "service_level":
            if target.wait == 0:
                return 1.0 - self.p_delay
            return self.service_level[float(target.wait)]
        if target.kind == "mean_wait":
            return self.mean_wait
        return self.p_abandon

    def meets(self, targets, slack: float = 1e-9) -> np.ndarray:
        """Boolean per period: every target holds (periods without arrivals pass).

        *slack* absorbs rounding so that a plan exactly at the target passes.
        """
        ok = np.ones(self.n_periods, dtype=bool)
        for target in targets:
            v = self.value(target)
            with np.errstate(invalid="ignore"):
                if target.kind == "service_level":
                    good = v >= target.fraction - slack
                elif target.kind == "mean_wait":
                    good = v <= target.wait + slack
                else:
                    good = v <= target.fraction + slack
            ok &= good | np.isnan(v)
        return ok


class _Space:
    """States of one period: e = 0: n = 0..N; e = 1..E: n = s+e..N; index ``size`` = served."""

    def __init__(self, N: int, s: int, E: int):
        E = max(0, min(E, N - s))
        self.N, self.s, self.E = N, s, E
        ns, es, offsets = [np.arange(N + 1)], [np.zeros(N + 1, dtype=np.int64)], [0]
        start = N + 1
        for e in range(1, E + 1):
            offsets.append(start)
            ns.append(np.arange(s + e, N + 1))
            es.append(np.full(N - s - e + 1, e, dtype=np.int64))
            start += N - s - e + 1
        self.offsets = np.array(offsets, dtype=np.int64)
        self.n = np.concatenate(ns)
        self.e = np.concatenate(es)
        self.size = start
        self.busy = np.where(self.e == 0, np.minimum(self.n, s), s + self.e)
        self.queue = self.n - self.busy
        self.delayed = (self.e > 0) | (self.n >= s)

    def index(self, n, e):
        n, e = np.asarray(n), np.asarray(e)
        return np.where(e == 0, n, self.offsets[np.minimum(e, self.E)] + n - self.s - e)

    def grid(self, p: np.ndarray) -> np.ndarray:
        out = np.zeros((self.N + 1, self.E + 1))
        out[self.n, self.e] = p[: self.size]
        return out


def _operators(space: _Space, lam: float, mu: float, theta: float):
    """Uniformized column operators (I + Q^T/Λ) of the main and tagged chains, and Λ."""
    n, e, s, N, size = space.n, space.e, space.s, space.N, space.size
    idx = np.arange(size)
    q = space.queue
    comp = np.where(e == 0, np.minimum(n, s), s + e) * mu
    aband = q * theta
    # main chain: arrival (lost at N), completion, abandonment
    up = n < N
    rows, cols, rates = [], [], []
    rows.append(space.index(n[up] + 1, e[up])); cols.append(idx[up]); rates.append(np.full(up.sum(), lam))
    has = comp > 0
    tgt = np.where(e == 0, space.index(n - 1, 0), space.index(n - 1, e - 1))
    rows.append(tgt[has]); cols.append(idx[has]); rates.append(comp[has])
    has = aband > 0
    rows.append(space.index(n[has] - 1, e[has])); cols.append(idx[has]); rates.append(aband[has])
    out_main = lam + comp + aband
    # tagged chain on delayed states: j = q ahead; completion, those ahead abandoning, own patience
    d = space.delayed
    trows, tcols, trates = [], [], []
    has = d & (comp > 0)
    served = has & (e == 0) & (q == 0)
    moved = has & ~served
    tgt = np.where(e == 0, space.index(n - 1, 0), space.index(n - 1, e - 1))
    trows.append(tgt[moved]); tcols.append(idx[moved]); trates.append(comp[moved])
    trows.append(np.full(served.sum(), size)); tcols.append(idx[served]); trates.append(comp[served])
    has = d & (aband > 0)
    trows.append(space.index(n[has] - 1, e[has])); tcols.append(idx[has]); trates.append(aband[has])
    out_tag = np.where(d, comp + aband + theta, 0.0)
    big = max(float(out_main.max()), float(out_tag.max()), 1e-9)

    def build(r, c, v, diag, extra):
        r, c, v = np.concatenate(r), np.concatenate(c), np.concatenate(v) / big
        dim = size + extra
        dvals = np.ones(dim)
        dvals[:size] = 1.0 - diag / big
        m = sp.coo_matrix((np.concatenate([v, dvals]),
                           (np.concatenate([r, np.arange(dim)]), np.concatenate([c, np.arange(dim)]))),
                          shape=(dim, dim))
        return m.tocsr()

    PQ = build(rows, cols, rates, out_main, 0)
    dtag = np.where(d, out_tag, big)      # non-delayed rows never hold tagged mass: zero them
    PG = build(trows, tcols, trates, dtag, 1)
    # the sub-generator of the tagged chain (row form, transient states) for the after-close solve
    return PQ, PG, big


def _boundary(a: _Space, s_new: int, p: np.ndarray | None, N: int):
    """Map of states at a boundary s -> s_new: the new space and CSR maps (main, tagged)."""
    e_new = np.maximum(0, a.busy - s_new)
    if p is not None:
        heavy = p[: a.size] > PRUNE
        E = int(e_new[heavy].max()) if heavy.any() else 0
    else:
        E = int(e_new.max())
    b = _Space(N, s_new, E)
    keep = e_new <= b.E
    tgt = np.where(keep, b.index(a.n, np.minimum(e_new, b.E)), -1)
    src = np.arange(a.size)
    main = sp.csr_matrix((np.ones(keep.sum()), (tgt[keep], src[keep])), shape=(b.size, a.size))
    served = keep & (e_new == 0) & (a.n < s_new)
    ttgt = np.where(served, b.size, tgt)
    tkeep = keep & a.delayed
    rows = np.concatenate([ttgt[tkeep], [b.size]])
    cols = np.concatenate([src[tkeep], [a.size]])
    tag = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(b.size + 1, a.size + 1))
    return b, main, tag


def _poisson_terms(rate_time: float) -> int:
    if rate_time <= 0:
        return 1
    return int(stats.poisson.isf(POISSON_EPS, rate_time)) + 2


def _propagate_rows(PG, X: np.ndarray, rate: float, durations: np.ndarray) -> np.ndarray:
    """Columns of X propagated by the tagged chain for their own durations (minutes)."""
    if X.shape[1] == 0:
        return X
    K = _poisson_terms(rate * float(durations.max()))
    k = np.arange(K)
    w = stats.poisson.pmf(k[:, None], rate * durations[None, :])
    acc = np.zeros_like(X)
    for i in range(K):
        acc += X * w[i]
        X = PG @ X
    return acc


def _graded_nodes(lo: float, hi: float, rate: float, nodes: int):
    """Gauss-Legendre nodes/weights on [lo, hi], graded geometrically towards *lo*."""
    length = hi - lo
    levels = int(np.clip(math.ceil(math.log2(max(rate * length, 1.0))), 0, GRADING_CAP))
    cuts = [lo] + [lo + length * 2.0 ** (-g) for g in range(levels, 0, -1)] + [hi]
    x, w = np.polynomial.legendre.leggauss(nodes)
    xs, ws = [], []
    for a, b in zip(cuts[:-1], cuts[1:]):
        xs.append(a + (b - a) * (x + 1) / 2)
        ws.append(w * (b - a) / 2)
    return np.concatenate(xs), np.concatenate(ws)


def fluid_peak(rates: Sequence[float], staff: Sequence[int], period_minutes: float,
               mean_service: float, mean_patience: float = math.inf) -> float:
    """Largest number present in the fluid model n' = λ - μ min(n, s) - θ (n - s)^+ (an estimate)."""
    mu, theta = 1.0 / mean_service, (0.0 if math.isinf(mean_patience) else 1.0 / mean_patience)
    n, peak = 0.0, 0.0
    for lam, s in zip(rates, staff):
        steps = 60
        dt = period_minutes / steps
        for _ in range(steps):
            n = max(0.0, n + dt * (lam - mu * min(n, s) - theta * max(n - s, 0.0)))
            peak = max(peak, n)
    return peak


def evaluate_zone(rates: Sequence[float], staff: Sequence[int], *, period_minutes: float,
                  mean_service: float, mean_patience: float = math.inf,
                  taus: Sequence[float] = (), tol: float = 1e-9, max_states: int = 200_000,
                  quadrature_nodes: int = 6, start_present: int | None = None) -> TransientResult:
    """Exact per-period measures of one zone over a day (see the module docstring).

    *rates*: arrivals per minute in each period; *staff*: working windows per period
    (whole numbers >= 0); *period_minutes* P; *mean_service*, *mean_patience* in minutes
    (``math.inf``: no abandonment); *taus*: waits (minutes) for the service levels
    P(called within τ). *tol* bounds the probability lost to truncation (N doubles
    until it holds; ValueError past *max_states* states). *quadrature_nodes*: Gauss-Legendre
    nodes per graded sub-interval where [a, a + τ] crosses a staffing change.
    *start_present*: initial cap N (default from the fluid model).
    """
    rates = [float(r) for r in rates]
    staff = [int(s) for s in staff]
    if len(rates) != len(staff) or not rates:
        raise ValueError(f"need one rate and one staff level per period, got {len(rates)} and {len(staff)}")
    if any(not (r >= 0 and math.isfinite(r)) for r in rates):
        raise ValueError(f"rates must be finite and >= 0 per minute, got {rates}")
    if any(s < 0 for s in staff):
        raise ValueError(f"staff must be >= 0, got {staff}")
    if not (period_minutes > 0 and mean_service > 0 and mean_patience > 0):
        raise ValueError("period_minutes, mean_service and mean_patience must be > 0")
    taus = tuple(sorted({float(t) for t in taus if t > 0}))
    if start_present is None:
        peak = fluid_peak(rates, staff, period_minutes, mean_service, mean_patience)
        start_present = int(max(peak, max(staff)) + 8 * math.sqrt(peak + 1) + 20)
    N = start_present
    while True:
        result = _evaluate(rates, staff, period_minutes, mean_service, mean_patience, taus, N,
                           quadrature_nodes)
        if result.lost <= tol:
            return result
        N *= 2
        if N > max_states:
            raise ValueError(f"truncation needs more than {max_states} states (lost {result.lost:.2e})")


def _evaluate(rates, staff, P, mean_service, mean_patience, taus, N, nodes) -> TransientResult:
    T = len(rates)
    mu = 1.0 / mean_service
    theta = 0.0 if math.isinf(mean_patience) else 1.0 / mean_patience
    after = staff[-1] if staff[-1] > 0 else 1        # the stranded rule after closing
    levels = staff + [after]

    space = _Space(N, staff[0], 0)
    p = np.zeros(space.size)
    p[0] = 1.0
    cohorts = np.zeros((space.size + 1, 0))   # tagged mass of each live cohort (columns)
    cohort_ids: list[int] = []
    waited = np.zeros(T)                       # ∫ cohort waiting mass du, per arrival period
    served_num = {tau: np.zeros(T) for tau in taus}
    # pending tagged rows for the service level: columns, remaining minutes, weight, period, tau
    pend_X = np.zeros((space.size + 1, 0))
    pend = {"r": np.zeros(0), "w": np.zeros(0), "t": np.zeros(0, dtype=int), "tau": np.zeros(0)}
    p_delay, mean_queue = np.full(T, np.nan), np.zeros(T)
    ends, lost = [], 0.0

    def changes_within(t, start, length):
        """True if the staffing differs from s_t somewhere in (start, start + length] (absolute)."""
        last = min(int(math.floor((start + length) / P - 1e-12)), T)
        return any(levels[u] != levels[t] for u in range(t + 1, last + 1))

    for t in range(T):
        lam, s = rates[t], staff[t]
        PQ, PG, big = _operators(space, lam, mu, theta)
        t0 = t * P
        K = _poisson_terms(big * P)
        stack = np.empty((K, space.size))
        x = p
        new_col = np.zeros((space.size + 1, 1))
        Z = np.hstack([cohorts, new_col])
        src = (lam / big) * space.delayed
        kk = np.arange(K)
        w_end = stats.poisson.pmf(kk, big * P)
        w_int = stats.poisson.sf(kk, big * P) / big
        Cend = np.zeros_like(Z)
        wint = np.zeros(Z.shape[1])
        for k in range(K):
            stack[k] = x
            Cend += w_end[k] * Z
            wint += w_int[k] * Z[: space.size].sum(axis=0)
            Znext = PG @ Z
            Znext[: space.size, -1] += src * x
            x = PQ @ x
            Z = Znext
        p_end = w_end @ stack
        integral = w_int @ stack
        if lam > 0:
            p_delay[t] = float(integral[space.delayed].sum()) / P
        mean_queue[t] = float(integral @ space.queue) / P
        ends.append(space.grid(p_end))
        lost = max(lost, 1.0 - float(p_end.sum()))
        for col, cid in enumerate(cohort_ids + [t]):
            waited[cid] += wint[col]
        cohort_ids = cohort_ids + [t]

        # service-level rows born in this period
        newX, new_r, new_w, new_t, new_tau, new_start = [], [], [], [], [], []
        if lam > 0:
            for tau in taus:
                if not changes_within(t, t0, P + tau):
                    # T(a, a+τ) = e^{Gτ} for every arrival of the period: one exact row
                    newX.append(np.append(integral * space.delayed, 0.0)); new_r.append(tau)
                    new_w.append(1.0); new_t.append(t); new_tau.append(tau); new_start.append(0.0)
                    continue
                split = max(0.0, P - tau)
                if split > 0:   # arrivals whose [a, a+τ] stays inside this period
                    part = stats.poisson.sf(kk, big * split) / big @ stack
                    newX.append(np.append(part * space.delayed, 0.0)); new_r.append(tau)
                    new_w.append(1.0); new_t.append(t); new_tau.append(tau); new_start.append(0.0)
                # crossing part [split, P]: kinks where a + τ meets a boundary
                cuts = sorted({split, P} | {b * P - t0 - tau for b in range(t + 1, T + 1)
                                            if split < b * P - t0 - tau < P})
                for lo, hi in zip(cuts[:-1], cuts[1:]):
                    xs, ws = _graded_nodes(lo, hi, big, nodes)
                    pm = stats.poisson.pmf(kk[:, None], big * xs[None, :])
                    rows = (pm.T @ stack) * space.delayed
                    for xi, wi, row in zip(xs, ws, rows):
                        newX.append(np.append(row, 0.0)); new_r.append(tau); new_w.append(wi)
                        new_t.append(t); new_tau.append(tau); new_start.append(xi)
        # propagate all pending rows through this period
        if newX:
            pend_X = np.hstack([pend_X, np.array(newX).T])
            start = np.concatenate([np.zeros(len(pend["r"])), new_start])
            pend = {"r": np.concatenate([pend["r"], new_r]), "w": np.concatenate([pend["w"], new_w]),
                    "t": np.concatenate([pend["t"], new_t]).astype(int),
                    "tau": np.concatenate([pend["tau"], new_tau])}
        else:
            start = np.zeros(len(pend["r"]))
        if pend_X.shape[1]:
            dur = np.minimum(pend["r"], P - start)
            pend_X = _propagate_rows(PG, pend_X, big, dur)
            pend["r"] = pend["r"] - dur
            done = pend["r"] <= 1e-9
            for i in np.nonzero(done)[0]:
                served_num[float(pend["tau"][i])][pend["t"][i]] += pend["w"][i] * pend_X[-1, i]
            keep = ~done
            pend_X = pend_X[:, keep]
            pend = {k: v[keep] for k, v in pend.items()}

        # boundary to the next period (or to after closing)
        space_new, main_map, tag_map = _boundary(space, levels[t + 1], p_end, N)
        lost += max(0.0, float(p_end.sum() - (main_map @ p_end).sum()))
        p = main_map @ p_end
        cohorts = tag_map @ Cend
        cohorts[-1] = 0.0                      # served mass is not needed for the waits
        alive = cohorts[:-1].sum(axis=0) > 1e-16
        cohorts = cohorts[:, alive]
        cohort_ids = [c for c, a in zip(cohort_ids, alive) if a]
        pend_X = tag_map @ pend_X
        space = space_new

    # after closing: constant staff `after`, no arrivals
    PQ, PG, big = _operators(space, 0.0, mu, theta)
    if pend_X.shape[1]:
        pend_X = _propagate_rows(PG, pend_X, big, pend["r"])
        for i in range(pend_X.shape[1]):
            served_num[float(pend["tau"][i])][pend["t"][i]] += pend["w"][i] * pend_X[-1, i]
    if cohorts.shape[1]:
        # expected remaining wait v solves -G v = 1 on the tagged transient states; G = Λ (P_G - I)^T
        d = space.delayed
        A = (big * (sp.identity(space.size + 1, format="csr") - PG)).T.tocsr()[:space.size, :space.size]
        idx = np.nonzero(d)[0]
        sub = A[idx][:, idx].tocsc()
        v = np.zeros(space.size)
        v[idx] = spsolve(sub, np.ones(len(idx)))
        for col, cid in enumerate(cohort_ids):
            waited[cid] += float(cohorts[: space.size, col] @ v)

    arrivals = np.array(rates) * P
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_wait = np.where(arrivals > 0, waited / arrivals, np.nan)
        sl = {tau: np.where(arrivals > 0, 1.0 - p_delay + served_num[tau] / P, np.nan) for tau in taus}
    return TransientResult(
        period_minutes=P, arrival_rates=tuple(rates), staff=tuple(staff), mean_service=mean_service,
        mean_patience=mean_patience, p_delay=p_delay, service_level=sl,
        p_abandon=theta * mean_wait, mean_wait=mean_wait, mean_queue=mean_queue,
        end_states=tuple(ends), lost=lost, max_present=N)
