"""Maximum-likelihood fits of positive distributions, with right-censoring.

Candidates are the scenario vocabulary's two-parameter families and the
exponential, all with location fixed at 0: ``exponential``, ``lognormal``,
``gamma``.  Each fit reports its log-likelihood and AIC (the selection
criterion, lower is better) and is expressed as mean + cv for the scenario.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["DistFit", "fit_distribution", "fit_candidates", "CANDIDATES"]

CANDIDATES = ("lognormal", "gamma", "exponential")
_SCIPY = {"exponential": stats.expon, "lognormal": stats.lognorm, "gamma": stats.gamma}


@dataclass(frozen=True)
class DistFit:
    """One fitted candidate.

    *params*: scipy shape/scale parameters (loc 0) for ``scipy.stats.<family>``;
    *loglik*: log-likelihood of the data (censored values through the survival
    function); *aic*: 2 k - 2 loglik; *ks*: Kolmogorov-Smirnov statistic of the
    uncensored values against the fit (None when the data were censored, where
    it would mislead); *mean*, *cv*: of the fitted distribution (same unit as
    the data, minutes here).
    """

    name: str
    params: tuple[float, ...]
    n: int
    n_censored: int
    loglik: float
    n_params: int
    aic: float
    ks: float | None
    mean: float
    cv: float

    def frozen(self):
        """The fitted ``scipy.stats`` frozen distribution."""
        return _SCIPY[self.name](*self.params)

    def scenario_dict(self, digits: int = 4) -> dict:
        """The fit in scenario vocabulary: ``{dist, mean[, cv]}``."""
        if self.name == "exponential":
            return {"dist": "exponential", "mean": round(float(self.mean), digits)}
        return {"dist": self.name, "mean": round(float(self.mean), digits), "cv": round(float(self.cv), digits)}


def _mle(name: str, observed: np.ndarray, censored: np.ndarray) -> tuple[float, ...]:
    if name == "exponential":
        # Closed form with censoring: total exposure / number of events.
        return (0.0, (observed.sum() + censored.sum()) / len(observed))
    if len(censored) == 0 and name == "lognormal":
        logs = np.log(observed)
        return (logs.std(), 0.0, float(np.exp(logs.mean())))
    rv = _SCIPY[name]
    data = stats.CensoredData(uncensored=observed, right=censored) if len(censored) else observed
    return tuple(float(p) for p in rv.fit(data, floc=0))


def fit_distribution(name: str, observed, censored=None) -> DistFit:
    """Fit family *name* by maximum likelihood with location 0.

    *observed*: exact positive values; *censored*: right-censored values (the
    event had not happened yet at that time); zeros carry no information and
    are ignored.  Raises ValueError for an unknown family, no observed values
    or a non-positive observed value.
    """
    if name not in _SCIPY:
        raise ValueError(f"unknown distribution {name!r}; choose from {', '.join(CANDIDATES)}")
    observed = np.asarray(observed, dtype=float)
    censored = np.asarray([] if censored is None else censored, dtype=float)
    censored = censored[censored > 0]
    if len(observed) == 0:
        raise ValueError("no observed values to fit")
    if (observed <= 0).any():
        raise ValueError("observed values must be positive (replace zeros by half the log's resolution)")
    params = _mle(name, observed, censored)
    rv = _SCIPY[name](*params)
    loglik = float(rv.logpdf(observed).sum() + rv.logsf(censored).sum())
    k = 1 if name == "exponential" else 2
    ks = None if len(censored) else float(stats.kstest(observed, rv.cdf).statistic)
    mean = float(rv.mean())
    return DistFit(
        name=name,
        params=tuple(float(p) for p in params),
        n=len(observed),
        n_censored=len(censored),
        loglik=loglik,
        n_params=k,
        aic=2 * k - 2 * loglik,
        ks=ks,
        mean=mean,
        cv=float(rv.std()) / mean,
    )


def fit_candidates(observed, censored=None, candidates=CANDIDATES) -> dict[str, DistFit]:
    """Fit every family in *candidates*; returns name -> DistFit, in order of AIC (best first).

    A family whose likelihood cannot be maximised on these data (scipy's solver gives
    up, e.g. on values that are all equal) is left out rather than stopping the fit;
    unknown names and unusable data still raise ValueError.
    """
    fits = []
    for name in candidates:
        try:
            # scipy's solvers warn ("divide by zero") on degenerate data (one value, all equal): the
            # checks below drop such a fit, so the warnings would only be noise beside the report
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)
                fit = fit_distribution(name, observed, censored)
        except (RuntimeError, FloatingPointError, ValueError) as exc:
            if name not in _SCIPY or "observed" in str(exc):
                raise
            continue
        if np.isfinite(fit.aic) and np.isfinite(fit.mean) and fit.mean > 0:
            fits.append(fit)
    return {f.name: f for f in sorted(fits, key=lambda f: f.aic)}
