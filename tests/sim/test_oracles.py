"""The simulator against exact queueing results, with confidence-interval assertions.

Each check simulates independent 24-hour days at a constant rate, drops the first
two hours (warm-up), takes one estimate per day, and asserts that the exact value
lies in the 99% Student-t interval of those daily estimates. Seeds are fixed, so a
pass is repeatable; a wrong model (e.g. LIFO, a wrong rate, a lost visitor) fails.
"""

import numpy as np
import pytest

import sim
from sim.stats import mean_ci
from tests import oracles

WARMUP = 120.0


def day_hall(windows, rate_per_minute, service, patience=None, queue_limit=None, extra_services=()):
    zone = {"id": "z", "windows": windows, "staff": windows}
    if queue_limit is not None:
        zone["queue_limit"] = queue_limit
    svc = {"id": "s", "zone": "z", "arrivals": {"rate_per_hour": rate_per_minute * 60}, "service_time": service}
    if patience is not None:
        svc["patience"] = patience
    return sim.scenario_from_dict({
        "name": "oracle", "hours": {"open": "00:00", "close": "24:00"}, "period_minutes": 60,
        "zones": [zone], "services": [svc, *extra_services],
    })


def daily(results, fn):
    """One value per replication from the visits after warm-up."""
    v = results.visits
    v = v[v.arrival >= WARMUP]
    return np.array([fn(g) for _, g in v.groupby("replication")])


def assert_in_ci(values, exact, level=0.99, slack=0.0):
    m, lo, hi, n = mean_ci(values, level)
    assert lo - slack <= exact <= hi + slack, f"exact {exact:.5f} outside {level:.0%} CI [{lo:.5f}, {hi:.5f}] (mean {m:.5f}, n={n})"


@pytest.mark.parametrize("c,lam,mean", [(1, 0.08, 10.0), (3, 0.3, 8.0), (6, 0.6, 8.0), (10, 1.6, 5.0)])
def test_erlang_c_delay_probability_and_mean_wait(c, lam, mean):
    r = sim.simulate(day_hall(c, lam, {"dist": "exponential", "mean": mean}), replications=40, seed=11, workers=1)
    assert_in_ci(daily(r, lambda g: (g.wait > 0).mean()), oracles.erlang_c(c, lam * mean))
    assert_in_ci(daily(r, lambda g: g.wait.mean()), oracles.mmc_mean_wait(c, lam, mean))
    assert_in_ci(daily(r, lambda g: (g.wait <= 5).mean()), oracles.mmc_wait_cdf(c, lam, mean, 5))


@pytest.mark.parametrize("c,lam,mean,patience", [(5, 0.6, 8.0, 10.0), (2, 0.5, 5.0, 4.0), (12, 2.0, 6.0, 20.0)])
def test_erlang_a_abandonment_and_mean_wait(c, lam, mean, patience):
    scenario = day_hall(c, lam, {"dist": "exponential", "mean": mean}, patience={"dist": "exponential", "mean": patience})
    r = sim.simulate(scenario, replications=40, seed=12, workers=1)
    p_ab, mean_wait, p_wait = oracles.erlang_a(c, lam, mean, patience)
    assert_in_ci(daily(r, lambda g: (g.outcome == "abandoned").mean()), p_ab)
    assert_in_ci(daily(r, lambda g: g.wait.mean()), mean_wait)
    assert_in_ci(daily(r, lambda g: (g.wait > 0).mean()), p_wait)


@pytest.mark.parametrize("c,places,lam,mean", [(1, 2, 0.15, 5.0), (2, 3, 0.5, 5.0), (4, 6, 0.9, 4.0)])
def test_mmck_blocking_by_queue_limit(c, places, lam, mean):
    r = sim.simulate(day_hall(c, lam, {"dist": "exponential", "mean": mean}, queue_limit=places),
                     replications=40, seed=13, workers=1)
    block, wait_admitted = oracles.mmck(c, c + places, lam, mean)
    assert_in_ci(daily(r, lambda g: (g.outcome == "balked").mean()), block)
    assert_in_ci(daily(r, lambda g: g.wait.mean()), wait_admitted)


@pytest.mark.parametrize("lam,service", [
    (0.5, {"dist": "exponential", "mean": 20.0}),
    (1.0, {"dist": "lognormal", "mean": 15.0, "cv": 1.5}),
    (2.0, {"dist": "deterministic", "value": 5.0}),
])
def test_infinite_server_mean_busy_equals_offered_load(lam, service):
    # Far more windows than ever busy: M/G/inf, whose mean number in service is λE[S].
    r = sim.simulate(day_hall(120, lam, service), replications=30, seed=14, workers=1)
    lv = r.levels
    lv = lv[(lv.period != "after_close") & (lv.period.astype(str) >= "02:00")]
    busy = lv.groupby("replication").mean_busy.mean().to_numpy()
    mean = service.get("mean", service.get("value"))
    assert_in_ci(busy, lam * mean)
    assert (r.visits.wait == 0).all()


