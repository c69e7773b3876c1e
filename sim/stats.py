"""Confidence intervals across replications."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


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
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / np.sqrt(n))
    return (m, m - half, m + half, n)


def summarize(per_rep: pd.DataFrame, group_cols: list[str], kpis: list[str], level: float = 0.95) -> pd.DataFrame:
    """Tidy table ``group..., kpi, mean, low, high, n`` from per-replication KPI rows."""
    rows = []
    groups = per_rep.groupby(group_cols, sort=False, observed=True) if group_cols else [((), per_rep)]
    for key, frame in groups:
        key = key if isinstance(key, tuple) else (key,)
        for kpi in kpis:
            m, lo, hi, n = mean_ci(frame[kpi].to_numpy(), level)
            rows.append((*key, kpi, m, lo, hi, n))
    return pd.DataFrame(rows, columns=[*group_cols, "kpi", "mean", "low", "high", "n"])
