"""Turn a Calibration into a scenario (a plain dict in the scenario vocabulary) and YAML.

The log's agents are one pool: one zone whose staff per period is the chosen
staffing estimate and whose windows are the most agents ever seen serving in a
period (at least the largest staff).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from sim.errors import bounded
from sim.fields import is_id

from .errors import LogError, LogFormatError
from .fit import Calibration

__all__ = ["build_scenario", "scenario_header", "scenario_yaml", "write_scenario", "check_with_engine"]


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def build_scenario(cal: Calibration, name: str = "Calibrated hall", zone_id: str = "pool",
                   zone_name: str | None = None) -> dict:
    """The scenario dict for *cal*: one zone, one service per calibrated service.

    Rates are per hour per period (3 decimals), times in minutes (4 decimals);
    services with no arrival in opening hours are left out.  A service without
    an abandonment gets no patience; one with fewer than two distinct service
    times gets a deterministic service time.
    """
    rates = cal.arrivals.rates_per_hour
    staff = cal.staffing.staff
    seen = cal.staffing.table["distinct_agents"].max()
    windows = max(max(staff), int(np.ceil(seen)) if np.isfinite(seen) else 0)
    zone: dict = {"id": zone_id}
    if zone_name:
        zone["name"] = zone_name
    zone.update(windows=windows, staff=staff[0] if len(set(staff)) == 1 else staff)
    services: list[dict] = []
    for service in cal.services:
        if rates[service].sum() == 0:
            continue
        if not is_id(service):
            raise LogFormatError(cal.format_file or "<format>", "services.map",
                                 f"service {bounded(repr(service), 80)} of the log is not a scenario id (ASCII letters, "
                                 "digits, '_' or '-', at most 64); give it one in the format's services.map, e.g. "
                                 f"map: {{{bounded(repr(service), 80)}: s{len(services) + 1}}}")
        entry: dict = {"id": service, "zone": zone_id,
                       "arrivals": {"rates_per_hour": [round(float(r), 3) for r in rates[service]]}}
        fit = cal.service_times.get(service)
        if fit is not None and fit.best is not None:
            entry["service_time"] = fit.best.scenario_dict()
        elif fit is not None:
            entry["service_time"] = {"dist": "deterministic", "value": round(float(fit.values.mean()), 4)}
        else:
            raise LogError(cal.log or "<log>", "", f"service {service!r} has arrivals but no served visit, so its "
                                                   "service time cannot be fitted; merge it into another service with "
                                                   "the format's services.map, or drop its rows with a drop rule")
        patience = cal.patience.get(service)
        if patience is not None and patience.best is not None:
            entry["patience"] = patience.best.scenario_dict()
        entry["priority"] = 0
        services.append(entry)
    scenario = {
        "name": name,
        "hours": {"open": _clock(cal.open_minute), "close": _clock(cal.close_minute)},
        "period_minutes": cal.arrivals.period_minutes,
        "zones": [zone],
        "services": services,
    }
    cv = cal.arrivals.day_cv
    if np.isfinite(cv) and cv > 0:
        scenario["day_variation"] = {"cv": round(cv, 4)}
    return scenario


def scenario_header(cal: Calibration) -> str:
    """Comment lines saying what was fitted from which log and how."""
    a, opts = cal.arrivals, cal.options
    days = f"{len(a.dates)} days {a.dates[0]:%Y-%m-%d}..{a.dates[-1]:%Y-%m-%d}" if a.dates else "no days"
    services = [
        f"  {s}: {f.chosen} (AIC {f.best.aic:.0f}, KS {f.best.ks:.3f}, n={f.best.n})"
        for s, f in cal.service_times.items() if f.best is not None
    ]
    lines = [
        "Calibrated from a ticketing log (calibration / servicehall calibrate).",
        f"Log: {cal.log or '(table)'}; format: {cal.format_file or '(given)'}",
        f"Visits arriving {_clock(cal.open_minute)}-{_clock(cal.close_minute)} on {days}: {cal.n_visits}"
        f" ({a.outside_hours} outside hours not used).",
        f"Arrivals: mean count per {a.period_minutes}-min period over days, as rates per hour;"
        f" day_variation cv from daily totals (dispersion index {a.dispersion_index:.2f}).",
        "Service times: MLE (loc 0) of lognormal, gamma, exponential; lowest AIC chosen"
        + (f"; services under {opts.min_service_minutes * 60:.0f} s left out of the fit" if opts.min_service_minutes else "")
        + ".",
        *services,
        f"Patience: {opts.patience} fit, served visitors right-censored at their wait"
        f" (Kaplan-Meier in the calibration report).",
        f"Staff: '{cal.staffing.method}' estimate per period, rounded {cal.staffing.rounding} to whole agents (min 1);"
        f" windows = most agents seen serving in one period.",
        "The number of agents on duty is not in the log: check staff before relying on it.",
    ]
    # A file name may hold a newline: escaped, it cannot end the comment and inject YAML.
    return "".join(f"# {bounded(line, 400)}\n" if line else "#\n" for line in lines)


def scenario_yaml(scenario: dict, header: str = "") -> str:
    """YAML text for *scenario*, *header* (comment lines) first; short lists in flow style."""
    body = yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True, default_flow_style=None, width=10_000)
    return header + body


def write_scenario(cal: Calibration, path: str | Path, name: str = "Calibrated hall", **kwargs) -> dict:
    """Build the scenario for *cal*, write it as commented YAML to *path*, return the dict."""
    from sim.atomic import atomic_write_text  # a reader never sees half a file

    scenario = build_scenario(cal, name=name, **kwargs)
    atomic_write_text(path, scenario_yaml(scenario, scenario_header(cal)))
    return scenario


def check_with_engine(scenario: dict):
    """Validate *scenario* with the engine (``sim.scenario_from_dict``); returns the
    engine's scenario object. Raises ScenarioError for an invalid scenario."""
    from sim import scenario_from_dict  # the engine; imported here so reading logs does not need it

    return scenario_from_dict(scenario)
