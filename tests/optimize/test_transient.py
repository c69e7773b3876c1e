"""The exact transient evaluator (optimize.queueing.transient) against stationary formulas,
the infinite-server identity, a hand-worked staff drop, brute-force chains and the simulator."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, linalg, stats

from optimize import erlang_a, erlang_c, erlang_c_mean_wait, erlang_c_service_level
from optimize.queueing.transient import evaluate_zone


def constant(periods, lam, s, **kw):
    return evaluate_zone([lam] * periods, [s] * periods, **kw)


@pytest.mark.parametrize("c,lam,es", [(1, 0.06, 10.0), (3, 0.3, 8.0), (10, 1.6, 5.0)])
def test_long_constant_stretch_is_erlang_c(c, lam, es):
    r = constant(12, lam, c, period_minutes=480, mean_service=es, taus=[5.0])   # 4 days
    assert r.lost < 1e-9
    assert r.p_delay[-1] == pytest.approx(erlang_c(c, lam * es), abs=1e-8)
    assert r.service_level[5.0][-1] == pytest.approx(erlang_c_service_level(c, lam, es, 5.0), abs=1e-8)
    assert r.mean_wait[-1] == pytest.approx(erlang_c_mean_wait(c, lam, es), rel=1e-7)
    assert np.all(r.p_abandon == 0)
    # the queue starts empty: the first period is better than the stationary one
    assert r.p_delay[0] < r.p_delay[-1]


@pytest.mark.parametrize("c,lam,es,pat", [(5, 0.6, 8.0, 10.0), (2, 0.5, 5.0, 4.0), (12, 2.0, 6.0, 20.0)])
def test_long_constant_stretch_is_erlang_a(c, lam, es, pat):
    q = erlang_a(c, lam, es, pat)
    r = constant(12, lam, c, period_minutes=60, mean_service=es, mean_patience=pat, taus=[2.0, 5.0])
    assert r.lost < 1e-9
    assert r.p_delay[-1] == pytest.approx(q.p_wait, abs=1e-8)
    assert r.p_abandon[-1] == pytest.approx(q.p_abandon, abs=1e-8)
    assert r.mean_wait[-1] == pytest.approx(q.mean_wait, rel=1e-7)
    assert r.mean_queue[-1] == pytest.approx(q.mean_queue, rel=1e-7)
    for tau in (2.0, 5.0):   # the simulator's "served" definition: abandoners are misses
        assert r.service_level[tau][-1] == pytest.approx(q.service_level(tau, "served"), abs=1e-8)
        assert r.service_level[tau][-1] < q.service_level(tau, "all")


@pytest.mark.parametrize("staff", [[1, 6, 3, 8, 0, 2], [4, 0, 0, 7, 1, 1], [9, 2, 9, 2, 9, 2]])
def test_patience_equal_to_service_gives_the_infinite_server_queue(staff):
    # Everyone present leaves at rate μ, waiting or served: n(t) ~ Poisson(m), m' = λ - μm, whatever
    # the staff (also while windows close after their visitor).
    rates, P, es = [0.2, 1.0, 2.0, 0.5, 1.5, 0.1], 30.0, 10.0
    r = evaluate_zone(rates, staff, period_minutes=P, mean_service=es, mean_patience=es, taus=[5.0])
    m = 0.0
    for t, lam in enumerate(rates):
        m = lam * es + (m - lam * es) * math.exp(-P / es)
        pn = r.end_states[t].sum(axis=1)
        assert np.abs(pn - stats.poisson.pmf(np.arange(len(pn)), m)).max() < 1e-11
    assert max(e.shape[1] for e in r.end_states) > 1      # windows closing after their visitor


def poisson_pmf(k: int, mean: float) -> float:
    """e^{-mean} mean^k / k! (scipy.stats' pmf costs 0.1 ms a call inside quad's integrand)."""
    if mean == 0:
        return float(k == 0)
    return math.exp(k * math.log(mean) - mean - math.lgamma(k + 1))


def test_staff_drop_closes_busy_windows_only_after_their_visitor():
    # Hand-worked: period 0 staff 2, then staff 1 with no arrivals and no abandonment. A visitor
    # present at the drop with both windows busy: the first completion (rate 2μ) closes a window
    # and does not call the queue; then one window serves at rate μ. From n >= 2, the number of
    # completions D in the next P minutes is 0 w.p. e^{-2μP}; m >= 1 w.p.
    # ∫_0^P 2μ e^{-2μx} Pois(m-1; μ(P-x)) dx (m < n), the rest at m = n.
    lam0, mu, P = 1.5, 1 / 8.0, 20.0
    r = evaluate_zone([lam0, 0.0], [2, 1], period_minutes=P, mean_service=1 / mu)
    before, after = r.end_states[0].sum(axis=1), r.end_states[1]
    N = len(before) - 1
    expect = np.zeros(N + 1)
    expect[0] += before[0]
    expect[:1] += 0
    for n in range(1, N + 1):
        if before[n] < 1e-15:
            continue
        if n == 1:   # one visitor on a window that stays (staff 1): rate μ
            stay = math.exp(-mu * P)
            expect[1] += before[1] * stay
            expect[0] += before[1] * (1 - stay)
            continue
        probs = [math.exp(-2 * mu * P)]
        for m in range(1, n):
            probs.append(integrate.quad(lambda x, m=m: 2 * mu * math.exp(-2 * mu * x)
                                        * poisson_pmf(m - 1, mu * (P - x)), 0, P)[0])
        probs.append(1 - sum(probs))
        for m, pr in enumerate(probs):
            expect[n - m] += before[n] * pr
    assert np.abs(after.sum(axis=1) - expect).max() < 1e-9
    # the excess window is still open only if nobody finished: e = 1 w.p. P(n >= 2) e^{-2μP}
    assert after[:, 1].sum() == pytest.approx(before[2:].sum() * math.exp(-2 * mu * P), abs=1e-10)
    # a preemptive close (one window at once: pure death at rate μ) would differ
    preempt = np.zeros(N + 1)
    for n in range(N + 1):
        k = np.arange(n + 1)
        w = stats.poisson.pmf(k, mu * P)
        w[-1] = 1 - w[:-1].sum()
        np.add.at(preempt, n - k, before[n] * w)
    assert np.abs(after.sum(axis=1) - preempt).max() > 1e-3


def dense_reference(rates, staff, P, es, pat, tau, h=0.1, N=45, own=False):
    """Brute force, independent of the module: dense generators written from the rules, the day
    on a grid of step h (period boundaries, τ and the kinks a = b - τ on the grid), the tagged
    visitor propagated step by step from every grid arrival time, Simpson between the kinks.
    *own*: the ``own_visitor`` rule (the e leaving windows finish their own visitors, the s
    regular ones keep calling) instead of ``first_free`` (any completion closes a window)."""
    mu, theta = 1 / es, (0.0 if math.isinf(pat) else 1 / pat)
    S = max(staff) + 1
    levels = list(staff) + [staff[-1] if staff[-1] > 0 else 1]

    def main_space(s):
        return [(n, e) for e in range(S + 1) for n in range(N + 1) if (e == 0 or n >= (e if own else s + e))]

    def regular(n, e, s):
        return min(n - e, s)

    def busy(n, e, s):
        return regular(n, e, s) + e

    def after_change(n, e, s, s_new):
        if not own:
            return max(0, busy(n, e, s) - s_new)
        if s_new >= s:                 # a rise cancels pending closures
            return max(0, e - (s_new - s))
        return e + max(0, regular(n, e, s) - s_new)     # idle regular windows close first

    def main_step(s, lam):
        states = main_space(s)
        ix = {x: i for i, x in enumerate(states)}
        Q = np.zeros((len(states), len(states)))
        for (n, e), i in ix.items():
            if n < N:
                Q[i, ix[(n + 1, e)]] += lam
            b = busy(n, e, s)
            if own:
                if e > 0:
                    Q[i, ix[(n - 1, e - 1)]] += e * mu
                if regular(n, e, s) > 0:
                    Q[i, ix[(n - 1, e)]] += regular(n, e, s) * mu
            elif b > 0:
                Q[i, ix[(n - 1, e - 1) if e > 0 else (n - 1, 0)]] += b * mu
            if n - b > 0:
                Q[i, ix[(n - 1, e)]] += (n - b) * theta
            Q[i, i] = -Q[i].sum() - (lam if n == N else 0.0)
        return states, ix, linalg.expm(Q * h)

    tstates = [(j, e) for e in range(S + 1) for j in range(N + 1)] + ["S"]
    tix = {x: i for i, x in enumerate(tstates)}

    def tag_step(s):
        G = np.zeros((len(tstates), len(tstates)))
        for x, i in tix.items():
            if x == "S":
                continue
            j, e = x
            if own:
                if e > 0:
                    G[i, tix[(j, e - 1)]] += e * mu
                if s > 0:
                    G[i, tix[(j - 1, e)] if j > 0 else tix["S"]] += s * mu
            else:
                c = (s + e) * mu
                if c > 0:
                    G[i, tix[(j, e - 1)] if e > 0 else (tix[(j - 1, 0)] if j > 0 else tix["S"])] += c
            if j > 0:
                G[i, tix[(j - 1, e)]] += j * theta
            G[i, i] = -G[i].sum() - theta
        return linalg.expm(G * h)

    def tag_map(s_old, s_new):
        A = np.zeros((len(tstates), len(tstates)))
        for x, i in tix.items():
            if x == "S":
                A[i, i] = 1
                continue
            j, e = x
            b = s_old + e
            e2, j2 = max(0, b - s_new), j - max(0, s_new - b)
            if e2 <= S:
                A[i, tix["S"] if j2 < 0 else tix[(j2, e2)]] = 1
        return A

    T, per = len(rates), int(round(P / h))
    steps_tag = [tag_step(levels[u]) for u in range(T + 1)]
    maps = [tag_map(levels[u], levels[u + 1]) for u in range(T)]
    m_tau = int(round(tau / h))
    states, ix, _ = main_step(staff[0], rates[0])
    p = np.zeros(len(states))
    p[ix[(0, 0)]] = 1.0
    out = []
    for t, lam in enumerate(rates):
        s = staff[t]
        states, ix, step = main_step(s, lam)
        kinks = sorted({0, per} | {b * per - t * per - m_tau for b in range(t + 1, T + 1)
                                    if 0 < b * per - t * per - m_tau < per})

        def served_by_tau(v, g, final_map, t=t):
            """v: tagged vector of an arrival at grid point g (left limit at g = per)."""
            pos = t * per + g
            if g == per:                      # the boundary's change comes right after the arrival
                v = v @ maps[t]
            for k in range(m_tau):
                v = v @ steps_tag[min(pos // per, T)]
                pos += 1
                at_boundary = pos % per == 0 and pos // per <= T
                if at_boundary and (k < m_tau - 1 or final_map):
                    v = v @ maps[pos // per - 1]
            return v[tix["S"]]

        left, right = {}, {}
        for g in range(per + 1):
            v = np.zeros(len(tstates))
            for (n, e), i in ix.items():
                if n - e >= s:            # every regular window busy: the arrival waits
                    v[tix[(n - s - e, e)]] += p[i]
            now = 1.0 - v.sum()
            # one-sided limits: a wait of exactly τ ending at a boundary that calls the visitor
            # counts for arrivals just after the kink, not for those just before
            left[g] = now + served_by_tau(v, g, True)
            right[g] = left[g] if g not in kinks else now + served_by_tau(v, g, False)
            if g < per:
                p = p @ step
        total = 0.0
        for a, b in zip(kinks[:-1], kinks[1:]):
            vals = [left[a]] + [left[g] for g in range(a + 1, b)] + [right[b]]
            total += integrate.simpson(vals, dx=h)
        out.append(total / P)
        s_new = levels[t + 1]
        new_states = main_space(s_new)
        new_ix = {x: i for i, x in enumerate(new_states)}
        q = np.zeros(len(new_states))
        for (n, e), i in ix.items():
            key = (n, after_change(n, e, s, s_new))
            if key in new_ix:
                q[new_ix[key]] += p[i]
            else:                              # more excess than the space holds: unreachable
                assert p[i] < 1e-12
        p = q
    return np.array(out)


@pytest.mark.slow
@pytest.mark.parametrize("rule", ["first_free", "own_visitor"])
@pytest.mark.parametrize("pat,tau", [(math.inf, 4.0), (6.0, 4.0), (6.0, 13.0)])
def test_service_level_against_a_brute_force_chain(pat, tau, rule):
    rates, staff, P, es = [0.6, 1.2, 0.9, 0.3], [2, 5, 1, 3], 10.0, 4.0
    r = evaluate_zone(rates, staff, period_minutes=P, mean_service=es, mean_patience=pat, taus=[tau],
                      staff_decrease=rule)
    ref = dense_reference(rates, staff, P, es, pat, tau, own=rule == "own_visitor")
    assert np.abs(r.service_level[tau] - ref).max() < 1e-7


def test_quadrature_does_not_move_when_the_nodes_double():
    rates = [0.4, 1.6, 2.2, 0.8, 1.4, 0.3]
    staff = [3, 8, 6, 9, 2, 4]
    for pat in (math.inf, 7.0):
        a = evaluate_zone(rates, staff, period_minutes=30, mean_service=5, mean_patience=pat, taus=[3.0, 12.0])
        b = evaluate_zone(rates, staff, period_minutes=30, mean_service=5, mean_patience=pat, taus=[3.0, 12.0],
                          quadrature_nodes=12)
        for tau in (3.0, 12.0):
            assert np.abs(a.service_level[tau] - b.service_level[tau]).max() < 1e-6


def test_long_tau_service_level_equals_one_minus_abandonment():
    # Cross-check of two independent computations: quadrature rows vs cohorts + backward waits.
    rates, staff = [0.2, 1.0, 2.0, 0.5, 1.5, 0.1], [1, 6, 3, 8, 0, 2]
    r = evaluate_zone(rates, staff, period_minutes=30, mean_service=10, mean_patience=7, taus=[600.0])
    assert np.abs(r.service_level[600.0] - (1 - r.p_abandon)).max() < 2e-6


def test_truncation_bound_is_reported_and_respected():
    # A heavily understaffed day: the cap has to grow; what is lost stays below the tolerance.
    r = evaluate_zone([2.0] * 4, [5] * 4, period_minutes=30, mean_service=5, tol=1e-10)
    assert r.lost <= 1e-10
    small = evaluate_zone([2.0] * 4, [5] * 4, period_minutes=30, mean_service=5, tol=1e-10,
                          start_present=40)
    assert small.max_present > 40 and small.lost <= 1e-10
    assert np.allclose(small.p_delay, r.p_delay, atol=1e-9)
    # with the cap forced low, the lost mass is the error: it is reported, not hidden
    from optimize.queueing.transient import _evaluate
    loose = _evaluate([2.0] * 4, [5] * 4, 30.0, 5.0, math.inf, (), 40, 6, 1.0, False)
    assert loose.lost > 1e-3
    assert np.abs(loose.p_delay - r.p_delay).max() <= loose.lost + 1e-12


def test_periods_without_arrivals_and_targets():
    from optimize.targets import parse_targets
    r = evaluate_zone([0.0, 1.0, 0.0], [0, 6, 0], period_minutes=30, mean_service=5, taus=[2.0])
    assert np.isnan(r.p_delay[0]) and np.isnan(r.p_delay[2])
    ok = r.meets(parse_targets("wait<=2@80%"))
    assert ok[0] and ok[2]
    assert ok[1] == (r.service_level[2.0][1] >= 0.8)
    with pytest.raises(ValueError):
        evaluate_zone([1.0], [1, 2], period_minutes=30, mean_service=5)


def test_monotone_in_staff_of_the_period_and_earlier_ones():
    rates, P = [1.2, 1.8, 1.5, 0.9], 30
    base = [5, 8, 8, 6]
    r0 = evaluate_zone(rates, base, period_minutes=P, mean_service=5, mean_patience=10, taus=[2.0])
    for t in range(4):
        up = list(base)
        up[t] += 1
        r1 = evaluate_zone(rates, up, period_minutes=P, mean_service=5, mean_patience=10, taus=[2.0])
        assert np.all(r1.service_level[2.0] >= r0.service_level[2.0] - 1e-12)
        assert np.all(r1.p_delay[t:] <= r0.p_delay[t:] + 1e-12)
        assert np.all(r1.mean_wait <= r0.mean_wait + 1e-12)
        assert np.allclose(r1.p_delay[:t], r0.p_delay[:t])   # delay depends on the past only


def ratio_ci(y, x, level=0.99):
    """Ratio estimator Σy/Σx over days with its Student-t interval (as optimize.verify does)."""
    n = len(x)
    R = y.sum() / x.sum()
    se = math.sqrt(((y - R * x) ** 2).sum() / (n * (n - 1))) / x.mean()
    h = stats.t.ppf(0.5 + level / 2, n - 1) * se
    return R - h, R + h


@pytest.mark.slow
@pytest.mark.parametrize("rule", ["first_free", "own_visitor"])
def test_time_varying_day_against_the_simulator(rule):
    import sim
    rates_h = [30, 60, 90, 40, 20, 70, 30, 50]
    staff = [2, 4, 7, 3, 1, 6, 2, 4]        # drops while busy after 09:00 and 10:30
    P, es, pat, tau = 30, 5.0, 12.0, 3.0
    scenario = sim.scenario_from_dict({
        "name": "transient check", "hours": {"open": "08:00", "close": "12:00"}, "period_minutes": P,
        "staff_decrease": rule, "zones": [{"id": "z", "windows": 10, "staff": staff}],
        "services": [{"id": "s", "zone": "z", "arrivals": {"rates_per_hour": rates_h},
                      "service_time": {"dist": "exponential", "mean": es},
                      "patience": {"dist": "exponential", "mean": pat}}]})
    res = sim.simulate(scenario, replications=1500, seed=7, workers=1)
    v = res.visits
    exact = evaluate_zone([r / 60 for r in rates_h], staff, period_minutes=P, mean_service=es,
                          mean_patience=pat, taus=[tau], staff_decrease=rule)
    days = res.replications
    # per (period of arrival, day): visits and the numerators of each measure, summed at once
    counts = pd.DataFrame({
        "period": ((v.arrival - 480) // P).astype(int), "replication": v.replication, "visits": 1.0,
        "p_delay": (v.wait > 0).astype(float),
        "service_level": ((v.outcome == "served") & (v.wait <= tau)).astype(float),
        "p_abandon": (v.outcome == "abandoned").astype(float), "mean_wait": v.wait,
    }).groupby(["period", "replication"]).sum()
    for t in range(len(staff)):
        per_day = counts.loc[t].reindex(range(days), fill_value=0.0)
        x = per_day["visits"].to_numpy(float)
        checks = {"p_delay": exact.p_delay[t], "service_level": exact.service_level[tau][t],
                  "p_abandon": exact.p_abandon[t], "mean_wait": exact.mean_wait[t]}
        for name, value in checks.items():
            y = per_day[name].to_numpy(float)
            lo, hi = ratio_ci(y, x)
            assert lo <= value <= hi, (t, name, value, lo, hi)


# ---- exact optima: the lazy-cut master against brute force --------------------------------

def brute_force_plan(evaluate, upper, cost):
    import itertools
    best = (math.inf, None)
    for plan in itertools.product(*[range(u + 1) for u in upper]):
        c = cost(plan)
        if c < best[0] and evaluate(np.array(plan)).all():
            best = (c, plan)
    return best


def test_exact_per_period_optimum_matches_brute_force_on_the_exact_evaluator():
    from optimize.exact_staffing import ZoneEvaluator
    cases = [("wait<=0@80%", math.inf), ("wait<=2@80%", 6.0), ("mean_wait<=1", math.inf), ("abandon<=4%", 5.0)]
    for targets, pat in cases:
        ev = ZoneEvaluator([0.5, 1.2, 0.7], period_minutes=30, mean_service=6, targets=targets, windows=11,
                           mean_patience=pat)
        res = ev.solve()
        # with patience shorter than the service, staff earlier can hurt: the cuts prove nothing,
        # the bound is the L_t alone
        assert ev.monotone == (pat >= 6)
        assert res.status == ("optimal" if ev.monotone else "best_found")
        lows = ev.lower_bounds()
        import itertools
        best = min((sum(p), p) for p in itertools.product(*[range(l, 12) for l in lows])
                   if sum(p) <= sum(res.plan) and ev(np.array(p)).all())
        assert sum(res.plan) == best[0], (targets, res.plan, best)
        assert res.lower_bound <= best[0] * 0.5 + 1e-9          # staff-hours of 30-minute periods
        assert ev(np.array(res.plan)).all()
        # lower bounds are valid: lowering any period below its bound fails somewhere
        for t in range(3):
            if lows[t] > 0:
                plan = np.array(ev.windows)
                plan[t] = lows[t] - 1
                assert not ev(plan)[t]


def synthetic(requirement, memory=0.5):
    """A monotone stand-in evaluator: period t passes if s_t + memory * (s_{t-1} - r_{t-1}) >= r_t."""
    r = np.array(requirement)

    def evaluate(plan):
        plan = np.asarray(plan)
        carry = np.concatenate([[0.0], memory * (plan[:-1] - r[:-1])])
        return plan + np.minimum(carry, 0.0) >= r
    return evaluate


def test_master_with_lazy_cuts_matches_brute_force_per_period_and_with_shifts():
    from optimize import ShiftPattern
    from optimize.exact_staffing import solve_exact
    req, upper = [2, 4, 3, 5, 1], [5] * 5
    ev = synthetic(req)
    res = solve_exact(ev, upper)
    best = brute_force_plan(ev, upper, sum)
    assert res.status == "optimal" and sum(res.plan) == best[0] and ev(res.plan).all()
    assert res.cuts > 0                       # it needed cuts: the past matters
    # rosters: 2-period shifts starting in every period, one 3-period shift
    grid = (480, 480 + 5 * 60, 60)
    shifts = [ShiftPattern(f"s{k}", 480 + 60 * k, 480 + 60 * (k + 2)) for k in range(4)] + \
             [ShiftPattern("long", 480, 660)]
    res = solve_exact(ev, upper, shifts=shifts, grid=grid)
    variants = [v for p in shifts for v in p.variants(grid)]
    import itertools
    best = (math.inf, None)
    for counts in itertools.product(range(6), repeat=len(variants)):
        cover = np.array([sum(c * v.coverage[t] for c, v in zip(counts, variants)) for t in range(5)])
        cost = sum(c * v.cost for c, v in zip(counts, variants))
        if cost < best[0] and (cover <= 5).all() and ev(cover).all():
            best = (cost, tuple(cover))
    assert res.status == "optimal" and res.cost == pytest.approx(best[0])
    assert ev(np.array(res.plan)).all()


def test_master_reports_infeasible_targets():
    from optimize.exact_staffing import solve_exact
    res = solve_exact(synthetic([2, 7, 1]), [5, 5, 5])
    assert res.status == "infeasible"
