"""Confidence intervals across replications."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float, int]:
    """Mean and Student-t interval of the non-NaN *values*: ``(mean, low, high, n)``.

    With fewer than two values the interval is NaN (one replication says nothing
    about its own variability); with zero spread it collapses to the mean.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return (np.nan, np.nan, np.nan, 0)
    m = float(x.mean())
    if n < 2:
        return (m, np.nan, np.nan, n)
    half = float(special.stdtrit(n - 1, 0.5 + level / 2) * x.std(ddof=1) / np.sqrt(n))
    return (m, m - half, m + half, n)


def summarize(per_rep: pd.DataFrame, group_cols: list[str], kpis: list[str], level: float = 0.95,
              bounds: dict[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """Tidy table ``group..., kpi, mean, low, high, n`` from per-replication KPI rows.

    Each group's mean and Student-t interval of its non-NaN values, as ``mean_ci``
    computes them, vectorised: per group and KPI per group and KPI the non-NaN values in row order, their mean, their standard
    deviation (ddof 1) and one Student-t quantile per distinct count. NumPy reduces each
    row of a C-contiguous (groups x values) array exactly as it reduces that row alone,
    so groups with the same count are computed together instead of one by one (the
    loop with a SciPy quantile per group and KPI took most of the post-processing time).
    Intervals are clipped to *bounds*, a KPI's range of true means (``sim.kpis.BOUNDS``
    for KPIs; none for differences, which may be negative).
    """
    bounds = {} if bounds is None else bounds
    if group_cols:
        grouped = per_rep.groupby(group_cols, sort=False, observed=True)
        gid = grouped.ngroup().to_numpy()
        pos = grouped.cumcount().to_numpy()
        n_groups = grouped.ngroups
        first = np.unique(gid, return_index=True)[1]
        keys = list(per_rep[group_cols].iloc[first].itertuples(index=False, name=None))
    else:
        gid = np.zeros(len(per_rep), dtype=np.int64)
        pos = np.arange(len(per_rep))
        n_groups = 1 if len(per_rep) else 0
        keys = [()] * n_groups
    width = int(pos.max()) + 1 if len(pos) else 0
    quantiles: dict[int, float] = {}
    columns = []  # per KPI: (mean, low, high, n) arrays over groups
    for kpi in kpis:
        table = np.full((n_groups, width), np.nan)
        table[gid, pos] = per_rep[kpi].to_numpy(dtype=float)
        valid = ~np.isnan(table)
        counts = valid.sum(axis=1)
        # The non-NaN values of each group first, in row order.
        packed = table if counts.min(initial=width) == width else np.take_along_axis(
            table, np.argsort(~valid, axis=1, kind="stable"), axis=1)
        mean, low, high = (np.full(n_groups, np.nan) for _ in range(3))
        for n in np.unique(counts[counts > 0]).tolist():
            rows = np.flatnonzero(counts == n)
            values = packed[rows, :n]
            mean[rows] = values.mean(axis=1)
            if n >= 2:
                if n not in quantiles:
                    quantiles[n] = float(special.stdtrit(n - 1, 0.5 + level / 2))
                half = quantiles[n] * values.std(axis=1, ddof=1) / np.sqrt(n)
                low[rows] = mean[rows] - half
                high[rows] = mean[rows] + half
        if kpi in bounds:
            lo_b, hi_b = bounds[kpi]
            np.clip(low, lo_b, hi_b, out=low)
            np.clip(high, lo_b, hi_b, out=high)
        columns.append((mean.tolist(), low.tolist(), high.tolist(), counts.tolist()))
    out = [(*keys[g], kpi, m[g], lo[g], hi[g], n[g])
           for g in range(n_groups) for kpi, (m, lo, hi, n) in zip(kpis, columns)]
    return pd.DataFrame(out, columns=[*group_cols, "kpi", "mean", "low", "high", "n"])
