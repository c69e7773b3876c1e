"""Service-time distributions per service, chosen among candidates by AIC."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .distfit import CANDIDATES, DistFit, fit_candidates

__all__ = ["ServiceTimeFit", "fit_service_times"]


@dataclass(frozen=True)
class ServiceTimeFit:
    """Service-time fit for one service (minutes).

    *fits*: every candidate, best AIC first; *chosen*: the lowest-AIC family;
    *n_short*: served visits shorter than the threshold, left out of the fit;
    *values*: the service times that were fitted.
    """

    service: str
    n_served: int
    n_short: int
    min_minutes: float
    fits: dict[str, DistFit]
    values: np.ndarray

    @property
    def chosen(self) -> str | None:
        """Lowest-AIC family, None when fewer than two distinct values could be fitted."""
        return next(iter(self.fits), None)

    @property
    def best(self) -> DistFit | None:
        chosen = self.chosen
        return self.fits[chosen] if chosen is not None else None


def fit_service_times(
    visits: pd.DataFrame,
    *,
    min_minutes: float = 0.0,
    resolution_minutes: float = 1 / 60,
    candidates=CANDIDATES,
) -> dict[str, ServiceTimeFit]:
    """Fit service times of served *visits*, per service.

    Services shorter than *min_minutes* are left out (counted in ``n_short``);
    a logged 0 means "under one clock tick" and is fitted as half of
    *resolution_minutes*.  Services with no usable value are omitted.
    """
    out: dict[str, ServiceTimeFit] = {}
    served = visits[visits["outcome"] == "served"]
    for service, group in served.groupby("service", sort=True):
        times = group["service_time"].to_numpy(dtype=float)
        short = times < min_minutes
        values = np.where(times[~short] > 0, times[~short], resolution_minutes / 2)
        if len(values) == 0:
            continue
        out[str(service)] = ServiceTimeFit(
            service=str(service),
            n_served=len(times),
            n_short=int(short.sum()),
            min_minutes=min_minutes,
            fits=fit_candidates(values, None, candidates) if len(np.unique(values)) > 1 else {},
            values=values,
        )
    return out
