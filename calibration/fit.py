"""Calibrate a hall model from a tidy visit log: arrivals, service times,
patience and staffing, fitted on the same visits (those arriving in opening hours)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .arrivals import ArrivalFit, fit_arrivals
from .errors import LogError, LogFormatError
from .logformat import LogFormat, load_log_format
from .patience import PatienceFit, fit_patience_by_service
from .reader import ReadReport, read_log_with_report
from .service import ServiceTimeFit, fit_service_times
from .staffing_inference import StaffingEstimate, infer_staffing

PERIOD_LABEL = "<period>"

__all__ = ["FitOptions", "Calibration", "calibrate", "calibrate_log", "options_from_format"]


@dataclass(frozen=True)
class FitOptions:
    """Choices for a calibration.

    *open_minute*/*close_minute*: opening hours in minutes since midnight (None:
    whole hours around the first and last arrival); *period_minutes*: length of
    a period; *staffing*: estimate used for staff (see ``staffing``);
    *min_service_minutes*: shorter services are left out of the service-time
    fit; *patience*: ``exponential`` or ``best`` (lowest AIC);
    *resolution_minutes*: the log's clock tick.
    """

    period_minutes: int = 30
    open_minute: int | None = None
    close_minute: int | None = None
    staffing: str = "busy_while_waiting"
    staff_rounding: str = "up"
    min_service_minutes: float = 0.0
    patience: str = "exponential"
    resolution_minutes: float = 1 / 60


@dataclass(frozen=True)
class Calibration:
    """Everything fitted from one log (times in minutes, rates per hour)."""

    options: FitOptions
    open_minute: int
    close_minute: int
    n_visits: int
    arrivals: ArrivalFit
    service_times: dict[str, ServiceTimeFit]
    patience: dict[str, PatienceFit]
    staffing: StaffingEstimate
    read_report: ReadReport | None = None
    log: str = ""
    format_file: str = ""

    @property
    def services(self) -> tuple[str, ...]:
        return self.arrivals.services


def options_from_format(fmt: LogFormat, **overrides) -> FitOptions:
    """FitOptions from a format file's ``hours`` and ``fit`` sections; keyword
    arguments that are not None override them."""
    opts = FitOptions(
        period_minutes=fmt.fit.period_minutes,
        open_minute=fmt.hours.minutes[0] if fmt.hours else None,
        close_minute=fmt.hours.minutes[1] if fmt.hours else None,
        staffing=fmt.fit.staffing,
        staff_rounding=fmt.fit.staff_rounding,
        min_service_minutes=fmt.fit.min_service_seconds / 60.0,
        patience=fmt.fit.patience,
        resolution_minutes=fmt.resolution_seconds / 60.0,
    )
    return replace(opts, **{k: v for k, v in overrides.items() if v is not None})


def _hours(visits: pd.DataFrame, opts: FitOptions) -> tuple[int, int]:
    lo = opts.open_minute if opts.open_minute is not None else int(np.floor(visits["arrival"].min() / 60) * 60)
    hi = opts.close_minute
    if hi is None:
        hi = int(np.floor(visits["arrival"].max() / 60) * 60 + 60)
        hi = lo + int(np.ceil((hi - lo) / opts.period_minutes)) * opts.period_minutes
    return lo, hi


def calibrate(visits: pd.DataFrame, options: FitOptions = FitOptions()) -> Calibration:
    """Fit arrivals, service times, patience and staffing to tidy *visits*.

    Only visitors arriving within the opening hours are used, for every fit.
    Raises LogError when no visit is left, ValueError for inconsistent
    options (periods that do not tile the hours, unknown methods).
    """
    if visits.empty:
        raise LogError("<log>", "", "the log has no visits on the selected days")
    lo, hi = _hours(visits, options)
    span, period = hi - lo, options.period_minutes
    if span <= 0 or span % period:
        divisors = [d for d in (5, 10, 15, 20, 30, 60) if span > 0 and span % d == 0]
        hint = f"; use one that divides {span}, e.g. {divisors[-1]}" if divisors else ""
        raise LogError(PERIOD_LABEL, "period_minutes",
                       f"{period}-minute periods do not divide the opening hours of {span} minutes{hint}, got {period}")
    inside = visits[(visits["arrival"] >= lo) & (visits["arrival"] < hi)]
    if inside.empty:
        raise LogError("<log>", "", f"no visit arrives between minute {lo} and minute {hi}")
    arrivals = fit_arrivals(visits, options.period_minutes, lo, hi)  # counts those outside hours
    return Calibration(
        options=options,
        open_minute=lo,
        close_minute=hi,
        n_visits=len(inside),
        arrivals=arrivals,
        service_times=fit_service_times(
            inside, min_minutes=options.min_service_minutes, resolution_minutes=options.resolution_minutes
        ),
        patience=fit_patience_by_service(
            inside, resolution_minutes=options.resolution_minutes, choice=options.patience
        ),
        staffing=infer_staffing(inside, options.period_minutes, lo, hi, method=options.staffing,
                                rounding=options.staff_rounding),
    )


def calibrate_log(
    log: str | Path, fmt: LogFormat | str | Path, **overrides
) -> tuple[Calibration, pd.DataFrame]:
    """Read *log* with format *fmt* and calibrate; *overrides* are FitOptions fields.

    Returns (calibration, visits).  Raises LogFormatError, LogError.
    """
    fmt_file = str(fmt) if isinstance(fmt, (str, Path)) else "<format>"
    if not isinstance(fmt, LogFormat):
        fmt = load_log_format(fmt)
    visits, report = read_log_with_report(log, fmt, format_file=fmt_file)
    try:
        cal = calibrate(visits, options_from_format(fmt, **overrides))
    except LogError as exc:
        if exc.file == "<log>":  # name the log the visits came from
            raise LogError(str(log), exc.path, exc.message) from None
        if exc.file != PERIOD_LABEL:
            raise
        if overrides.get("period_minutes"):
            raise LogFormatError("--period-minutes", "", exc.message) from None
        raise LogFormatError(fmt_file, "fit.period_minutes", exc.message) from None
    return replace(cal, read_report=report, log=str(log), format_file=fmt_file), visits