@pytest.mark.parametrize("lams", [(0.25, 0.35), (0.1, 0.2, 0.4)])
def test_non_preemptive_priority_mm1_waits_per_class(lams):
    services = [{"id": f"c{k}", "zone": "z", "arrivals": {"rate_per_hour": l * 60},
                 "service_time": {"dist": "exponential", "mean": 1.0}, "priority": k} for k, l in enumerate(lams)]
    scenario = sim.scenario_from_dict({"name": "prio", "hours": {"open": "00:00", "close": "24:00"}, "period_minutes": 60,
                                       "zones": [{"id": "z", "windows": 1, "staff": 1}], "services": services})
    r = sim.simulate(scenario, replications=40, seed=15, workers=1)
    exact = oracles.priority_mm1_waits(list(lams), 1.0)
    for k, w in enumerate(exact):
        assert_in_ci(daily(r, lambda g, k=k: g[g.service == f"c{k}"].wait.mean()), w)


def test_arrival_counts_per_period_mean_and_variance_time_varying():
    rates = [10, 60, 30, 90, 0, 45]
    scenario = sim.scenario_from_dict({
        "name": "counts", "hours": {"open": "08:00", "close": "11:00"}, "period_minutes": 30,
        "zones": [{"id": "z", "windows": 40, "staff": 40}],
        "services": [{"id": "s", "zone": "z", "arrivals": {"rates_per_hour": rates}, "service_time": {"dist": "exponential", "mean": 1}}],
    })
    r = sim.simulate(scenario, replications=400, seed=16, workers=1)
    counts = r.kpis("period").pivot(index="replication", columns="period", values="visitors", ).to_numpy()
    expected = np.array(rates) * 0.5
    for k, m in enumerate(expected):
        if m == 0:
            assert counts[:, k].sum() == 0
            continue
        assert_in_ci(counts[:, k], m)
        # Poisson: variance equals the mean. Chi-square interval for the variance at 99%.
        from scipy import stats
        n = counts.shape[0]
        s2 = counts[:, k].var(ddof=1)
        lo = (n - 1) * s2 / stats.chi2.ppf(0.995, n - 1)
        hi = (n - 1) * s2 / stats.chi2.ppf(0.005, n - 1)
        assert lo <= m <= hi, (k, m, lo, hi)


def test_day_variation_inflates_variance_by_the_multiplier():
    # Var(N) = m + m^2 cv^2 for a gamma day multiplier with mean 1.
    scenario = sim.scenario_from_dict({
        "name": "days", "hours": {"open": "08:00", "close": "09:00"}, "period_minutes": 60, "day_variation": {"cv": 0.3},
        "zones": [{"id": "z", "windows": 50, "staff": 50}],
        "services": [{"id": "s", "zone": "z", "arrivals": {"rate_per_hour": 100}, "service_time": {"dist": "exponential", "mean": 1}}],
    })
    r = sim.simulate(scenario, replications=600, seed=17, workers=1)
    counts = r.kpis("overall").visitors.to_numpy()
    assert_in_ci(counts, 100)
    from scipy import stats
    n, s2 = len(counts), counts.var(ddof=1)
    lo = (n - 1) * s2 / stats.chi2.ppf(0.995, n - 1)
    hi = (n - 1) * s2 / stats.chi2.ppf(0.005, n - 1)
    assert lo <= 100 + 100**2 * 0.09 <= hi
    assert not (lo <= 100 <= hi)  # plainly more than Poisson


def test_distributions_sample_moments_match_theory():
    rng = np.random.default_rng(5)
    for d in [sim.Exponential(mean=4), sim.LogNormal(mean=8, cv=0.7), sim.Gamma(mean=6, cv=0.5),
              sim.Deterministic(value=3), sim.Uniform(low=2, high=6), sim.Triangular(low=1, mode=2, high=6),
              sim.Empirical(values=[1, 2, 2, 7])]:
        x = d.sample(rng, 200_000)
        se = max(d.std, 1e-12) / np.sqrt(len(x))
        assert abs(x.mean() - d.mean) <= 5 * se + 1e-12, d
        assert abs(x.var() / max(d.variance, 1e-12) - 1) < 0.05 or d.variance == 0, d
