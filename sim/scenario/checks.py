"""Checks that span fields of a parsed scenario: ids, references, the period grid."""

from __future__ import annotations

from ..clock import format_clock
from .schema import Scenario


def _duplicates(ids: list[str], section: str) -> list[tuple[str, str]]:
    first: dict[str, int] = {}
    problems = []
    for i, ident in enumerate(ids):
        if ident in first:
            problems.append((f"{section}[{i}].id", f"duplicate id {ident!r} (also {section}[{first[ident]}])"))
        else:
            first[ident] = i
    return problems


def check_scenario(s: Scenario) -> list[tuple[str, str]]:
    """Every cross-field problem as ``(field path, message)``; empty when the scenario is sound."""
    problems: list[tuple[str, str]] = []
    open_m, close_m = s.open_minute, s.close_minute
    if close_m <= open_m:
        return [("hours.close", f"must be after open ({s.hours.open}), got {s.hours.close!r}")]
    span = close_m - open_m
    if span % s.period_minutes:
        return [("period_minutes", f"must divide the opening hours ({span} min) into whole periods, got {s.period_minutes}")]
    n = s.n_periods

    problems += _duplicates(s.zone_ids, "zones")
    problems += _duplicates(s.service_ids, "services")

    for i, z in enumerate(s.zones):
        if isinstance(z.staff, list):
            if len(z.staff) != n:
                problems.append(
                    (f"zones[{i}].staff", f"needs one value per period ({n} periods of {s.period_minutes} min), got {len(z.staff)}")
                )
                continue
            for k, v in enumerate(z.staff):
                if v > z.windows:
                    problems.append(
                        (f"zones[{i}].staff[{k}]", f"exceeds the zone's {z.windows} windows at {format_clock(open_m + k * s.period_minutes)}, got {v}")
                    )
        elif z.staff > z.windows:
            problems.append((f"zones[{i}].staff", f"exceeds the zone's {z.windows} windows, got {z.staff}"))

    zone_ids = set(s.zone_ids)
    for i, svc in enumerate(s.services):
        if svc.zone not in zone_ids:
            known = ", ".join(s.zone_ids)
            problems.append((f"services[{i}].zone", f"unknown zone {svc.zone!r}; known zones: {known}"))
        elif s.zone(svc.zone).windows == 0:
            problems.append((f"services[{i}].zone", f"zone {svc.zone!r} has no windows to serve this service"))
        a = svc.arrivals
        for field in ("rates_per_hour", "profile"):
            values = getattr(a, field)
            if values is not None and len(values) != n:
                problems.append(
                    (f"services[{i}].arrivals.{field}", f"needs one value per period ({n} periods of {s.period_minutes} min), got {len(values)}")
                )
    return problems
