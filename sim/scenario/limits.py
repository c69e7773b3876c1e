"""Sane limits that keep one run within memory and time, each raisable by an environment variable.

A scenario may be valid field by field and still ask for a trillion visitors a day
or an alarm check every 1e-300 minutes; these checks stop it with the limit, what
was found and how to raise the limit (``SERVICEHALL_MAX_VISITORS=...``).
"""

from __future__ import annotations

import os
from typing import Any

from ..distributions import Gamma, LogNormal

MIN_CV = 1e-3
"""Smallest positive coefficient of variation (below it, use ``dist: deterministic``)."""
MAX_CV = 10.0

LIMITS = {
    # name: (default, what it bounds)
    "VISITORS": (500_000, "expected visitors a day"),
    "WINDOWS": (10_000, "windows in the hall"),
    "ZONES": (2_000, "zones"),
    "SERVICES": (5_000, "services and bundles"),
    "ALARM_CHECKS": (100_000, "alarm checks a day"),
    "PEOPLE": (10_000, "people on shifts"),
    "RECORDS": (20_000_000, "visit records held in memory"),
    "SWEEP_POINTS": (2_000, "sweep points"),
    "LOG_BYTES": (1_000_000_000, "bytes of a log read for calibration (after decompression)"),
}


def limit(name: str) -> int:
    """The limit *name* (``VISITORS``...): ``SERVICEHALL_MAX_<NAME>`` if set to a whole number, else the default."""
    default = LIMITS[name][0]
    text = os.environ.get(f"SERVICEHALL_MAX_{name}")
    if text is None:
        return default
    try:
        return max(int(text), 1)
    except ValueError:
        return default


def _over(name: str, found: float) -> str:
    # "would be" for an estimate; counts are exact, but the wording stays one.
    shown = f"{found:,.0f}" if found < 1e12 else f"{found:.3g}"
    return (f"{LIMITS[name][1]} would be {shown}, above the limit of {limit(name):,} "
            f"(set SERVICEHALL_MAX_{name} to raise it)")


def _cv_problem(cv: float, zero_ok: bool) -> str | None:
    if cv == 0 and zero_ok:
        return None
    if cv < MIN_CV:
        hint = "0 for no variation" if zero_ok else "dist: deterministic for a constant"
        return f"must be >= {MIN_CV:g} (or {hint}), got {cv!r}"
    if cv > MAX_CV:
        return f"must be <= {MAX_CV:g}, got {cv!r}"
    return None


def _distributions(value: Any, path: str):
    """(path, distribution) of every LogNormal or Gamma inside *value* (a model, list or dict)."""
    if isinstance(value, (LogNormal, Gamma)):
        yield path, value
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _distributions(item, f"{path}[{i}]")
        return
    fields = getattr(type(value), "model_fields", None)
    if fields is None:
        return
    for name in fields:
        yield from _distributions(getattr(value, name), f"{path}.{name}" if path else name)


def check_limits(s) -> list[tuple[str, str]]:
    """Problems ``(path, message)`` of scenario *s* against the limits."""
    problems: list[tuple[str, str]] = []
    for path, dist in _distributions(s, ""):
        msg = _cv_problem(dist.cv, zero_ok=False)
        if msg:
            problems.append((f"{path}.cv", msg))
    if s.day_variation is not None:
        msg = _cv_problem(s.day_variation.cv, zero_ok=True)
        if msg:
            problems.append(("day_variation.cv", msg))
    factor = 1.0 + (3 * s.day_variation.cv if s.day_variation is not None else 0.0)
    hours = s.period_minutes / 60
    total = 0.0
    for svc in s.services:
        total += sum(s.rates_per_hour(svc.id)) * hours
    for b in s.bundles:
        total += sum(s.arrival_rates(b.arrivals)) * hours * max(len(b.services), 1)
    if total * factor > limit("VISITORS"):
        problems.append(("demand_scale" if s.demand_scale > 1 else "services", _over("VISITORS", total * factor)))
    if len(s.zones) > limit("ZONES"):
        problems.append(("zones", _over("ZONES", len(s.zones))))
    if len(s.services) + len(s.bundles) > limit("SERVICES"):
        problems.append(("services", _over("SERVICES", len(s.services) + len(s.bundles))))
    windows = sum(z.windows for z in s.zones)
    if windows > limit("WINDOWS"):
        problems.append(("zones", _over("WINDOWS", windows)))
    if s.alarm is not None:
        checks = (s.close_minute - s.open_minute) / s.alarm.check_every
        if checks > limit("ALARM_CHECKS"):
            problems.append(("alarm.check_every", _over("ALARM_CHECKS", checks) + f", got {s.alarm.check_every!r}"))
    if s.people is not None:
        people = sum(p.count for p in s.people)
        if people > limit("PEOPLE"):
            problems.append(("people", _over("PEOPLE", people)))
    return problems
