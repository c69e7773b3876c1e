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
   noise of single cells cancels out; where it is not, cells keep their own estimate. The
   common bias itself counts only when it stands out of its noise (two standard
   deviations, with the variance inflated for neighbouring periods that share the same
   days' congestion); otherwise the exact model stands uncorrected.
3. **Other staff levels.** A cell's correction at its own level says little of its error
   one staff lower, where the queue is longer (the exact model's pessimism about
   lognormal services grows with the queue). Cells simulated at another level than the
   plan's (the optimizer's probes: the plan with alternate periods one lower) give, per
   zone and distance from the plan, how much the correction changes there, shrunk across
   the zone's cells like the rest: :meth:`CorrectionData.correction_table`.
4. **What the plan risks.** The posterior spread of delta gives, per zone-period, the
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

    def at_levels(self, plan: np.ndarray) -> Correction:
        """This correction at the staff levels of *plan* (zones x periods): itself when it is
        one per cell, the entry of each cell's level when it is per level (zones x periods x levels)."""
        plan = np.asarray(plan, dtype=np.int64)
        if all(np.ndim(d) == 2 for d in self.delta.values()):
            return self
        Z, T = plan.shape
        zi, ti = np.arange(Z)[:, None], np.arange(T)[None, :]

        def pick(table):
            table = np.asarray(table)
            return table[zi, ti, np.clip(plan, 0, table.shape[2] - 1)] if table.ndim == 3 else table

        return Correction({k: pick(v) for k, v in self.delta.items()}, {k: pick(v) for k, v in self.sd.items()})


