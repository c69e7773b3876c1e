"""Analytic staff requirements per period from arrival rates and targets.

Methods (rates per minute, one per period of *period_minutes*):

* ``sipp`` - stationary independent period-by-period: each period staffed as
  a stationary Erlang C (or Erlang A with finite patience) queue at the
  period's average rate.
* ``lag`` - lagged SIPP: the same, on the rates shifted later by the mean
  service time (demand for servers trails arrivals).
* ``mol`` - modified offered load: the period's infinite-server offered load
  m (see :mod:`optimize.queueing.offered_load`) fed to the stationary formula
  as a rate m / E[S].

Each period gets the smallest staff meeting every target in it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from optimize.queueing.min_servers import min_servers_erlang_a, min_servers_erlang_c
from optimize.queueing.offered_load import lagged_rates, period_offered_loads
from optimize.targets import Target, parse_targets

__all__ = ["METHODS", "min_servers", "requirements_by_zone", "staffing_requirements"]

METHODS = ("sipp", "lag", "mol")


def min_servers(arrival_rate: float, mean_service: float, targets, *,
                mean_patience: float = math.inf, definition: str = "served") -> int:
    """Smallest staff for a stationary queue meeting every target.

    *arrival_rate* per minute; *mean_service*, *mean_patience* in minutes;
    *targets*: a :class:`Target`, a target string or a list of them. Infinite
    patience uses Erlang C (an abandonment target is then met trivially);
    finite patience uses Erlang A with service level *definition*.
    """
    criteria: dict = {}
    for target in parse_targets(targets):
        key, value = target.spec.criterion(target)
        if key in criteria:  # two targets of one kind: keep both by taking the max
            return max(min_servers(arrival_rate, mean_service, t, mean_patience=mean_patience,
                                   definition=definition) for t in parse_targets(targets))
        criteria[key] = value
    if math.isinf(mean_patience):
        criteria.pop("max_abandon", None)
        if not criteria:
            return 0
        return min_servers_erlang_c(arrival_rate, mean_service, **criteria)
    return min_servers_erlang_a(arrival_rate, mean_service, mean_patience,
                                definition=definition, **criteria)


def staffing_requirements(rates: Sequence[float], *, period_minutes: float,
                          mean_service: float, targets, method: str = "sipp",
                          mean_patience: float = math.inf, service=None,
                          before: float = 0.0, statistic: str = "mean",
                          definition: str = "served") -> list[int]:
    """Staff needed in each period (a list of ints, one per rate).

    *rates* per minute; *method* one of ``sipp``, ``lag``, ``mol``. For ``mol``,
    *service* (a frozen ``scipy.stats`` law, default exponential), *before* (rate
    before period 0) and *statistic* (``mean`` or ``max`` of m over the period)
    are passed to :func:`~optimize.queueing.offered_load.period_offered_loads`;
    ``lag`` also uses *before*.
    Raises ValueError for an unknown method or an unattainable target.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    parsed = parse_targets(targets)
    if method == "sipp":
        effective: Sequence[float] | np.ndarray = [float(r) for r in rates]
        if any(not (r >= 0 and math.isfinite(r)) for r in effective):
            raise ValueError(f"rates must be finite and >= 0 (per minute), got {list(rates)}")
    elif method == "lag":
        effective = lagged_rates(rates, period_minutes, mean_service, before=before)
    else:
        loads = period_offered_loads(rates, period_minutes, mean_service, service=service,
                                     before=before, statistic=statistic)
        effective = loads / mean_service
    return [min_servers(rate, mean_service, parsed, mean_patience=mean_patience,
                        definition=definition) for rate in effective]


def _for_zone(value, zone: str, name: str):
    if isinstance(value, Mapping):
        try:
            return value[zone]
        except KeyError:
            raise ValueError(f"{name} has no entry for zone {zone!r}") from None
    return value


def requirements_by_zone(rates: Mapping[str, Sequence[float]], *, period_minutes: float,
                         mean_service: float | Mapping[str, float],
                         targets: str | Target | Sequence | Mapping,
                         method: str = "sipp",
                         mean_patience: float | Mapping[str, float] = math.inf,
                         **options) -> pd.DataFrame:
    """Requirements for several zones: a DataFrame, index zone, columns period 0..T-1.

    *rates* maps a zone name to its per-period rates (per minute); *mean_service*,
    *targets* and *mean_patience* are one value for all zones or a mapping by zone.
    Other keyword *options* go to :func:`staffing_requirements`.
    """
    rows = {}
    for zone, zone_rates in rates.items():
        zone_targets = targets if isinstance(targets, (str, Target)) else _for_zone(
            targets, zone, "targets")
        rows[zone] = staffing_requirements(
            zone_rates, period_minutes=period_minutes,
            mean_service=_for_zone(mean_service, zone, "mean_service"),
            targets=zone_targets, method=method,
            mean_patience=_for_zone(mean_patience, zone, "mean_patience"), **options)
    lengths = {len(v) for v in rows.values()}
    if len(lengths) > 1:
        raise ValueError(f"every zone needs the same number of periods, got {sorted(lengths)}")
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name, frame.columns.name = "zone", "period"
    return frame
