"""Poisson weights for the uniformized series, straight from ``scipy.special``.

The same formulas as ``scipy.stats.poisson`` (pmf = exp(k log m - m - log k!), sf = pdtrc,
quantiles by pdtrik and one step down), without its argument checks and broadcasting,
which cost more than the numbers at the sizes the forward equations ask for (tens of
thousands of calls per optimization). Means *m* >= 0, counts *k* integers >= 0.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

__all__ = ["isf", "pmf", "ppf", "sf"]


def pmf(k, m):
    """P(X = k) for X ~ Poisson(m), elementwise."""
    return np.exp(special.xlogy(k, m) - m - special.gammaln(np.asarray(k) + 1))


def sf(k, m):
    """P(X > k), elementwise."""
    return special.pdtrc(k, m)


def ppf(q: float, m: float) -> int:
    """The least k with P(X <= k) >= q (0 < q < 1)."""
    if m <= 0:
        return 0
    k = math.ceil(special.pdtrik(q, m))
    below = max(k - 1, 0)
    return below if special.pdtr(below, m) >= q else k


def isf(q: float, m: float) -> int:
    """The least k with P(X > k) <= q (0 < q < 1)."""
    return ppf(1.0 - q, m)
