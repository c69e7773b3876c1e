"""Exact cheapest staffing: an integer program with lazy monotone cuts around an evaluator.

Performance in period t improves with staff in t and, for waits that run past the period's
end, in the periods after it; under the simulator's default ``first_free`` rule with patience
no shorter than the service, also with staff in the periods before it (fewer people waiting
when t starts). Where all three hold (*monotone*), if a plan f fails in period t, every plan
g <= f (period by period) fails there too, and any plan that meets the target in t has
s_u >= f_u + 1 for some u in the periods that can affect t. (Otherwise staff earlier can
hurt: see :class:`ZoneEvaluator`; the cuts below then only steer a search whose lower bound
comes from the proven L_t alone.) The master problem encodes s_t in unary,

    y[t, k] in {0, 1}, k = 1..U_t,   y[t, k] = 1 iff s_t >= k
    order_t_k:  y[t, k] <= y[t, k-1]                      (k >= 2)
    low_t:      sum_k y[t, k] >= L_t                       (proven lower bounds)
    cut_i:      sum_{u in support_i} y[u, f_u + 1] >= 1    (one per failing plan and period)

and minimises the staff cost (per-period plans: sum_t c_t s_t; rosters: the cost of shift
variants x_v whose coverage equals s_t, ``link_t``). Each solve gives a lower bound; when
the evaluator passes the master's plan in every period the plan is optimal: every cut is
valid and the plan is the cheapest one satisfying them.

A cut is strengthened before it is added: periods far before t are raised to their
maximum (U_u) while the evaluation at t still fails, so the cut only involves the window
[t - w, t] (and the periods after t that matter, if raising them rescued t). A raised period
has no y[u, U_u + 1] and drops out of the cut. Then the failing period itself is lifted:
the least level k* of s_t that passes with the others at the trial plan, so the cut reads
y[t, k*] + sum_{u != t} y[u, f_u + 1] >= 1 (valid: a plan below the others' levels and
with s_t < k* lies below a failing trial plan).

The evaluator is a callback, ``evaluate(plan) -> bool per period`` (plan: an int array
of staff per period); it must be monotone in the sense above. Two optional refinements
speed things up: ``check(plan, t) -> bool`` answers for one period (e.g. on a shorter
day), and ``horizon(t)`` is the last period whose staff can affect t (default: the last).
:class:`ZoneEvaluator` provides all three exactly for one zone with
:func:`optimize.queueing.transient.evaluate_zone`; a simulation-based estimator can be
plugged into :func:`solve_exact` the same way (its cuts are then only as good as its
estimates).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from optimize import roster_model as rm
from optimize.patterns import ShiftPattern, ShiftSpec
from optimize.periods import PeriodGrid
from optimize.queueing.transient import TransientResult, evaluate_zone
from optimize.targets import parse_targets

__all__ = ["MAX_CUTS_PER_ITERATION", "ExactResult", "ZoneEvaluator", "solve_exact", "strengthened_cut"]

MAX_CUTS_PER_ITERATION = 48    # strengthened cuts added per master solve, at most


@dataclass(frozen=True)
class ExactResult:
    """Outcome of :func:`solve_exact`.

    *status*: ``optimal`` (the plan passes everywhere and is the cheapest such plan: its cost
    equals the master's lower bound), ``infeasible`` (no plan within the upper bounds passes),
    ``best_found`` (a performance that is not monotone: the search with its cuts has nothing
    cheaper to try, but the cuts prove nothing; *lower_bound* is the cut-free bound), or
    ``limit`` (iterations or time ran out: *plan* is the cheapest passing plan found, if
    any, and *lower_bound* bounds the optimum from below). *lower_bound* is always valid.
    *plan*: staff per period; *cost*: its cost; *counts*: people per shift variant (rosters).
    """

    status: str
    plan: tuple[int, ...]
    cost: float
    lower_bound: float
    iterations: int
    evaluations: int
    cuts: int
    seconds: float
    counts: dict = field(default_factory=dict)
    history: tuple = ()


def strengthened_cut(f, t, upper, check, horizon, T):
    """The cut of plan *f* failing at *t*, as (period, level) pairs: one of them must hold.

    Periods far before t are raised to their maximum while t still fails (they drop out), and
    so are the later ones if t fails without them. Then t itself is lifted: with the rest at
    the trial plan, the least level k* that passes at t; every plan with s_u <= f_u on the
    cut's other periods and s_t < k* lies below a failing trial plan, so y[t, k*] replaces
    y[t, f_t + 1].
    """
    last = horizon(t)
    raised_after = np.array(f)
    raised_after[t + 1:] = upper[t + 1:]
    include_after = check(raised_after, t)          # did raising the later periods rescue t?
    base = np.array(f) if include_after else raised_after
    w = 0
    while True:
        lo = max(0, t - w)
        trial = base.copy()
        trial[:lo] = upper[:lo]
        if lo == 0 or not check(trial, t):
            break
        w = 2 * w if w else 1
    lo = max(0, t - w)
    trial = base.copy()
    trial[:lo] = upper[:lo]
    low, high = int(f[t]) + 1, int(upper[t]) + 1     # least passing level of t, or none (U_t + 1)
    while low < high:
        mid = (low + high) // 2
        probe = trial.copy()
        probe[t] = mid
        if check(probe, t):
            high = mid
        else:
            low = mid + 1
    hi = last if include_after else t
    cut = [(u, int(f[u]) + 1) for u in range(lo, hi + 1) if u != t and f[u] < upper[u]]
    if low <= upper[t]:
        cut.append((t, low))
    return cut


def _repair(f, upper, check, costs):
    """A passing plan near *f*: raise each period in turn until it passes (raising later
    periods never hurts earlier ones), then lower, from the dearest, whatever can go."""
    g = np.array(f)
    for t in range(len(g)):
        while g[t] < upper[t] and not check(g, t):
            g[t] += 1
    for t in np.argsort(-np.asarray(costs), kind="stable"):
        while g[t] > 0:
            trial = g.copy()
            trial[t] -= 1
            if all(check(trial, u) for u in range(t, len(g))):
                g = trial
            else:
                break
    return g


def _cover(variants, requirement, upper, solver):
    """Cheapest variant counts whose coverage meets *requirement* within *upper* (or None)."""
    T = len(requirement)
    prob = rm.new_problem("repair_roster")
    x = rm.integer_vars(prob, "x", range(len(variants)))
    for t in range(T):
        duty = rm.linear_sum([x[i] for i, v in enumerate(variants) if v.coverage[t]])
        prob += (duty >= int(requirement[t]), f"need_{t}")
        prob += (duty <= int(upper[t]), f"window_{t}")
    prob += rm.linear_sum([v.cost * x[i] for i, v in enumerate(variants)])
    if rm.solve(prob, solver) != "optimal":
        return None
    counts = [int(round(rm.value(x[i]))) for i in range(len(variants))]
    cover = np.array([sum(c * v.coverage[t] for c, v in zip(counts, variants)) for t in range(T)])
    return counts, cover, float(sum(c * v.cost for c, v in zip(counts, variants)))


def _repair_roster(f, variants, upper, check, solver, rounds: int = 30, deadline: float | None = None):
    """A passing roster near the coverage *f*: raise the requirement where a period fails
    (each failure raises its own period, as the closed loop does) and re-roster; None if
    none is found in *rounds* or by *deadline* (``time.perf_counter()`` seconds)."""
    need = np.array(f)
    for _ in range(rounds):
        if deadline is not None and time.perf_counter() > deadline:
            return None
        got = _cover(variants, need, upper, solver)
        if got is None:
            return None
        counts, cover, cost = got
        failing = [t for t in range(len(cover)) if not check(cover, t)]
        if not failing:
            return cost, tuple(int(v) for v in cover), {
                (v.pattern, v.lunch_label): c for v, c in zip(variants, counts) if c}
        for t in failing:
            need[t] = min(int(upper[t]), int(cover[t]) + 1)
    return None


def solve_exact(evaluate: Callable[[np.ndarray], np.ndarray], upper: Sequence[int] | np.ndarray, *,
                costs: Sequence[float] | np.ndarray | None = None,
                lower: Sequence[int] | np.ndarray | None = None,
                shifts: Sequence[ShiftPattern] | ShiftSpec | None = None, grid=None,
                check: Callable[[np.ndarray, int], bool] | None = None,
                horizon: Callable[[int], int] | None = None, max_iterations: int = 500,
                max_cuts_per_iteration: int = MAX_CUTS_PER_ITERATION, solver: str = rm.DEFAULT_SOLVER,
                time_limit: float | None = None, incumbent: tuple | None = None,
                monotone: bool = True) -> ExactResult:
    """Cheapest plan that *evaluate* passes in every period (see the module docstring).

    *upper*: most staff per period (windows); *lower*: proven lower bounds (default 0).
    Without *shifts*: any plan, cost sum_t costs[t] s_t (*costs* default 1 per staff-period).
    With *shifts* (patterns, lunch variants on *grid*): staff on duty is the coverage of the
    chosen variants, cost the variants' cost. *time_limit* in seconds for the whole search.
    *incumbent*: a known passing (cost, plan, counts), e.g. a roster of a passing per-period
    plan; the search stops as soon as the lower bound reaches the best passing cost.
    *monotone* False: *evaluate* is not monotone in the earlier periods' staff (see
    :class:`ZoneEvaluator`), so the cuts are only a heuristic that steers the search: the
    lower bound is the first, cut-free solve's (*lower* must still be valid), and a search
    that runs out of cheaper plans ends ``best_found`` unless its plan meets that bound.
    """
    t_start = time.perf_counter()
    # checked inside an iteration too: one iteration's repair and cuts can take far longer than a limit
    deadline = None if time_limit is None else t_start + time_limit
    upper = np.asarray([int(u) for u in upper])
    T = len(upper)
    lower = np.zeros(T, dtype=int) if lower is None else np.minimum(np.asarray(lower, dtype=int), upper)
    costs = np.ones(T) if costs is None else np.asarray(costs, dtype=float)
    check = check or (lambda plan, t: bool(evaluate(plan)[t]))
    horizon = horizon or (lambda t: T - 1)
    variants = []
    if shifts is not None:
        patterns = shifts.patterns if isinstance(shifts, ShiftSpec) else tuple(shifts)
        grid = PeriodGrid.coerce(grid)
        if grid.n_periods != T:
            raise ValueError(f"the grid has {grid.n_periods} periods, upper has {T}")
        variants = [v for p in patterns for v in p.variants(grid)]
    cuts: list[list[tuple[int, int]]] = []
    history: list[dict] = []
    evaluations = 0
    plan, lower_bound, counts = tuple(int(x) for x in lower), -math.inf, {}
    # cheapest plan known to pass everywhere
    incumbent = (math.inf, None, {}) if incumbent is None else (
        float(incumbent[0]), tuple(int(v) for v in incumbent[1]), dict(incumbent[2]))
    for iteration in range(1, max_iterations + 1):
        prob = rm.new_problem("exact_staffing")
        keys = [(t, k) for t in range(T) for k in range(1, upper[t] + 1)]
        y = rm.integer_vars(prob, "y", keys, upper=1)
        level = {t: rm.linear_sum([y[t, k] for k in range(1, upper[t] + 1)]) for t in range(T)}
        for t in range(T):
            for k in range(2, upper[t] + 1):
                prob += (y[t, k] <= y[t, k - 1], f"order_{t}_{k}")
            if lower[t] > 0:
                prob += (level[t] >= int(lower[t]), f"low_{t}")
        for i, cut in enumerate(cuts):
            prob += (rm.linear_sum([y[u, k] for u, k in cut]) >= 1, f"cut_{i}")
        if variants:
            x = rm.integer_vars(prob, "x", range(len(variants)))
            for t in range(T):
                duty = rm.linear_sum([x[i] for i, v in enumerate(variants) if v.coverage[t]])
                prob += (duty - level[t] == 0, f"link_{t}")
            prob += rm.linear_sum([v.cost * x[i] for i, v in enumerate(variants)])
        else:
            prob += rm.linear_sum([costs[t] * level[t] for t in range(T)])
        left = None if time_limit is None else time_limit - (time.perf_counter() - t_start)
        if left is not None and left <= 0:
            break
        status = rm.solve(prob, solver, left)
        if status == "infeasible" and (monotone or not cuts):
            return ExactResult("infeasible", plan, math.inf, math.inf, iteration, evaluations, len(cuts),
                               time.perf_counter() - t_start, {}, tuple(history))
        if status == "infeasible" and incumbent[1] is not None:     # heuristic cuts left nothing
            return ExactResult("best_found", incumbent[1], incumbent[0], lower_bound, iteration, evaluations,
                               len(cuts), time.perf_counter() - t_start, incumbent[2], tuple(history))
        if status != "optimal":
            break
        plan = tuple(int(round(rm.value(level[t]))) for t in range(T))
        master = rm.value(prob.objective)
        if monotone or not cuts:      # every cut valid (or none yet): the master's optimum is a bound
            lower_bound = master
        counts = ({(v.pattern, v.lunch_label): int(round(rm.value(x[i])))
                   for i, v in enumerate(variants) if rm.value(x[i]) > 0.5} if variants else {})
        f = np.array(plan)
        ok = np.asarray(evaluate(f), dtype=bool)
        evaluations += 1
        failing = np.nonzero(~ok)[0]
        if len(failing) == 0:
            incumbent = (master, plan, counts)
        elif not variants:
            repaired = _repair(f, upper, check, costs)
            cost = float(np.dot(costs, repaired))
            if cost < incumbent[0]:
                incumbent = (cost, tuple(int(v) for v in repaired), {})
        else:
            repaired = _repair_roster(f, variants, upper, check, solver, deadline=deadline)
            if repaired is not None and repaired[0] < incumbent[0]:
                incumbent = repaired
        history.append({"iteration": iteration, "lower_bound": lower_bound, "master": master,
                        "upper_bound": incumbent[0], "failing": len(failing), "cuts": len(cuts)})
        if incumbent[0] <= lower_bound + 1e-9:
            return ExactResult("optimal", incumbent[1], incumbent[0], lower_bound, iteration, evaluations,
                               len(cuts), time.perf_counter() - t_start, incumbent[2], tuple(history))
        if incumbent[0] <= master + 1e-9:       # not monotone: nothing cheaper left under the cuts
            return ExactResult("best_found", incumbent[1], incumbent[0], lower_bound, iteration, evaluations,
                               len(cuts), time.perf_counter() - t_start, incumbent[2], tuple(history))
        added = 0
        for t in failing[:max_cuts_per_iteration]:
            if added and deadline is not None and time.perf_counter() > deadline:
                break
            cut = strengthened_cut(f, int(t), upper, check, horizon, T)
            if not cut and not monotone:    # proves nothing here; the other cuts may still steer
                continue
            cuts.append(cut)
            added += 1
            if not cut:          # even the maximum everywhere that matters fails at t
                return ExactResult("infeasible", plan, math.inf, lower_bound, iteration, evaluations,
                                   len(cuts), time.perf_counter() - t_start, {}, tuple(history))
        if not added:            # not monotone and no cut to add: the search cannot move
            break
    # out of iterations or time: the incumbent (if any) with the gap to the lower bound
    if incumbent[1] is not None:
        return ExactResult("limit", incumbent[1], incumbent[0], lower_bound, len(history), evaluations,
                           len(cuts), time.perf_counter() - t_start, incumbent[2], tuple(history))
    return ExactResult("limit", plan, math.inf, lower_bound, len(history), evaluations, len(cuts),
                       time.perf_counter() - t_start, counts, tuple(history))


class ZoneEvaluator:
    """Exact pass/fail per period of one zone's staffing plan against *targets*.

    *rates* per minute per period; *period_minutes*, *mean_service*, *mean_patience* in
    minutes; *windows* the most staff in any period (an int or one per period). Periods that
    fail even with every window staffed (from the start of the day) are *out of reach*: they
    are reported in :attr:`out_of_reach` and counted as passing, so the rest can be optimised.
    Model values are cached by plan. *staff_decrease*: the scenario's rule when staff falls
    while windows are busy (``first_free`` or ``own_visitor``, see
    :mod:`optimize.queueing.transient`).

    Performance in a period improves with staff in that period and the later ones, and an
    empty start is the best start of all. With more staff *earlier* it improves under
    ``first_free`` when patience is at least the service (θ <= μ, nobody abandoning counts
    as :attr:`monotone`). Why: under ``first_free`` a waiting visitor is called at the first
    moment fewer than s(t) of those ahead of it are still present; give every visitor one
    rate-μ clock whose ticks end its service, or, while it waits, make it abandon with
    probability θ/μ; then, visitor by visitor in arrival order, more staff means called no
    later, so leaving no later, so fewer ahead of everyone after. With θ > μ, visitors served
    earlier hold windows that they would have freed sooner by abandoning; under
    ``own_visitor``, visitors on leaving windows drop out of the next drop's count; either
    can make a later period worse (counterexamples in tests/optimize/test_exact_bounds.py).
    Where it is not monotone, :meth:`lower_bounds` use a faster model (``first_free``) or an
    empty start (``own_visitor``) and :meth:`solve` proves nothing by its cuts (see
    :func:`solve_exact`'s *monotone*).

    *corrections* (see :meth:`correct`): per target text, an array of one additive
    correction per period applied to the model's value before it is judged - how the
    calibrated optimizer (:mod:`optimize.calibrated_method`) calibrates this exact model
    of an M(t)/M/s(t)+M queue to the simulated hall. Zero by default: the exact evaluator.
    """

    def __init__(self, rates: Sequence[float], *, period_minutes: float, mean_service: float,
                 targets, windows, mean_patience: float = math.inf, tol: float = 1e-9,
                 corrections: dict | None = None, staff_decrease: str = "first_free"):
        self.rates = [float(r) for r in rates]
        self.T = len(self.rates)
        self.P = float(period_minutes)
        self.mean_service, self.mean_patience = float(mean_service), float(mean_patience)
        self.staff_decrease = staff_decrease
        # why, in the class docstring; property tests and counterexamples in tests/optimize/test_exact_bounds.py
        self.monotone = staff_decrease == "first_free" and self.mean_patience >= self.mean_service
        self.targets = parse_targets(targets)
        self.windows = np.broadcast_to(np.asarray(windows, dtype=int), (self.T,)).copy()
        self.tol = tol
        self.taus: list[float] = sorted({float(t.wait) for t in self.targets
                                         if t.kind == "service_level" and t.wait is not None and t.wait > 0})
        self.waits = any(t.kind in ("mean_wait", "abandon") for t in self.targets) and \
            not (all(t.kind == "abandon" for t in self.targets if t.kind != "service_level")
                 and math.isinf(self.mean_patience))
        self._values: dict[tuple, np.ndarray] = {}    # plan -> model values (targets x periods)
        self._states: dict[tuple, np.ndarray] = {}    # plan prefix -> P(n, e) at its end
        self._checks: dict[tuple, np.ndarray] = {}    # (plan up to the horizon, t) -> values at t
        self.evaluations = 0
        self.correct(corrections)

    def correct(self, corrections: dict | None) -> None:
        """Set the additive corrections and recompute which periods are out of reach under
        them. *corrections*: target text -> an array per period (the same at every staff
        level) or periods x levels (level s: the correction when s staff serve in that
        period; levels 0 .. the most windows); None: none."""
        levels = int(self.windows.max()) + 1
        self.offsets = np.zeros((len(self.targets), self.T, levels))
        for i, target in enumerate(self.targets):
            if corrections and str(target) in corrections:
                given = np.nan_to_num(np.asarray(corrections[str(target)], dtype=float))
                self.offsets[i] = given[:, None] if given.ndim == 1 else given[:, :levels]
        self.out_of_reach: tuple[int, ...] = ()
        self._lower_bounds: np.ndarray | None = None      # under these corrections, once asked
        full = self._judge(self.values(self.windows), levels=self.windows)
        self.out_of_reach = tuple(int(t) for t in np.nonzero(~full)[0] if self.rates[t] > 0)

    def _offsets(self, periods, levels) -> np.ndarray:
        """The corrections (targets x the periods *periods*) at staff *levels* in those periods."""
        index = np.arange(self.T)[periods]
        staff = np.clip(np.asarray(levels, dtype=np.int64), 0, self.offsets.shape[2] - 1)
        return self.offsets[:, index, staff]

    # how far a period's staff reaches: waits to τ end at most ceil(τ / P) periods later;
    # mean waits and abandonment depend on the whole rest of the day
    def horizon(self, t: int) -> int:
        if self.waits:
            return self.T - 1
        reach = max([0] + [math.ceil(tau / self.P) for tau in self.taus])
        return min(self.T - 1, t + reach)

    def result(self, plan, periods: int | None = None) -> TransientResult:
        """The transient measures of the first *periods* periods of *plan* (default all)."""
        periods = self.T if periods is None else periods
        plan = [int(s) for s in plan[:periods]]
        self.evaluations += 1
        r = evaluate_zone(self.rates[:periods], plan, period_minutes=self.P,
                          mean_service=self.mean_service, mean_patience=self.mean_patience,
                          taus=self.taus, tol=self.tol, waits=self.waits, staff_decrease=self.staff_decrease)
        self._remember(plan, 0, r)
        return r

    def _remember(self, plan, first, r):
        for k, grid in enumerate(r.end_states):
            self._states[tuple(plan[: first + k + 1])] = grid

    def _model_values(self, r: TransientResult) -> np.ndarray:
        return np.array([r.value(target) for target in self.targets], dtype=float)

    def values(self, plan) -> np.ndarray:
        """The model's value of each target (rows, in order) per period (columns) under *plan*,
        uncorrected; NaN where a period has no arrivals."""
        key = tuple(int(s) for s in plan)
        if key not in self._values:
            self._values[key] = self._model_values(self.result(plan))
        return self._values[key]

    def _judge(self, values: np.ndarray, periods=slice(None), *, levels) -> np.ndarray:
        """Pass per period of *values* (targets x periods, the periods *periods* of the day,
        staffed at *levels*) with the corrections; periods without arrivals and out of reach pass."""
        ok = np.ones(values.shape[1], dtype=bool)
        offsets = self._offsets(periods, levels)
        for i, target in enumerate(self.targets):
            v = values[i] + offsets[i]
            with np.errstate(invalid="ignore"):
                good = target.spec.meets(v, target.spec.required(target), 1e-9)
            ok &= good | np.isnan(v)
        index = np.arange(self.T)[periods]
        for t in self.out_of_reach:
            ok[index == t] = True
        return ok

    def corrected(self, plan) -> np.ndarray:
        """The corrected value of each target per period under *plan* (targets x periods)."""
        return self.values(plan) + self._offsets(slice(None), plan)

    def __call__(self, plan) -> np.ndarray:
        return self._judge(self.values(plan), levels=plan)

    def period_values(self, plan, t: int) -> np.ndarray:
        """The model's value of each target in period *t* under *plan* (uncorrected), computed
        on a shorter day: from the stored state at the latest boundary m <= t whose prefix
        plan[:m] was evaluated before, up to ``horizon(t)`` (nothing later changes period t)."""
        plan = [int(s) for s in plan]
        last = self.horizon(t)
        key = (tuple(plan[: last + 1]), t)
        if key not in self._checks:
            m = t
            while m > 0 and tuple(plan[:m]) not in self._states:
                m -= 1
            start = (self._states[tuple(plan[:m])], plan[m - 1]) if m > 0 else None
            self.evaluations += 1
            r = evaluate_zone(self.rates[m: last + 1], plan[m: last + 1], period_minutes=self.P,
                              mean_service=self.mean_service, mean_patience=self.mean_patience,
                              taus=self.taus, tol=self.tol, waits=self.waits, initial=start,
                              staff_decrease=self.staff_decrease)
            self._remember(plan, m, r)
            self._checks[key] = self._model_values(r)[:, t - m: t - m + 1]
        return self._checks[key][:, 0]

    def check(self, plan, t: int) -> bool:
        """Does *plan* pass in period *t* (corrected; see :meth:`period_values`)?"""
        if t in self.out_of_reach or self.rates[t] == 0:
            return True
        return bool(self._judge(self.period_values(plan, t)[:, None], slice(t, t + 1), levels=[plan[t]])[0])

    def lower_bounds(self) -> np.ndarray:
        """Valid lower bounds L_t: with every later period at its windows, period t still
        fails at L_t - 1 from the best possible start - every earlier period at its windows
        where the model is :attr:`monotone`, else an empty zone - and, under ``first_free``
        with patience shorter than the service (θ > μ), the larger of that and the same in
        a faster model where every visitor leaves at rate θ, served or waiting, from the
        state its all-windows day leaves. Why that one is valid: a waiting visitor
        is called at the first moment fewer than s(t) of those ahead of it are present; give
        everyone a rate-θ clock whose ticks end its wait (abandonment) or, with probability
        μ/θ, its service; then each visitor is present in the hall at least as long as in
        the faster model, whatever the staffing, so it is called no earlier and does no
        better. The faster model's number present does not depend on the staffing (an
        M/M/∞ queue), so neither does its start."""
        if self._lower_bounds is None:
            self._lower_bounds = self._compute_lower_bounds()
        return self._lower_bounds.copy()

    def _compute_lower_bounds(self) -> np.ndarray:
        if self.monotone:        # from the state every window leaves (cached: the checks reuse its states)
            return self._least_passing(self.mean_service, self.result(self.windows))
        empty = self._least_passing(self.mean_service, None)
        if self.staff_decrease != "first_free":
            return empty
        # patience shorter than the service: also the faster model (see lower_bounds), whose
        # start no earlier plan can improve; each bound is valid, so the larger is
        faster = evaluate_zone(self.rates, [int(w) for w in self.windows], period_minutes=self.P,
                               mean_service=self.mean_patience, mean_patience=self.mean_patience,
                               taus=self.taus, tol=self.tol, waits=self.waits)
        return np.maximum(empty, self._least_passing(self.mean_patience, faster))

    def _least_passing(self, service: float, best: TransientResult | None) -> np.ndarray:
        """Per period t, the fewest staff with which t passes, with every later period at its
        windows, mean service *service*, from the state *best* leaves at t's start (None: empty)."""
        lows = np.zeros(self.T, dtype=int)
        for t in range(self.T):
            if t in self.out_of_reach or self.rates[t] == 0:
                continue
            last = self.horizon(t)
            start = None if best is None or t == 0 else (best.end_states[t - 1], int(self.windows[t - 1]))

            def passes(k, t=t, last=last, start=start):
                plan = [int(k)] + [int(w) for w in self.windows[t + 1: last + 1]]
                self.evaluations += 1
                r = evaluate_zone(self.rates[t: last + 1], plan, period_minutes=self.P,
                                  mean_service=service, mean_patience=self.mean_patience,
                                  taus=self.taus, tol=self.tol, waits=self.waits, initial=start,
                                  staff_decrease=self.staff_decrease)
                return bool(self._judge(self._model_values(r)[:, :1], slice(t, t + 1), levels=[k])[0])

            lo, hi = 0, int(self.windows[t])       # passes(hi) holds: t is within reach
            while lo < hi:
                mid = (lo + hi) // 2
                if passes(mid):
                    hi = mid
                else:
                    lo = mid + 1
            lows[t] = lo
        return lows

    def solve(self, *, shifts=None, grid=None, costs=None, **options) -> ExactResult:
        """The exact optimum (see :func:`solve_exact`) with this evaluator and its bounds."""
        if costs is None and shifts is None:
            costs = [self.P / 60.0] * self.T       # staff-hours
        return solve_exact(self, self.windows, costs=costs, lower=self.lower_bounds(), shifts=shifts,
                           grid=grid, check=self.check, horizon=self.horizon, monotone=self.monotone, **options)
