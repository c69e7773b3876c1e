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
  a busy window closes only when its current visitor finishes (no preemption). Under
  ``first_free`` (the default), while such *excess* windows remain, any completion closes
  its window instead of calling the head of the queue; under ``own_visitor`` the e
  leaving people finish their own visitors and close, while the s regular windows keep
  calling. A rise first cancels pending closures;
* no arrivals after closing; the visitors still present are served by the last staff
  level (one window if that level is 0 and someone waits: the simulator's stranded rule).

State. (n, e): n present, e ≥ 0 excess windows still working above the staff level s.
Regular windows busy r = min(n - e, s), busy windows b = r + e, waiting q = n - b.
Under ``first_free``, if e ≥ 1 every working window is busy (a window only idles when
nobody waits, and pending closures are never idle), so n ≥ s + e and r = s; under
``own_visitor`` the e leaving windows are busy with their own visitors, so n ≥ e, and
regular ones may idle. Rates out of (n, e):

    arrival        λ                 -> (n+1, e)
    first_free:    b μ               -> (n-1, max(e-1, 0))   (e ≥ 1: the window closes)
    own_visitor:   r μ               -> (n-1, e)             (a regular window calls the next)
                   e μ               -> (n-1, e-1)           (a leaving person's visitor done)
    abandonment    q θ               -> (n-1, e)

At a boundary s -> s', n is unchanged. A rise cancels pending closures, e' = max(0, e - (s'
- s)), and the opened windows take the first waiting visitors at once; a drop closes idle
regular windows first, e' = e + max(0, r - s') (under ``first_free`` both are
max(0, b - s')). This is exactly the simulator's ``_apply_staff``. A waiting visitor is
delayed while every regular window is busy (n - e ≥ s).

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
  states. Rates under ``first_free``: completion (s + e)μ -> (j, e-1) if e ≥ 1, -> (j-1, 0)
  if e = 0 and j ≥ 1, -> *served* if e = 0 and j = 0; under ``own_visitor``: sμ -> (j-1, e),
  or *served* if j = 0, and eμ -> (j, e-1); abandonment of those ahead jθ -> (j-1, e); its
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

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from optimize.queueing import poisson

try:  # the kernels behind ``A @ x``: the wrapper's checks cost more than the product here
    from scipy.sparse._sparsetools import csr_matvec as _csr_matvec
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # pragma: no cover - a SciPy that moved them
    _csr_matvec = _csr_matvecs = None

__all__ = ["STAFF_DECREASE", "TransientResult", "evaluate_zone", "fluid_peak"]

STAFF_DECREASE = ("first_free", "own_visitor")     # the scenario's rules (sim.scenario's staff_decrease)


def _mv(A, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """A @ x for a CSR matrix and a vector or a C-ordered block of columns (into *out*, a
    C-ordered array of the result's shape, when given: the loops below reuse two buffers)."""
    if _csr_matvec is None:
        return A @ x
    x = np.ascontiguousarray(x)
    shape = (A.shape[0],) if x.ndim == 1 else (A.shape[0], x.shape[1])
    if out is None:
        out = np.zeros(shape)
    else:
        out.fill(0.0)
    if x.ndim == 1:
        _csr_matvec(A.shape[0], A.shape[1], A.indptr, A.indices, A.data, x, out)
    else:
        _csr_matvecs(A.shape[0], A.shape[1], x.shape[1], A.indptr, A.indices, A.data, x.ravel(), out.ravel())
    return out


def _stepper(A, columns: int | None = None):
    """``step(x, out)``: out += A @ x, for C-ordered *x* and *out* of one fixed shape (a vector,
    or *columns* columns); the kernel called directly, without _mv's checks, for the loops that
    multiply by one matrix hundreds of times. *out* must be zeroed first to get A @ x."""
    n, m, indptr, indices, data = A.shape[0], A.shape[1], A.indptr, A.indices, A.data
    if _csr_matvec is None:
        def step(x, out):
            out += A @ x
    elif columns is None:
        def step(x, out):
            _csr_matvec(n, m, indptr, indices, data, x, out)
    else:
        def step(x, out):
            _csr_matvecs(n, m, columns, indptr, indices, data, x.ravel(), out.ravel())
    return step


class _CSR:
    """A CSR matrix as SciPy's product kernels take it, without ``scipy.sparse``'s checks on
    construction (they cost more than the products: tens of thousands of small operators are
    built per optimization). Products give what ``scipy.sparse.csr_matrix`` gives: the same kernels."""

    __slots__ = ("data", "indices", "indptr", "shape")

    def __init__(self, data, indices, indptr, shape):
        self.data, self.indices, self.indptr, self.shape = data, indices, indptr, shape

    def __matmul__(self, x) -> np.ndarray:
        return _mv(self, np.asarray(x, dtype=float))

    @property
    def T(self) -> _CSR:
        t = sp.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape).T.tocsr()
        return _CSR(t.data, t.indices, t.indptr, t.shape)

    def tocsr(self) -> _CSR:
        return self


class _TooSmall(Exception):
    """The cap on the number present lost more than the tolerance: start again with a larger one."""

POISSON_EPS = 1e-14     # tail of every uniformized series
PRUNE = 1e-15           # excess levels lighter than this are dropped (counted as lost)
ENVELOPE = 1e-14        # main states lighter than this at all times of a period hold no tagged mass
GRADING = 2.0           # ratio of consecutive quadrature sub-intervals towards the sharp end
GRADING_CAP = 14        # at most 2^-14 of a stretch for the finest one


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
        v = self.mean_wait if target.kind == "mean_wait" else self.p_abandon
        if np.isnan(v).all() and any(r > 0 for r in self.arrival_rates):
            raise ValueError(f"target {target}: this result was computed with waits=False")
        return v

    def meets(self, targets, slack: float = 1e-9) -> np.ndarray:
        """Boolean per period: every target holds (periods without arrivals pass).

        *slack* absorbs rounding so that a plan exactly at the target passes.
        """
        ok = np.ones(self.n_periods, dtype=bool)
        for target in targets:
            v = self.value(target)
            with np.errstate(invalid="ignore"):
                good = target.spec.meets(v, target.spec.required(target), slack)
            ok &= good | np.isnan(v)
        return ok


class _Space:
    """States of one period (see the module docstring): e = 0: n = 0..N; e = 1..E: n from the
    least present with e excess windows (s + e under ``first_free``, e under ``own_visitor``)
    to N; index ``size`` = served."""

    def __init__(self, N: int, s: int, E: int, own: bool = False):
        E = max(0, min(E, N if own else N - s))
        self.N, self.s, self.E, self.own = N, s, E, own
        ns, es, offsets = [np.arange(N + 1)], [np.zeros(N + 1, dtype=np.int64)], [0]
        start = N + 1
        for e in range(1, E + 1):
            offsets.append(start)
            ns.append(np.arange(self.least(e), N + 1))
            es.append(np.full(N - self.least(e) + 1, e, dtype=np.int64))
            start += N - self.least(e) + 1
        self.offsets = np.array(offsets, dtype=np.int64)
        self.n = np.concatenate(ns)
        self.e = np.concatenate(es)
        self.size = start
        # regular windows busy: every one when e >= 1 under first_free (a pending closure is never idle)
        self.regular = np.minimum(self.n - self.e, s)
        self.busy = self.regular + self.e
        self.queue = self.n - self.busy
        self.delayed = self.n - self.e >= s          # an arrival finds every regular window busy

    def least(self, e):
        """The fewest present with e >= 1 excess windows working."""
        return e if self.own else self.s + e

    def index(self, n, e):
        n, e = np.asarray(n), np.asarray(e)
        return np.where(e == 0, n, self.offsets[np.minimum(e, self.E)] + n - self.least(e))

    def grid(self, p: np.ndarray) -> np.ndarray:
        out = np.zeros((self.N + 1, self.E + 1))
        out[self.n, self.e] = p[: self.size]
        return out


class _Tagged:
    """Tagged-customer states (j, e), j = 0..J waiting ahead, e = 0..E; index e (J+1) + j, served = size."""

    def __init__(self, s: int, E: int, J: int, own: bool = False):
        self.s, self.E, self.J, self.own = s, E, J, own
        self.j = np.tile(np.arange(J + 1), E + 1)
        self.e = np.repeat(np.arange(E + 1), J + 1)
        self.size = (E + 1) * (J + 1)

    def index(self, j, e):
        return np.asarray(e) * (self.J + 1) + np.asarray(j)


def _sparse(rows, cols, values, shape):
    """CSR matrix with *values* at (*rows*, *cols*), built directly: entries sorted by row
    (repeated entries add up in products; every use here is a product)."""
    rows = np.asarray(rows, dtype=np.int64)
    order = np.argsort(rows, kind="stable")
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    data, indices = np.asarray(values, dtype=float)[order], np.asarray(cols, dtype=np.int64)[order]
    if _csr_matvec is None:
        return sp.csr_matrix((data, indices, indptr), shape=shape)
    return _CSR(data, indices, indptr, shape)


def _csr(rows, cols, rates, out, rate, dim, extra=0):
    """Column operator I + Q^T/Λ from transitions (to *rows*, from *cols*) and exit rates *out*."""
    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(rates) / rate
    full = dim + extra
    diag = np.ones(full)
    diag[:dim] = 1.0 - out / rate
    return _sparse(np.concatenate([r, np.arange(full)]), np.concatenate([c, np.arange(full)]),
                   np.concatenate([v, diag]), (full, full))


def _main_rates(space: _Space, lam: float, mu: float, theta: float):
    """Transitions of the main chain: (to, from, rate) lists and exit rates (arrival at N is lost)."""
    n, e, N = space.n, space.e, space.N
    idx = np.arange(space.size)
    aband = space.queue * theta
    up = n < N
    rows, cols, rates = [space.index(n[up] + 1, e[up])], [idx[up]], [np.full(int(up.sum()), lam)]
    if space.own:
        # the leaving people finish their own visitors; the regular windows keep calling
        moves = [(space.regular * mu, e), (e * mu, np.maximum(e - 1, 0))]
    else:
        # any completion closes a window while excess ones remain
        moves = [(space.busy * mu, np.maximum(e - 1, 0))]
    comp = np.zeros(space.size)
    for rate, e_to in moves:
        has = rate > 0
        rows.append(space.index(n[has] - 1, e_to[has]))
        cols.append(idx[has])
        rates.append(rate[has])
        comp += rate
    has = aband > 0
    rows.append(space.index(n[has] - 1, e[has]))
    cols.append(idx[has])
    rates.append(aband[has])
    return rows, cols, rates, lam + comp + aband


def _tagged_rates(tg: _Tagged, mu: float, theta: float):
    """Transitions of the tagged customer: completion, those ahead abandoning, own patience (lost).
    Under ``first_free`` any of the s + e busy windows closes while e >= 1; under
    ``own_visitor`` the s regular windows call the queue and the e leaving ones close."""
    j, e, s = tg.j, tg.e, tg.s
    idx = np.arange(tg.size)
    calling = np.where(tg.own | (e == 0), s * mu, 0.0)       # completions that call the queue
    closing = np.where(e >= 1, (e if tg.own else s + e) * mu, 0.0)
    rows, cols, rates = [], [], []
    up = closing > 0
    rows.append(tg.index(j[up], e[up] - 1))
    cols.append(idx[up])
    rates.append(closing[up])
    mid = (calling > 0) & (j >= 1)
    rows.append(tg.index(j[mid] - 1, e[mid]))
    cols.append(idx[mid])
    rates.append(calling[mid])
    head = (calling > 0) & (j == 0)
    rows.append(np.full(int(head.sum()), tg.size))
    cols.append(idx[head])
    rates.append(calling[head])
    ab = (j >= 1) & (theta > 0)
    rows.append(tg.index(j[ab] - 1, e[ab]))
    cols.append(idx[ab])
    rates.append(j[ab] * theta)
    return rows, cols, rates, calling + closing + j * theta + theta


def _main_boundary(a: _Space, s_new: int, p: np.ndarray, N: int):
    """The new main space after s -> s_new and the CSR map of states (lighter e-levels pruned).
    Both rules: a rise cancels pending closures first; a drop closes idle regular windows
    first, and each busy one it still takes off becomes a pending closure."""
    e_new = np.maximum(a.e - max(s_new - a.s, 0), 0) + np.maximum(a.regular - s_new, 0)
    heavy = p > PRUNE
    E = int(e_new[heavy].max()) if heavy.any() else 0
    b = _Space(N, s_new, E, a.own)
    keep = e_new <= b.E
    tgt = b.index(a.n[keep], e_new[keep])
    src = np.arange(a.size)[keep]
    return b, _sparse(tgt, src, np.ones(len(src)), (b.size, a.size))


def _tagged_boundary(a: _Tagged, b: _Tagged):
    """CSR map of tagged states at a boundary a.s -> b.s: opened windows call the first waiting."""
    busy = a.s + a.e
    e_new = np.maximum(0, busy - b.s)
    j_new = a.j - np.maximum(0, b.s - busy)
    served = j_new < 0
    keep = ~served & (j_new <= b.J) & (e_new <= b.E)
    src = np.arange(a.size)
    rows = np.concatenate([b.index(j_new[keep], e_new[keep]), np.full(int(served.sum()) + 1, b.size)])
    cols = np.concatenate([src[keep], src[served], [a.size]])
    return _sparse(rows, cols, np.ones(len(rows)), (b.size + 1, a.size + 1))


def _arrival_map(space: _Space, tg: _Tagged):
    """Index of the tagged state of an arrival finding each main state (-1: not delayed or j > J)."""
    j = space.n - space.s - space.e
    ok = space.delayed & (j <= tg.J) & (space.e <= tg.E)
    return np.where(ok, tg.index(np.clip(j, 0, tg.J), np.minimum(space.e, tg.E)), -1)


def _selection(amap: np.ndarray, size: int):
    """CSR matrix (tagged + served) x main that moves each arrival state to its tagged state."""
    ok = np.nonzero(amap >= 0)[0]
    return _sparse(amap[ok], ok, np.ones(len(ok)), (size + 1, len(amap)))


def _to_tagged(X: np.ndarray, M) -> np.ndarray:
    """Main-state rows (k x main) -> tagged columns ((tagged + served) x k)."""
    return np.asarray(M @ X.T)


def _poisson_terms(rate_time: float) -> int:
    if rate_time <= 0:
        return 1
    return int(poisson.isf(POISSON_EPS, rate_time)) + 2


def _propagate_rows(PG, X: np.ndarray, rate: float, durations: np.ndarray) -> np.ndarray:
    """Columns of X propagated by the tagged chain for their own durations (minutes)."""
    if X.shape[1] == 0:
        return X
    K = _poisson_terms(rate * float(durations.max()))
    k = np.arange(K)
    w = poisson.pmf(k[:, None], rate * durations[None, :])
    acc = X * w[0]
    X, spare, term = np.array(X, dtype=float, order="C"), np.empty(X.shape), np.empty(X.shape)
    step = _stepper(PG, X.shape[1])
    for i in range(1, K):
        spare.fill(0.0)
        step(X, spare)
        X, spare = spare, X
        np.multiply(X, w[i], out=term)
        acc += term
    return acc


@functools.lru_cache(maxsize=8)
def _legendre(nodes: int):
    """Gauss-Legendre nodes and weights on [-1, 1] (computed once per count; read-only)."""
    x, w = np.polynomial.legendre.leggauss(nodes)
    x.flags.writeable = w.flags.writeable = False
    return x, w


def _graded_nodes(lo: float, hi: float, rate: float, nodes: int):
    """Gauss-Legendre nodes/weights on [lo, hi], graded geometrically towards *lo* down to ~1/*rate*."""
    length = hi - lo
    levels = int(np.clip(math.ceil(math.log(max(rate * length, 1.0), GRADING)), 0, GRADING_CAP))
    cuts = [lo] + [lo + length * GRADING ** (-g) for g in range(levels, 0, -1)] + [hi]
    x, w = _legendre(nodes)
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
    steps = 60
    dt = period_minutes / steps
    for lam, s in zip(rates, staff):
        for _ in range(steps):       # comparisons, not min/max calls: called thousands of times a run
            n = n + dt * (lam - mu * (n if n < s else s) - theta * (n - s if n > s else 0.0))
            if n < 0.0:
                n = 0.0
            if n > peak:
                peak = n
    return peak


def evaluate_zone(rates: Sequence[float], staff: Sequence[int], *, period_minutes: float,
                  mean_service: float, mean_patience: float = math.inf,
                  taus: Sequence[float] = (), tol: float = 1e-9, max_states: int = 200_000,
                  quadrature_nodes: int = 6, start_present: int | None = None,
                  waits: bool = True, initial=None, staff_decrease: str = "first_free") -> TransientResult:
    """Exact per-period measures of one zone over a day (see the module docstring).

    *rates*: arrivals per minute in each period; *staff*: working windows per period
    (whole numbers >= 0); *period_minutes* P; *mean_service*, *mean_patience* in minutes
    (``math.inf``: no abandonment); *taus*: waits (minutes) for the service levels
    P(called within τ). *tol* bounds the probability lost to truncation (N doubles
    until it holds; ValueError past *max_states* states). *quadrature_nodes*: Gauss-Legendre
    nodes per graded sub-interval where [a, a + τ] crosses a staffing change.
    *start_present*: initial cap N (default from the fluid model). *waits* False skips the
    cohorts (mean wait and abandonment are then NaN), which is cheaper. *initial*: instead
    of an empty start, a pair (P(n present) for n = 0, 1, ..., staff before the first period)
    with no window closing (e = 0), or an (n, e) array as in *end_states*; the first
    period's change applies to it. *staff_decrease*: the scenario's rule when staff falls
    while windows are busy, ``first_free`` or ``own_visitor`` (see the module docstring).
    """
    rates = [float(r) for r in rates]
    staff = [int(s) for s in staff]
    if len(rates) != len(staff) or not rates:
        raise ValueError(f"need one rate and one staff level per period, got {len(rates)} and {len(staff)}")
    if any(not (r >= 0 and math.isfinite(r)) for r in rates):
        raise ValueError(f"rates must be finite and >= 0 per minute, got {rates}")
    if any(s < 0 for s in staff):
        raise ValueError(f"staff must be >= 0, got {staff}")
    if staff_decrease not in STAFF_DECREASE:
        raise ValueError(f"staff_decrease must be one of {STAFF_DECREASE}, got {staff_decrease!r}")
    if not (period_minutes > 0 and mean_service > 0 and mean_patience > 0):
        raise ValueError("period_minutes, mean_service and mean_patience must be > 0")
    taus = tuple(sorted({float(t) for t in taus if t > 0}))
    if start_present is None:
        start_present = _initial_cap(rates, staff, period_minutes, mean_service, mean_patience, tol)
    if initial is not None:
        start_present = max(start_present, len(initial[0]) - 1)
    N = start_present
    while True:
        try:
            result = _evaluate(rates, staff, period_minutes, mean_service, mean_patience, taus, N,
                               quadrature_nodes, tol, waits, initial, staff_decrease == "own_visitor")
        except _TooSmall:
            result = None
        if result is not None and result.lost <= tol:
            return result
        N = int(N * 1.5) + 1
        if N > max_states:
            raise ValueError(f"the truncation needs more than {max_states} present for a lost "
                             f"probability <= {tol:g}")


def _initial_cap(rates, staff, P, mean_service, mean_patience, tol) -> int:
    """A first cap N: the fluid peak plus a margin, or the stationary geometric tail of the queue
    (ratio ρ = λ/(sμ) without abandonment) where that is shorter than three fluid margins."""
    peak = fluid_peak(rates, staff, P, mean_service, mean_patience)
    fluid = int(max(peak, max(staff)) + 8 * math.sqrt(peak + 1) + 20)
    if not math.isinf(mean_patience):
        return fluid
    geometric = 0
    for lam, s in zip(rates, staff):
        rho = lam * mean_service / s if s > 0 else math.inf
        if 0 < rho < 1:
            geometric = max(geometric, int(s + math.log(tol) / math.log(rho)))
    return max(fluid, min(geometric, 3 * fluid))


def _neg_generator(tg: _Tagged, mu: float, theta: float):
    """-G of the tagged chain on its waiting states (row form), for the expected-wait solve."""
    rows, cols, rates, out = _tagged_rates(tg, mu, theta)
    to, frm, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(rates)
    inside = to < tg.size
    A = sp.csr_matrix((-v[inside], (frm[inside], to[inside])), shape=(tg.size, tg.size))
    return (A + sp.diags(out)).tocsc()


def _evaluate(rates, staff, P, mean_service, mean_patience, taus, N, nodes, tol, waits,
              initial=None, own: bool = False) -> TransientResult:
    T = len(rates)
    mu = 1.0 / mean_service
    theta = 0.0 if math.isinf(mean_patience) else 1.0 / mean_patience
    after = staff[-1] if staff[-1] > 0 else 1        # the stranded rule after closing
    levels = staff + [after]

    space = _Space(N, staff[0], 0, own)
    p = np.zeros(space.size)
    p[0] = 1.0
    if initial is not None:
        probs, before = np.asarray(initial[0], dtype=float), int(initial[1])
        if probs.ndim == 1:
            probs = probs[:, None]
        start = _Space(N, before, probs.shape[1] - 1, own)
        n, e = np.nonzero(probs[: N + 1])
        ok = (e == 0) | (n >= start.least(e))
        if (~ok).any() or e.max(initial=0) > start.E:
            raise ValueError("initial: P(n, e) is not zero where fewer are present than windows working")
        p0 = np.zeros(start.size)
        p0[start.index(n, e)] = probs[n, e]
        space, first = _main_boundary(start, staff[0], p0, N)
        p = first @ p0
    lost_main, dropped = 0.0, 0.0
    p_delay, mean_queue, ends = np.full(T, np.nan), np.zeros(T), []
    served_num = {tau: np.zeros(T) for tau in taus}
    wint, cohort_end = np.zeros(T), [None] * T
    tagged: list[_Tagged] = []
    row_ops: list[tuple] = []
    tmaps: list = []
    carry_X = np.zeros((1, 0))
    carry = {"r": np.zeros(0), "w": np.zeros(0), "t": np.zeros(0, dtype=int), "tau": np.zeros(0)}

    def changes_within(t, start, length):
        """True if the staffing differs from s_t at some boundary in (start, start + length)."""
        last = min(int(math.floor((start + length) / P - 1e-12)), T)
        return any(levels[u] != levels[t] for u in range(t + 1, last + 1))

    def finish(X, info, durations, PG, rate):
        """Propagate rows for *durations*; book the ones that are done; return the rest."""
        X = _propagate_rows(PG, X, rate, durations)
        info = dict(info, r=info["r"] - durations)
        done = info["r"] <= 1e-9
        for i in np.nonzero(done)[0]:
            served_num[float(info["tau"][i])][info["t"][i]] += info["w"][i] * X[-1, i]
        return X[:, ~done], {k: v[~done] for k, v in info.items()}

    for t in range(T):
        lam, s = rates[t], staff[t]
        t0 = t * P
        rows, cols, rts, out_main = _main_rates(space, lam, mu, theta)
        # one rate for the main chain and the cohort it feeds (the series share their Poisson weights)
        rate = max(float(out_main.max()), (s + space.E) * mu + (N - s + 1) * theta, 1e-9)
        PQ = _csr(rows, cols, rts, out_main, rate, space.size)
        K = _poisson_terms(rate * P)
        stack = np.zeros((K, space.size))
        stack[0] = p
        step = _stepper(PQ)
        for k in range(1, K):          # m_k = p(t0) P_Q^k, written in place
            step(stack[k - 1], stack[k])
        kk = np.arange(K)
        w_end = poisson.pmf(kk, rate * P)
        w_int = poisson.sf(kk, rate * P) / rate
        p_end = w_end @ stack
        integral = w_int @ stack
        if lam > 0:
            p_delay[t] = float(integral[space.delayed].sum()) / P
        mean_queue[t] = float(integral @ space.queue) / P
        lost_main = max(lost_main, 1.0 - float(p_end.sum()))
        if lost_main > tol:
            raise _TooSmall
        ends.append(space.grid(p_end))

        # the tagged space: waiting positions that carry mass at some time of the period
        # (p(a) <= max_k m_k state by state, since the Poisson weights sum to at most 1)
        env = stack.max(axis=0)
        heavy = space.delayed & (env > ENVELOPE)
        tg = _Tagged(s, space.E, int(space.queue[heavy].max()) if heavy.any() else 0, own)
        amap = _arrival_map(space, tg)
        M = _selection(amap, tg.size)
        dropped = max(dropped, float(integral[space.delayed & (amap < 0)].sum()) / P)
        trows, tcols, trts, tout = _tagged_rates(tg, mu, theta)
        trate = max(float(tout.max()), 1e-9)
        PG = _csr(trows, tcols, trts, tout, trate, tg.size, 1)
        if t > 0:
            tmaps.append(_tagged_boundary(tagged[-1], tg))
            carry_X = tmaps[-1] @ carry_X
        tagged.append(tg)
        row_ops.append((PG, trate))

        if lam > 0 and waits:
            # the period's cohort: z_{k+1} = z_k P_G + (λ/Λ) m_k M, C(b) = Σ w_k z_k
            PGc = _csr(trows, tcols, trts, tout, rate, tg.size, 1)
            source = np.ascontiguousarray(_to_tagged(stack, M).T) * (lam / rate)
            zstack = np.zeros((K, tg.size + 1))
            step = _stepper(PGc)
            for k in range(1, K):
                step(zstack[k - 1], zstack[k])
                zstack[k] += source[k - 1]
            cohort_end[t] = w_end @ zstack
            wint[t] = float((w_int @ zstack)[: tg.size].sum())

        # service-level rows born in this period: exact where [a, a+τ] sees one staffing
        new_rows: list[np.ndarray] = []
        info: dict[str, list] = {"r": [], "w": [], "t": [], "tau": []}
        born_at: list[float] = []     # each new row's birth time within the period

        def add(vectors, weights, tau, offsets, new_rows=new_rows, info=info, born_at=born_at, t=t):
            new_rows.append(vectors)
            info["r"].extend([tau] * len(weights))
            info["w"].extend(weights)
            info["t"].extend([t] * len(weights))
            info["tau"].extend([tau] * len(weights))
            born_at.extend(offsets)

        if lam > 0:
            for tau in taus:
                if not changes_within(t, t0, P + tau):
                    add(_to_tagged(integral[None, :], M), [1.0], tau, [0.0])
                    continue
                split = max(0.0, P - tau)
                if split > 0:
                    part = (poisson.sf(kk, rate * split) / rate) @ stack
                    add(_to_tagged(part[None, :], M), [1.0], tau, [0.0])
                cuts = sorted({split, P} | {b * P - t0 - tau for b in range(t + 1, T + 1)
                                            if split < b * P - t0 - tau < P})
                for lo, hi in zip(cuts[:-1], cuts[1:]):
                    xs, ws = _graded_nodes(lo, hi, max(rate, trate), nodes)
                    # only the terms whose Poisson weight matters at these times
                    lo_k = max(0, int(poisson.ppf(POISSON_EPS, rate * xs.min())) - 1)
                    hi_k = min(K, int(poisson.isf(POISSON_EPS, rate * xs.max())) + 2)
                    at = poisson.pmf(kk[lo_k:hi_k, None], rate * xs[None, :]).T @ stack[lo_k:hi_k]
                    add(_to_tagged(at, M), list(ws), tau, list(xs))
        n_carry = carry_X.shape[1]
        if new_rows:
            carry_X = np.hstack([carry_X] + new_rows) if n_carry else np.hstack(new_rows)
            carry = {k: np.concatenate([carry[k], np.array(v, dtype=carry[k].dtype)])
                     for k, v in info.items()}
        offsets = np.concatenate([np.zeros(n_carry), np.array(born_at)])
        if carry_X.shape[1]:
            carry_X, carry = finish(carry_X, carry, np.minimum(carry["r"], P - offsets), PG, trate)
        else:
            carry_X = np.zeros((tg.size + 1, 0))

        space_new, mmap = _main_boundary(space, levels[t + 1], p_end, N)
        p = mmap @ p_end
        lost_main = max(lost_main, 1.0 - float(p.sum()))
        space = space_new

    # after closing: staff `after`, no arrivals; finish the rows, then the expected waits backward
    tg_c = _Tagged(after, space.E, tagged[-1].J, own)
    tmaps.append(_tagged_boundary(tagged[-1], tg_c))
    trows, tcols, trts, tout = _tagged_rates(tg_c, mu, theta)
    trate = max(float(tout.max()), 1e-9)
    if carry_X.shape[1]:
        finish(tmaps[-1] @ carry_X, carry, carry["r"],
               _csr(trows, tcols, trts, tout, trate, tg_c.size, 1), trate)
    waited = np.full(T, np.nan)
    v = np.zeros(tg_c.size + 1)
    if waits:
        v[:-1] = spsolve(_neg_generator(tg_c, mu, theta), np.ones(tg_c.size))
    for t in range(T - 1 if waits else -1, -1, -1):
        v_b = tmaps[t].T @ v          # expected remaining wait just before boundary t+1
        if cohort_end[t] is not None:
            waited[t] = wint[t] + float(cohort_end[t] @ v_b)
        if t == 0:
            break
        PG, trate = row_ops[t]
        PGT = PG.T.tocsr()
        K = _poisson_terms(trate * P)
        kk = np.arange(K)
        ones = np.ones(tagged[t].size + 1)
        ones[-1] = 0.0
        ys, us = np.empty((K, len(v_b))), np.empty((K, len(v_b)))
        y, u = np.ascontiguousarray(v_b), ones
        for k in range(K):
            ys[k], us[k] = y, u
            y, u = _mv(PGT, y), _mv(PGT, u)
        v = poisson.pmf(kk, trate * P) @ ys + (poisson.sf(kk, trate * P) / trate) @ us

    arrivals = np.array(rates) * P
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_wait = np.where(arrivals > 0, waited / arrivals, np.nan)
        sl = {tau: np.where(arrivals > 0, 1.0 - p_delay + served_num[tau] / P, np.nan) for tau in taus}
    return TransientResult(
        period_minutes=P, arrival_rates=tuple(rates), staff=tuple(staff), mean_service=mean_service,
        mean_patience=mean_patience, p_delay=p_delay, service_level=sl,
        p_abandon=theta * mean_wait if theta > 0 else np.where(arrivals > 0, 0.0, np.nan),
        mean_wait=mean_wait, mean_queue=mean_queue,
        end_states=tuple(ends), lost=lost_main + dropped, max_present=N)
