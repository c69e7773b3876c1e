"""Arrival rates per service and period, and the day-to-day variation of demand."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["ArrivalFit", "fit_arrivals", "period_grid"]


def period_grid(open_minute: int, close_minute: int, period_minutes: int) -> np.ndarray:
    """Period start times (minutes since midnight) from opening to closing.

    Raises ValueError when the periods do not tile the opening hours.
    """
    span = close_minute - open_minute
    if span <= 0 or span % period_minutes:
        raise ValueError(
            f"opening hours of {span} minutes are not a whole number of {period_minutes}-minute periods"
        )
    return np.arange(open_minute, close_minute, period_minutes)


@dataclass(frozen=True)
class ArrivalFit:
    """Arrivals counted per day, period and service.

    *counts*: array (days, periods, services) of arrivals; *period_starts*:
    minutes since midnight; *outside_hours*: arrivals before opening or after
    closing, not counted.  Rates are per hour.
    """

    services: tuple[str, ...]
    dates: tuple[pd.Timestamp, ...]
    period_minutes: int
    period_starts: np.ndarray
    counts: np.ndarray
    outside_hours: int

    @property
    def rates_per_hour(self) -> pd.DataFrame:
        """Mean arrivals per hour, index period start (minutes), one column per service."""
        rates = self.counts.mean(axis=0) * 60.0 / self.period_minutes
        return pd.DataFrame(rates, index=pd.Index(self.period_starts, name="period_start"), columns=list(self.services))

    @property
    def daily_totals(self) -> np.ndarray:
        """Arrivals in opening hours per day, all services."""
        return self.counts.sum(axis=(1, 2))

    @property
    def dispersion_index(self) -> float:
        """Variance / mean of daily totals; 1 for Poisson days, larger when days vary."""
        totals = self.daily_totals
        return float(totals.var(ddof=1) / totals.mean()) if len(totals) > 1 else float("nan")

    @property
    def day_cv(self) -> float:
        """Coefficient of variation of a day multiplier M (mean 1) with N | M ~ Poisson(M Lambda).

        Var N = Lambda + Lambda^2 cv^2, so cv^2 = (Var N - mean N) / mean N^2,
        clipped at 0 when the days vary no more than Poisson.
        """
        totals = self.daily_totals
        if len(totals) < 2:
            return float("nan")
        mean, var = totals.mean(), totals.var(ddof=1)
        return float(np.sqrt(max(0.0, (var - mean) / mean**2)))


def fit_arrivals(visits: pd.DataFrame, period_minutes: int, open_minute: int, close_minute: int) -> ArrivalFit:
    """Count arrivals of *visits* (tidy log) per day, period and service.

    Every day present in *visits* counts, including periods with no arrival,
    so a rate is the mean over days of the count in the period divided by the
    period length.  Raises ValueError if the periods do not tile the hours or
    *visits* is empty.
    """
    if visits.empty:
        raise ValueError("no visits to count")
    starts = period_grid(open_minute, close_minute, period_minutes)
    services = tuple(sorted(visits["service"].unique()))
    dates = tuple(sorted(visits["date"].unique()))
    arrival = visits["arrival"].to_numpy(dtype=float)
    inside = (arrival >= open_minute) & (arrival < close_minute)
    day = pd.Index(dates).get_indexer(visits["date"])
    period = ((arrival - open_minute) // period_minutes).astype(int)
    svc = pd.Index(services).get_indexer(visits["service"])
    counts = np.zeros((len(dates), len(starts), len(services)), dtype=int)
    np.add.at(counts, (day[inside], period[inside], svc[inside]), 1)
    return ArrivalFit(
        services=services,
        dates=tuple(pd.Timestamp(d) for d in dates),
        period_minutes=period_minutes,
        period_starts=starts,
        counts=counts,
        outside_hours=int((~inside).sum()),
    )
