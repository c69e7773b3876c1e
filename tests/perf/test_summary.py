"""The vectorised KPI summary gives exactly the numbers of a plain loop over groups."""

import numpy as np
import pandas as pd
import pytest

import sim
from sim.kpis import BOUNDS as KPI_BOUNDS
from sim.results import GROUPINGS, KPIS
from sim.stats import mean_ci, summarize
from tests.helpers import hall


def summarize_by_loop(per_rep, group_cols, kpis, level=0.95, bounds=KPI_BOUNDS):
    """The reference: one group and KPI at a time with ``mean_ci``, the interval clipped to the KPI's range."""
    rows = []
    groups = per_rep.groupby(group_cols, sort=False, observed=True) if group_cols else [((), per_rep)]
    for key, frame in groups:
        key = key if isinstance(key, tuple) else (key,)
        for kpi in kpis:
            m, lo, hi, n = mean_ci(frame[kpi].to_numpy(), level)
            if kpi in bounds:
                lo, hi = (float(np.clip(x, *bounds[kpi])) for x in (lo, hi))
            rows.append((*key, kpi, m, lo, hi, n))
    return pd.DataFrame(rows, columns=[*group_cols, "kpi", "mean", "low", "high", "n"])


HALL = hall(
    open="08:00", close="11:00",
    zones=[{"id": "a", "windows": 3, "staff": [2, 2, 3, 3, 0, 1]}, {"id": "b", "windows": 2, "staff": 1},
           {"id": "quiet", "windows": 1, "staff": 1}],
    services=[
        {"id": "a1", "zone": "a", "arrivals": {"rate_per_hour": 18}, "service_time": {"dist": "lognormal", "mean": 8, "cv": 0.8},
         "patience": {"dist": "exponential", "mean": 20}},
        {"id": "b1", "zone": "b", "arrivals": {"rate_per_hour": 9}, "service_time": {"dist": "exponential", "mean": 6}},
        # Rarely anyone: many (replication, period) groups without visitors, so NaN waits.
        {"id": "q1", "zone": "quiet", "arrivals": {"rate_per_hour": 0.7}, "service_time": {"dist": "exponential", "mean": 5}},
    ],
)


@pytest.mark.parametrize("replications", [1, 2, 7])
@pytest.mark.parametrize("by", GROUPINGS)
def test_summary_of_results_is_bit_identical(by, replications):
    results = sim.simulate(sim.scenario_from_dict(HALL), replications=replications, seed=11, workers=1)
    per_rep = results.kpis(by)
    group_cols = [c for c in ("zone", "service", "period") if c in per_rep.columns]
    expected = summarize_by_loop(per_rep, group_cols, list(KPIS))
    got = results.summary(by)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    if by == "zone_period" and replications > 1:
        assert per_rep["mean_wait"].isna().any()  # the case that needs care: groups with NaN values


def test_shuffled_rows_nans_uneven_groups_and_string_keys():
    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame({
        "zone": rng.choice(["z1", "z2", "z3", "z4", "solo"], size=n, p=[0.3, 0.3, 0.2, 0.199, 0.001]),
        "period": pd.Categorical(rng.choice(["08:00", "08:30", "09:00"], size=n), categories=["08:00", "08:30", "09:00", "09:30"]),
        "x": rng.lognormal(size=n) * 1e3,
        "y": rng.integers(0, 5, size=n),  # integers, converted to float
        "allnan": np.nan,
    })
    frame.loc[rng.random(n) < 0.3, "x"] = np.nan
    frame.loc[frame.zone == "z4", "x"] = np.nan  # a group whose values are all NaN
    frame.loc[len(frame)] = ["single", "08:00", 2.5, 1, np.nan]  # a group of one row
    for group_cols in (["zone"], ["zone", "period"], ["period"], []):
        for level in (0.95, 0.9):
            expected = summarize_by_loop(frame, group_cols, ["x", "y", "allnan"], level)
            got = summarize(frame, group_cols, ["x", "y", "allnan"], level)
            pd.testing.assert_frame_equal(got, expected, check_exact=True)


def visit_kpis_by_groupby(results, by):
    """The reference for the per-replication visit KPIs: a plain pandas groupby over the visits
    table (counts, distinct visitors, mean, quantiles and maximum of the waits)."""
    visits = results.visits.copy()
    hall = results.hall
    k = np.clip((visits["arrival"].to_numpy() - hall.open) // hall.period, 0, hall.n_periods - 1).astype(int)
    visits["period"] = pd.Categorical.from_codes(k, categories=[sim.format_clock(t) for t in hall.period_edges[:-1]])
    names = {"overall": [], "zone": ["zone"], "period": ["period"], "zone_period": ["zone", "period"]}[by]
    g = visits.groupby(["replication", *names], observed=True)
    return pd.DataFrame({
        "visitors": visits.drop_duplicates(["replication", "visitor", *names]).groupby(["replication", *names], observed=True).size(),
        "visits": g.size(), "mean_wait": g["wait"].mean(), "p50_wait": g["wait"].quantile(0.5),
        "p90_wait": g["wait"].quantile(0.9), "p95_wait": g["wait"].quantile(0.95), "max_wait": g["wait"].max(),
    })


@pytest.mark.parametrize("by", ["overall", "zone", "period", "zone_period"])
def test_visit_kpis_match_a_plain_groupby_over_the_visits(by):
    results = sim.simulate(sim.scenario_from_dict(HALL), replications=6, seed=5, workers=1)
    expected = visit_kpis_by_groupby(results, by)
    got = results.kpis(by).set_index(["replication", *[c for c in ("zone", "period") if c in expected.index.names]])
    got = got.loc[got["visits"] > 0, list(expected.columns)]          # groups nobody came to: zero counts, NaN waits
    got.index = expected.index
    pd.testing.assert_frame_equal(got, expected.astype(float), check_exact=False, rtol=1e-12)
    empty = results.kpis(by)
    assert (empty.loc[empty["visits"] == 0, "mean_wait"].isna()).all()
