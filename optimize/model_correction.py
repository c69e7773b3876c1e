"""How far each zone's exact queue model is from the simulated hall, estimated from every
simulation the optimizer has run.

Each zone has an exact model (:class:`optimize.exact_staffing.ZoneEvaluator`: the forward
equations of M(t)/M/s(t)+M with the zone's expected arrival rates, mean service and
patience). It knows how performance moves with staff in every period - the earlier periods'
backlog included - but not the hall's details: general service and patience
distributions, pooled windows, alarms, bundles, visitors sent on, time-varying flows. The
simulation knows those, but a ratio per zone-period from a few hundred visitors is noisy.
The optimizer uses both: the model's value under a plan plus a correction

    corrected(z, t) = model(z, t | plan) + delta(z, t)

where delta is estimated from the simulations:

1. **Every simulation counts.** Each simulated plan (its own seed: independent days) gives,
   per zone-period and target, delta_obs = simulated estimate - model value under that plan,
   with the ratio estimator's variance. Observations at the cell's current staff level are
   pooled by precision (the model carries the effect of the other periods and zones' staff).
2. **Neighbouring cells borrow strength.** Per zone and target, delta is shrunk towards the
   zone's common bias (random-effects / empirical Bayes: the between-period variance tau^2
   by the DerSimonian-Laird moment estimator): where the model is right, tau^2 is 0 and the
   noise of single cells cancels out; where it is not, cells keep their own estimate.
3. **What the plan risks.** The posterior spread of delta gives, per zone-period, the
   probability that the target truly misses; summed over the plan, the expected number of
   zone-periods that truly miss (a plan-wide statement, not a per-cell one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["Correction", "CorrectionData", "shrink"]


@dataclass(frozen=True)
class Correction:
    """delta per target (text) as arrays zones x periods, with its posterior standard deviation."""

    delta: dict
    sd: dict


def shrink(obs: np.ndarray, var: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Random-effects shrinkage of *obs* (one per cell, NaN where unobserved) with sampling
    variances *var*: posterior means and standard deviations per cell (NaN where
    unobserved), and the common mean with its standard deviation (0, 0 with no data)."""
    seen = ~np.isnan(obs)
    mean, sd = np.full(obs.shape, np.nan), np.full(obs.shape, np.nan)
    if not seen.any():
        return mean, sd, 0.0, 0.0
    d, v = obs[seen], var[seen]
    w = 1 / v
    fixed = float((w * d).sum() / w.sum())
    k = len(d)
    tau2 = 0.0
    if k > 1:
        q = float((w * (d - fixed) ** 2).sum())
        denom = float(w.sum() - (w**2).sum() / w.sum())
        tau2 = max(0.0, (q - (k - 1)) / denom) if denom > 0 else 0.0
    wr = 1 / (v + tau2)
    common = float((wr * d).sum() / wr.sum())
    common_var = float(1 / wr.sum())
    keep = tau2 / (tau2 + v)                      # share of the cell's own deviation it keeps
    mean[seen] = common + keep * (d - common)
    sd[seen] = np.sqrt(keep * v + (1 - keep) ** 2 * common_var)
    return mean, sd, common, float(np.sqrt(common_var + tau2))


def _variance(spec, achieved: float, se: float, n: float) -> float:
    """The sampling variance of one cell's estimate, at least one visitor's worth: a cell
    where every visitor met the target has a zero spread but is not known exactly."""
    var = float(se) ** 2 if np.isfinite(se) else 0.0
    if spec.percent:                              # a share of n visits
        p = (achieved * n + 0.5) / (n + 1)
        return max(var, p * (1 - p) / n)
    return max(var, 1e-4)                         # minutes squared


class CorrectionData:
    """The observations of delta gathered so far, per target, zone, period and staff level.

    :meth:`add` takes one simulated plan's cell estimates and the model values under that
    plan; :meth:`correction` gives delta at a plan's staff levels.
    """

    def __init__(self, targets, zones, labels, confidence: float):
        self.targets = tuple(targets)
        self.zones = list(zones)
        self.labels = list(labels)
        self.T = len(self.labels)
        self.confidence = confidence
        # (target text, zone index, period, staff) -> list of (delta_obs, variance)
        self.seen: dict[tuple[str, int, int, int], list[tuple[float, float]]] = {}

    def add(self, estimates, plan: np.ndarray, model_values: dict, replications: int) -> None:
        """Add one simulation: *estimates* from :func:`optimize.verify.cell_estimates`, the
        simulated *plan* (zones x periods) and, per zone index, the model values
        (targets x periods) under it."""
        quantile = stats.t.ppf(0.5 + self.confidence / 2, replications - 1)
        zone_index = {z: i for i, z in enumerate(self.zones)}
        period = {label: t for t, label in enumerate(self.labels)}
        for target_i, target in enumerate(self.targets):
            rows = estimates[estimates["target"] == str(target)]
            for row in rows.itertuples(index=False):
                z = zone_index[row.zone]
                if row.status == "exempt" or z not in model_values:
                    continue
                t = period[row.start]
                model = model_values[z][target_i, t]
                if np.isnan(model) or np.isnan(row.achieved):
                    continue
                n = max(row.visitors * replications, 1.0)
                var = _variance(target.spec, row.achieved, (row.high - row.low) / (2 * quantile), n)
                key = (str(target), z, t, int(plan[z, t]))
                self.seen.setdefault(key, []).append((float(row.achieved - model), var))

    def correction(self, plan: np.ndarray) -> Correction:
        """delta (and its posterior sd) per target at the staff levels of *plan*; a cell never
        simulated at its level takes its zone's common bias (and spread)."""
        delta, sd = {}, {}
        Z, T = len(self.zones), self.T
        for target in self.targets:
            name = str(target)
            d, s = np.zeros((Z, T)), np.zeros((Z, T))
            for z in range(Z):
                obs, var = np.full(T, np.nan), np.full(T, np.nan)
                for t in range(T):
                    got = self.seen.get((name, z, t, int(plan[z, t])))
                    if got:
                        w = np.array([1 / v for _, v in got])
                        obs[t] = float(sum(wi * o for wi, (o, _) in zip(w, got)) / w.sum())
                        var[t] = float(1 / w.sum())
                if np.isnan(obs).all():   # simulated only at other levels: the zone's pooled bias
                    others = [item for (n, y, _, _), items in self.seen.items() if n == name and y == z
                              for item in items]
                    obs = np.array([o for o, _ in others] or [np.nan])
                    var = np.array([v for _, v in others] or [np.nan])
                    common, spread = shrink(obs, var)[2:]
                    d[z], s[z] = common, spread
                    continue
                mean, spread, common, common_sd = shrink(obs, var)
                d[z] = np.where(np.isnan(mean), common, mean)
                s[z] = np.where(np.isnan(spread), common_sd, spread)
            delta[name], sd[name] = d, s
        return Correction(delta, sd)
