"""Draw one replication's visitors before the model runs.

Arrival times, service times and patience are drawn per service from their own
streams, so a visitor keeps its service time and patience whatever the staffing:
that is what makes comparisons between scenarios paired.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..streams import stream
from .plan import HallPlan


@dataclass(frozen=True)
class Visitors:
    """One day's visitors sorted by arrival (minutes since midnight).

    *work* is the service time at a window of speed 1 (minutes); *patience* is
    ``inf`` for a service without abandonment; *day_factor* is the day multiplier.
    """

    arrival: np.ndarray
    service: np.ndarray
    work: np.ndarray
    patience: np.ndarray
    day_factor: float

    def __len__(self) -> int:
        return len(self.arrival)


def day_factor(plan: HallPlan, seed: int, replication: int) -> float:
    """The day's demand multiplier: gamma with mean 1 and the scenario's cv (1 without)."""
    dv = plan.scenario.day_variation
    if dv is None or dv.cv == 0:
        return 1.0
    shape = 1.0 / dv.cv**2
    return float(stream(seed, replication, "day").gamma(shape, 1.0 / shape))


def poisson_arrivals(rng: np.random.Generator, rates: np.ndarray, start: float, period: float) -> np.ndarray:
    """Exact arrival times of a Poisson process whose rate (per minute) is constant in each period.

    Given the count in a period, arrival times are independent uniforms on it.
    """
    counts = rng.poisson(rates * period)
    starts = start + period * np.arange(len(rates))
    times = np.repeat(starts, counts) + period * rng.random(int(counts.sum()))
    return np.sort(times)


def draw_visitors(plan: HallPlan, seed: int, replication: int) -> Visitors:
    """All visitors of one replication, merged over services in arrival order."""
    factor = day_factor(plan, seed, replication)
    parts = []
    for s, sid in enumerate(plan.service_ids):
        svc = plan.scenario.services[s]
        times = poisson_arrivals(stream(seed, replication, "arrivals", sid), plan.rates[s] * factor, plan.open, plan.period)
        n = len(times)
        work = svc.service_time.sample(stream(seed, replication, "service", sid), n)
        if svc.patience is None:
            patience = np.full(n, np.inf)
        else:
            patience = svc.patience.sample(stream(seed, replication, "patience", sid), n)
        parts.append((times, np.full(n, s, dtype=np.int64), work, patience))
    arrival = np.concatenate([p[0] for p in parts])
    order = np.argsort(arrival, kind="stable")
    return Visitors(
        arrival=arrival[order],
        service=np.concatenate([p[1] for p in parts])[order],
        work=np.concatenate([p[2] for p in parts])[order],
        patience=np.concatenate([p[3] for p in parts])[order],
        day_factor=factor,
    )
