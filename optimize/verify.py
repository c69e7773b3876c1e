"""Check a staffing plan against its targets in every zone and period, by simulation.

For each zone, period (of arrival) and target the simulated visits of all
replications give one estimate with a 95% interval:

* ``wait<=W@P%``: the share of visits that queued there and were called within
  W minutes (abandoners count as misses): sum of met / sum of visits;
* ``mean_wait<=W``: total wait / visits (abandoners count their time before leaving);
* ``abandon<=P%``: abandoned / arrivals.

Each is a ratio of two per-replication totals, so its interval is the ratio
estimator's: standard error sqrt(sum_r (y_r - R x_r)^2 / (n (n - 1))) / mean(x),
with Student-t quantiles on n - 1 degrees of freedom (n replications, which
are independent days). The verdicts:

* with fewer than two replications there is no interval and no verdict: ValueError;
* ``exempt``: fewer than *min_visitors* visitors a day (on average) in the
  zone-period - too few to say anything; nothing is required there;
* ``met``: the estimate meets the target;
* ``borderline``: the estimate misses, but the two-sided interval at
  *confidence* still reaches the target - a miss within the noise of the
  replications (more of them would tell);
* ``missed``: the whole interval is on the wrong side of the target;
* ``confident`` (a separate column): the one-sided bound at *confidence* (the
  lower bound of a service level, the upper bound of a mean wait or
  abandonment share) meets the target - the target holds with that
  confidence. This is what the optimizer requires, on its own seeds; a fresh
  verification run then reports the verdicts above.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

import sim
from optimize.demand import period_labels
from optimize.targets import parse_targets

__all__ = ["VERIFICATION_COLUMNS", "cell_estimates", "cell_status", "compliance", "failing_cells", "missed_cells", "plan_array",
           "plan_frame", "simulate_plan", "verify_plan"]

VERIFICATION_COLUMNS = ["zone", "start", "target", "kind", "required", "achieved", "low", "high", "bound",
                        "visitors", "staff", "status", "confident"]
_TOL = 1e-9


def plan_array(scenario, plan) -> np.ndarray:
    """A plan (array, DataFrame zone x period, or dict zone -> list) as an int array zones x periods."""
    if isinstance(plan, np.ndarray):
        return plan.astype(np.int64).reshape(len(scenario.zone_ids), scenario.n_periods)
    if isinstance(plan, pd.DataFrame):
        rows = {str(z): list(r) for z, r in plan.iterrows()}
    else:
        rows = {str(z): (list(v) if not np.isscalar(v) else [v] * scenario.n_periods) for z, v in plan.items()}
    return np.array([[int(v) for v in rows[z]] for z in scenario.zone_ids], dtype=np.int64)


def plan_frame(scenario, array) -> pd.DataFrame:
    """An int array zones x periods as a DataFrame, index zone, columns period labels."""
    return pd.DataFrame(np.asarray(array, dtype=np.int64), index=pd.Index(scenario.zone_ids, name="zone"),
                        columns=pd.Index(period_labels(scenario), name="period"))


def simulate_plan(scenario, plan, *, replications: int, seed: int, workers=None, executor=None,
                  progress=None) -> sim.Results:
    """Simulate *scenario* staffed by *plan* (see :func:`plan_array`)."""
    staffed = sim.apply_staffing(scenario, {z: [int(v) for v in row]
                                            for z, row in zip(scenario.zone_ids, plan_array(scenario, plan))})
    return sim.simulate(staffed, replications=replications, seed=seed, workers=workers, executor=executor,
                        progress=progress)


MIN_REPLICATIONS = 2
"""Fewest replications that give an interval, hence a verdict."""


def _ratio(y: np.ndarray, x: np.ndarray, level: float) -> tuple[np.ndarray, ...]:
    """Ratio estimate sum(y)/sum(x) per row of (cells x replications) arrays, with its t half-width."""
    n = y.shape[1]
    sx, sy = x.sum(axis=1), y.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        est = np.where(sx > 0, sy / np.where(sx > 0, sx, 1), np.nan)
        resid = y - est[:, None] * x
        se = np.sqrt((resid**2).sum(axis=1) / (n * (n - 1))) / (sx / n) if n > 1 else np.full(len(sx), np.nan)
    two = stats.t.ppf(0.5 + level / 2, n - 1) if n > 1 else np.nan
    one = stats.t.ppf(level, n - 1) if n > 1 else np.nan
    return est, se * two, se * one


def cell_estimates(results: sim.Results, targets, *, confidence: float = 0.95,
                   min_visitors: float = 1.0) -> pd.DataFrame:
    """Per zone, period and target: the achieved value, its interval and the verdict.

    Columns ``zone, start, target, kind, required, achieved, low, high, bound,
    visitors, staff, status, confident``; *low*/*high* form the two-sided
    interval at *confidence*, *bound* the one-sided bound on the side that
    matters; *visitors* are arrivals per day; *status* is ``met``,
    ``borderline``, ``missed`` or ``exempt``. Shares are fractions (0.8, not 80).
    """
    scenario = results.scenario
    targets = parse_targets(targets)
    zones, labels = list(scenario.zone_ids), period_labels(scenario)
    Z, T, R = len(zones), len(labels), results.replications
    if R < MIN_REPLICATIONS:
        # One day gives an estimate but no interval: every verdict would be a guess.
        raise ValueError(f"a verdict needs at least {MIN_REPLICATIONS} replications (one gives no interval), got {R}")
    staff = np.array([scenario.staff_per_period(z) for z in zones], dtype=float)
    frames = []
    cache: dict[float, pd.DataFrame] = {}
    for target in targets:
        spec = target.spec
        wait = spec.kpi_wait(target, scenario.target_wait)
        if wait not in cache:
            k = results.kpis("zone_period", target=wait)
            k = k.assign(zone=k["zone"].astype(str), period=k["period"].astype(str))
            k = k.set_index(["zone", "period", "replication"]).sort_index()
            full = pd.MultiIndex.from_product([zones, labels, range(R)], names=["zone", "period", "replication"])
            cache[wait] = k.reindex(full)
        k = cache[wait]

        def grid(column, k=k):
            return np.nan_to_num(k[column].to_numpy(float)).reshape(Z * T, R)

        visitors = grid("visits")  # queue passes: the arrivals of the zone-period
        y, x = spec.ratio(grid)
        required = spec.required(target)
        est, half, one_sided = _ratio(y, x, confidence)
        higher_is_better = spec.higher_is_better
        bound = est - one_sided if higher_is_better else est + one_sided
        per_day = visitors.mean(axis=1)
        exempt = (per_day < min_visitors) | np.isnan(est)
        low, high = est - half, est + half
        worst, best = (-np.inf, np.inf) if higher_is_better else (np.inf, -np.inf)  # for a missing value
        met = spec.meets(np.nan_to_num(est, nan=worst), required, _TOL)
        sure = spec.meets(np.nan_to_num(bound, nan=worst), required, _TOL)
        # borderline: the two-sided interval still reaches the target
        reaches = spec.meets(np.nan_to_num(high if higher_is_better else low, nan=best), required, _TOL)
        status = np.where(exempt, "exempt", np.where(met, "met", np.where(reaches, "borderline", "missed")))
        frames.append(pd.DataFrame({
            "zone": np.repeat(zones, T), "start": np.tile(labels, Z), "target": str(target),
            "kind": target.kind, "required": required, "achieved": est, "low": low, "high": high,
            "bound": bound, "visitors": per_day, "staff": staff.ravel(), "status": status,
            "confident": ~exempt & sure,
        }))
    return pd.concat(frames, ignore_index=True)[VERIFICATION_COLUMNS]


def failing_cells(estimates: pd.DataFrame, scenario) -> np.ndarray:
    """Zones x periods booleans: a target does not hold with confidence (exempt cells never fail)."""
    zones, labels = list(scenario.zone_ids), period_labels(scenario)
    bad = estimates.assign(fail=(estimates["status"] != "exempt") & ~estimates["confident"])
    table = bad.groupby(["zone", "start"], sort=False)["fail"].any().unstack("start")
    return table.reindex(index=zones, columns=labels).fillna(False).to_numpy(bool)


def missed_cells(estimates: pd.DataFrame, scenario) -> np.ndarray:
    """Zones x periods booleans: some target's estimate misses (``borderline`` or ``missed``)."""
    zones, labels = list(scenario.zone_ids), period_labels(scenario)
    bad = estimates.assign(fail=estimates["status"].isin(["borderline", "missed"]))
    table = bad.groupby(["zone", "start"], sort=False)["fail"].any().unstack("start")
    return table.reindex(index=zones, columns=labels).fillna(False).to_numpy(bool)


_RANK = {"exempt": 0, "met": 1, "borderline": 2, "missed": 3}


def cell_status(verification: pd.DataFrame) -> pd.Series:
    """One verdict per zone-period, the worst over its targets (exempt only if every target is)."""
    rank = verification["status"].map(_RANK)
    worst = rank.groupby([verification["zone"], verification["start"]], sort=False).max()
    names = {v: k for k, v in _RANK.items()}
    return worst.map(names)


def compliance(verification: pd.DataFrame) -> dict:
    """Zone-periods ``met``, ``borderline``, ``missed`` and ``exempt`` (a zone-period takes
    its worst target), how many hold with confidence (``confident``), and ``share_met``:
    met / (met + borderline + missed)."""
    counts = cell_status(verification).value_counts()
    met, borderline, missed, exempt = (int(counts.get(k, 0)) for k in ("met", "borderline", "missed", "exempt"))
    ok = verification["confident"] | (verification["status"] == "exempt")
    cells = ok.groupby([verification["zone"], verification["start"]], sort=False).all()
    exempt_cells = cell_status(verification) == "exempt"
    sure = int((cells & ~exempt_cells).sum())
    judged = met + borderline + missed
    return {"met": met, "borderline": borderline, "missed": missed, "exempt": exempt, "confident": sure,
            "share_met": met / judged if judged else 1.0}


def verify_plan(scenario, plan, targets, *, replications: int = 40, seed: int = 1, confidence: float = 0.95,
                min_visitors: float = 1.0, workers=None, executor=None, progress=None) -> pd.DataFrame:
    """Simulate *plan* (zone x period staff) and check every zone-period; see :func:`cell_estimates`."""
    results = simulate_plan(scenario, plan, replications=replications, seed=seed, workers=workers,
                            executor=executor, progress=progress)
    return cell_estimates(results, targets, confidence=confidence, min_visitors=min_visitors)