def _design_effect(z: np.ndarray, lags: int = 6) -> float:
    """1 + 2 sum of the positive autocorrelations of the standardized residuals *z* (in
    period order): neighbouring periods share the same days' congestion, so *k* cells
    carry less information about a common bias than *k* independent ones."""
    n = len(z)
    if n < 8:
        return 1.0
    c = z - z.mean()
    denom = float((c**2).sum())
    if denom <= 0:
        return 1.0
    rho = [float((c[:-k] * c[k:]).sum() / denom) for k in range(1, min(lags, n // 4) + 1)]
    return 1.0 + 2.0 * sum(max(r, 0.0) for r in rho)


def shrink(obs: np.ndarray, var: np.ndarray, significance: float = 2.0) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Random-effects shrinkage of *obs* (one per cell in period order, NaN where
    unobserved) with sampling variances *var*: posterior means and standard deviations per
    cell (NaN where unobserved), and the common mean with its standard deviation (0, 0
    with no data).

    The common mean's variance is inflated by the residuals' design effect (correlated
    neighbours), and a common mean within *significance* standard deviations of 0 is
    taken as 0: the exact model is not corrected for noise. A cell keeps its own deviation
    only as far as the between-cell variance tau^2 (DerSimonian-Laird) says it differs, and
    only when Cochran's Q shows heterogeneity at the 1% level."""
    seen = ~np.isnan(obs)
    mean, sd = np.full(obs.shape, np.nan), np.full(obs.shape, np.nan)
    if not seen.any():
        return mean, sd, 0.0, 0.0
    d, v = obs[seen], var[seen]
    w = 1 / v
    fixed = float((w * d).sum() / w.sum())
    k = len(d)
    tau2 = 0.0
    effect = _design_effect((d - fixed) / np.sqrt(v))
    if k > 1:
        q = float((w * (d - fixed) ** 2).sum())
        denom = float(w.sum() - (w**2).sum() / w.sum())
        # heterogeneity only when Q stands out of chi-square(k - 1) at 1% (Q's spread grows
        # with the design effect): noisy variances alone must not make cells look different
        if q > k - 1 + (stats.chi2.ppf(0.99, k - 1) - (k - 1)) * effect and denom > 0:
            tau2 = max(0.0, (q - (k - 1)) / denom)
    wr = 1 / (v + tau2)
    common = float((wr * d).sum() / wr.sum())
    common_var = float(1 / wr.sum()) * (effect if tau2 == 0 else _design_effect((d - common) / np.sqrt(v + tau2)))
    if abs(common) < significance * np.sqrt(common_var):
        common = 0.0
    keep = tau2 / (tau2 + v)                      # share of the cell's own deviation it keeps
    mean[seen] = common + keep * (d - common)
    sd[seen] = np.sqrt(keep * v + (1 - keep) ** 2 * common_var)
    return mean, sd, common, float(np.sqrt(common_var + tau2))


def _model_variance(spec, se: float, n: float, model: float) -> tuple[float, float]:
    """(the estimate's own variance, the variance the model implies) for one cell. A share
    of n visits has the binomial variance at the model's value: weighting cells by their
    own estimated variance would favour cells that came out well (a share near 1 has a small
    estimated variance) and bias the pooled correction upwards."""
    own = float(se) ** 2 if np.isfinite(se) else 0.0
    if spec.percent:
        m = min(max(float(model), 1e-3), 1 - 1e-3)
        return own, m * (1 - m) / n
    return own, max(own, 1e-4)                    # minutes squared: the estimate's own


class CorrectionData:
    """The observations of delta gathered so far, per target, zone, period and staff level.

    :meth:`add` takes one simulated plan's cell estimates and the model values under that
    plan; :meth:`correction` gives delta at a plan's staff levels.
    """

    def __init__(self, targets, zones, labels, confidence: float, served_by: dict | None = None):
        self.targets = tuple(targets)
        self.zones = list(zones)
        self.labels = list(labels)
        self.T = len(self.labels)
        self.confidence = confidence
        # zone index -> the zone indices whose windows serve its visitors: a zone without
        # windows has no model (its load is handed to them), so its cells correct theirs
        self.served_by = {z: list(ys) for z, ys in (served_by or {}).items()}
        # (target text, zone index, period, staff) -> list of (delta_obs, own variance, model variance)
        self.seen: dict[tuple[str, int, int, int], list[tuple[float, float, float]]] = {}

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
                if row.status == "exempt":
                    continue
                t = period[row.start]
                cell = zone_index[row.zone]
                for z in [cell] if cell in model_values else self.served_by.get(cell, []):
                    if z not in model_values:
                        continue
                    model = model_values[z][target_i, t]
                    if np.isnan(model) or np.isnan(row.achieved):
                        continue
                    n = max(row.visitors * replications, 1.0)
                    own, implied = _model_variance(target.spec, (row.high - row.low) / (2 * quantile), n, model)
                    key = (str(target), z, t, int(plan[z, t]))
                    self.seen.setdefault(key, []).append((float(row.achieved - model), own, implied))

    def _inflation(self, name: str, z: int) -> float:
        """How much more the zone's estimates vary than the model's binomial variance says
        (visitors of one day share its congestion): the median ratio, at least 1."""
        ratios = [own / implied for (n, y, _, _), items in self.seen.items() if n == name and y == z
                  for _, own, implied in items if implied > 0 and own > 0]
        return max(1.0, float(np.median(ratios))) if ratios else 1.0

    def _cell(self, got, factor: float) -> tuple[float, float]:
        """One cell's observations pooled by precision: (delta, variance)."""
        w = np.array([1 / (implied * factor) for _, _, implied in got])
        return float(sum(wi * o for wi, (o, _, _) in zip(w, got)) / w.sum()), float(1 / w.sum())

    def correction_table(self, plan: np.ndarray, levels: int, base: Correction | None = None) -> Correction:
        """delta (and its sd) per target at every staff level 0 .. *levels* - 1, as arrays
        zones x periods x levels: at a cell's plan level, :meth:`correction`; *step* staff
        away, that plus the change the zone's cells observed *step* staff away from their
        plan show (each observed cell's own change shrunk towards the zone's common change,
        which counts only when it stands out of its noise; cells not observed there take the
        common change). *base*: :meth:`correction` of *plan* when already computed."""
        plan = np.asarray(plan, dtype=np.int64)
        base = self.correction(plan) if base is None else base
        Z, T = len(self.zones), self.T
        delta, sd = {}, {}
        for target in self.targets:
            name = str(target)
            d = np.repeat(base.delta[name][:, :, None], levels, axis=2)
            s = np.repeat(base.sd[name][:, :, None], levels, axis=2)
            for z in range(Z):
                factor = self._inflation(name, z)
                steps: dict[int, tuple[np.ndarray, np.ndarray]] = {}
                for (n, y, t, staff), got in self.seen.items():
                    step = staff - int(plan[z, t])
                    if n != name or y != z or step == 0 or not 0 <= staff < levels:
                        continue
                    obs, var = steps.setdefault(step, (np.full(T, np.nan), np.full(T, np.nan)))
                    o, v = self._cell(got, factor)
                    obs[t], var[t] = o - base.delta[name][z, t], v + base.sd[name][z, t] ** 2
                for step, (obs, var) in steps.items():
                    mean, spread, common, common_sd = shrink(obs, var)
                    for t in range(T):
                        staff = int(plan[z, t]) + step
                        if not 0 <= staff < levels:
                            continue
                        change, change_sd = (mean[t], spread[t]) if not np.isnan(obs[t]) else (common, common_sd)
                        d[z, t, staff] = base.delta[name][z, t] + change
                        s[z, t, staff] = np.hypot(base.sd[name][z, t], change_sd)
            delta[name], sd[name] = d, s
        return Correction(delta, sd)

    def correction(self, plan: np.ndarray) -> Correction:
        """delta (and its posterior sd) per target at the staff levels of *plan*; a cell never
        simulated at its level takes its zone's common bias (and spread)."""
        delta, sd = {}, {}
        Z, T = len(self.zones), self.T
        for target in self.targets:
            name = str(target)
            d, s = np.zeros((Z, T)), np.zeros((Z, T))
            for z in range(Z):
                factor = self._inflation(name, z)
                obs, var = np.full(T, np.nan), np.full(T, np.nan)
                for t in range(T):
                    got = self.seen.get((name, z, t, int(plan[z, t])))
                    if got:
                        obs[t], var[t] = self._cell(got, factor)
                if np.isnan(obs).all():   # simulated only at other levels: the zone's pooled bias
                    others = [item for (n, y, _, _), items in self.seen.items() if n == name and y == z
                              for item in items]
                    obs = np.array([o for o, _, _ in others] or [np.nan])
                    var = np.array([implied * factor for _, _, implied in others] or [np.nan])
                    pooled, pooled_sd = shrink(obs, var)[2:]
                    d[z], s[z] = pooled, pooled_sd
                    continue
                mean, spread, common, common_sd = shrink(obs, var)
                d[z] = np.where(np.isnan(mean), common, mean)
                s[z] = np.where(np.isnan(spread), common_sd, spread)
            delta[name], sd[name] = d, s
        return Correction(delta, sd)
