"""Square-root (QED, quality-and-efficiency-driven) staffing approximations.

n = R + beta sqrt(R), R = offered load in Erlangs (arrival rate x mean service).
Halfin-Whitt (1981), no abandonment:   P(wait) ~ [1 + beta Phi(beta) / phi(beta)]^-1.
Garnett-Mandelbaum-Reiman (2002), M/M/n+M, with y = sqrt(mu / theta):
    P(wait) ~ [1 + h(beta y) / (y h(-beta))]^-1,  h(x) = phi(x) / (1 - Phi(x)).
Both are computed in logs (scipy ``log_ndtr``) so large beta does not overflow.
Times in minutes.
"""

from __future__ import annotations

import math

from scipy.optimize import brentq
from scipy.special import log_ndtr

from optimize.queueing._checks import check_nonneg, check_positive

__all__ = [
    "garnett_beta",
    "garnett_delay_probability",
    "garnett_staffing",
    "halfin_whitt_beta",
    "halfin_whitt_delay_probability",
    "halfin_whitt_staffing",
]

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_BETA_RANGE = 38.0  # P(wait) is below 1e-300 outside; brentq needs a finite bracket


def _log_phi(x: float) -> float:
    return -0.5 * x * x - _LOG_SQRT_2PI


def _log_hazard(x: float) -> float:
    """log h(x), h the standard normal hazard phi(x) / (1 - Phi(x))."""
    return _log_phi(x) - float(log_ndtr(-x))


def _check_probability(p) -> float:
    p = float(p)
    if not 0.0 < p < 1.0:
        raise ValueError(f"delay_probability must be strictly between 0 and 1, got {p!r}")
    return p


def halfin_whitt_delay_probability(beta: float) -> float:
    """Halfin-Whitt limit of P(wait) for M/M/n with n = R + *beta* sqrt(R), beta >= 0."""
    beta = check_nonneg("beta", beta)
    if beta == 0.0:
        return 1.0
    log_ratio = math.log(beta) + float(log_ndtr(beta)) - _log_phi(beta)
    return 1.0 / (1.0 + math.exp(log_ratio)) if log_ratio < 700 else 0.0


def halfin_whitt_beta(delay_probability: float) -> float:
    """The beta > 0 whose Halfin-Whitt delay probability is *delay_probability*."""
    p = _check_probability(delay_probability)
    return brentq(lambda b: halfin_whitt_delay_probability(b) - p, 0.0, _BETA_RANGE,
                  xtol=1e-12)


def halfin_whitt_staffing(offered_load: float, delay_probability: float) -> int:
    """Square-root staffing ceil(R + beta sqrt(R)) for a target P(wait) (M/M/n)."""
    r = check_nonneg("offered_load", offered_load)
    if r == 0.0:
        return 0
    return math.ceil(r + halfin_whitt_beta(delay_probability) * math.sqrt(r) - 1e-9)


def garnett_delay_probability(beta: float, mean_service: float, mean_patience: float) -> float:
    """Garnett-Mandelbaum-Reiman limit of P(wait) for M/M/n+M; *beta* may be negative."""
    y = math.sqrt(check_positive("mean_patience", mean_patience)
                  / check_positive("mean_service", mean_service))  # sqrt(mu / theta)
    log_ratio = _log_hazard(beta * y) - math.log(y) - _log_hazard(-beta)
    return 1.0 / (1.0 + math.exp(log_ratio)) if log_ratio < 700 else 0.0


def garnett_beta(delay_probability: float, mean_service: float, mean_patience: float) -> float:
    """The (possibly negative) beta whose GMR delay probability is *delay_probability*."""
    p = _check_probability(delay_probability)
    return brentq(
        lambda b: garnett_delay_probability(b, mean_service, mean_patience) - p,
        -_BETA_RANGE, _BETA_RANGE, xtol=1e-12)


def garnett_staffing(offered_load: float, delay_probability: float, mean_service: float,
                     mean_patience: float) -> int:
    """QED staffing with abandonment: max(0, ceil(R + beta sqrt(R))), beta from GMR."""
    r = check_nonneg("offered_load", offered_load)
    if r == 0.0:
        return 0
    beta = garnett_beta(delay_probability, mean_service, mean_patience)
    return max(0, math.ceil(r + beta * math.sqrt(r) - 1e-9))
