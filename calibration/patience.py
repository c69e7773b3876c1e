"""Patience (time a visitor waits before giving up), estimated under censoring.

A served visitor's patience was longer than its wait: it is right-censored at
the wait.  An abandoning visitor's patience equals its wait.  We report the
Kaplan-Meier survival curve (non-parametric) and parametric maximum-likelihood
fits; the scenario takes the exponential fit by default (abandons / total
exposure time): the observed waits rarely exceed a few minutes, so the shape
of two-parameter fits beyond them is extrapolation (on the bank log the
censored lognormal has a mean of ~35 min against ~6 min for the others).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .distfit import CANDIDATES, DistFit, fit_candidates

__all__ = ["PatienceFit", "fit_patience", "fit_patience_by_service"]


@dataclass(frozen=True)
class PatienceFit:
    """Patience estimates for one group of visitors (minutes).

    *n*: visitors who joined the queue; *n_abandoned*; *exposure*: total
    minutes spent waiting (all visitors); *km_times*, *km_survival*: the
    Kaplan-Meier estimate of P(patience > t); *fits*: parametric candidates,
    best AIC first, with *km_distance*: max |S_KM - S_fit| over the KM steps;
    *chosen*: the family written to the scenario.
    """

    group: str
    n: int
    n_abandoned: int
    exposure: float
    km_times: np.ndarray
    km_survival: np.ndarray
    fits: dict[str, DistFit]
    km_distance: dict[str, float]
    chosen: str | None

    @property
    def abandon_share(self) -> float:
        return self.n_abandoned / self.n if self.n else float("nan")

    @property
    def best(self) -> DistFit | None:
        return self.fits.get(self.chosen) if self.chosen else None


def fit_patience(
    visits: pd.DataFrame,
    *,
    resolution_minutes: float = 1 / 60,
    choice: str = "exponential",
    candidates=CANDIDATES,
    group: str = "all",
) -> PatienceFit:
    """Estimate patience from the waits and outcomes of *visits*.

    *choice* is ``"exponential"`` or ``"best"`` (lowest AIC among
    *candidates*).  An abandonment logged with wait 0 is fitted at half of
    *resolution_minutes*.  With no abandonment there is nothing to fit: the
    result has no fits and ``chosen`` None (patience is then not modelled).
    """
    if choice not in ("exponential", "best"):
        raise ValueError(f"choice must be 'exponential' or 'best', got {choice!r}")
    wait = visits["wait"].to_numpy(dtype=float)
    abandoned = (visits["outcome"] == "abandoned").to_numpy()
    events = np.where(wait[abandoned] > 0, wait[abandoned], resolution_minutes / 2)
    censored = wait[~abandoned]
    if len(events) == 0:
        return PatienceFit(group, len(wait), 0, float(wait.sum()), np.array([0.0]), np.array([1.0]), {}, {}, None)
    km = stats.ecdf(stats.CensoredData(uncensored=events, right=censored)).sf
    fits = fit_candidates(events, censored, tuple(dict.fromkeys(("exponential", *candidates))))
    distance = {name: float(np.max(np.abs(km.probabilities - f.frozen().sf(km.quantiles)))) for name, f in fits.items()}
    chosen = next(iter(fits), None) if choice == "best" or "exponential" not in fits else "exponential"
    return PatienceFit(
        group=group,
        n=len(wait),
        n_abandoned=int(abandoned.sum()),
        exposure=float(events.sum() + censored.sum()),
        km_times=np.asarray(km.quantiles),
        km_survival=np.asarray(km.probabilities),
        fits=fits,
        km_distance=distance,
        chosen=chosen,
    )


def fit_patience_by_service(visits: pd.DataFrame, **options) -> dict[str, PatienceFit]:
    """:func:`fit_patience` for each service, plus ``"all"`` for every visitor together
    when there are several services."""
    out = {str(s): fit_patience(g, group=str(s), **options) for s, g in visits.groupby("service", sort=True)}
    if len(out) > 1:
        out["all"] = fit_patience(visits, group="all", **options)
    return out
