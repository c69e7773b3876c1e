"""Checks that span fields of a parsed scenario: ids, references, the period grid, and
each mechanic's own checks (``Mechanic.check``), then that every queue is served."""

from __future__ import annotations

from ..clock import format_clock
from ..fields import arrival_problems
from ..mechanics import MECHANICS
from ..mechanics.pooling import resolve_selectors
from ..topology import build_queues, zone_serves
from .schema import Scenario
from .staff_ranges import expand_staff

Problem = tuple[str, str]


def _duplicates(ids: list[str], section: str) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for i, ident in enumerate(ids):
        if ident in first:
            problems.append((f"{section}[{i}].id", f"duplicate id {ident!r} (also {section}[{first[ident]}])"))
        else:
            first[ident] = i
    return problems


def _check_grid(s: Scenario) -> list[Problem]:
    """Profiles and per-period staff against the period grid; staff against the windows."""
    n = s.n_periods
    problems: list[Problem] = []
    for name, weights in s.profiles.items():
        if len(weights) != n:
            problems.append((f"profiles.{name}", f"needs one value per period ({n} periods of {s.period_minutes} min), got {len(weights)}"))
        elif sum(weights) <= 0:
            problems.append((f"profiles.{name}", "must have a positive sum"))
    for i, z in enumerate(s.zones):
        if z.staff is None:
            continue
        values, found = expand_staff(z.staff, s.period_starts, s.period_minutes, f"zones[{i}].staff")
        problems += found
        if found:
            continue
        if isinstance(z.staff, int):
            if z.staff > z.windows:
                problems.append((f"zones[{i}].staff", f"exceeds the zone's {z.windows} windows, got {z.staff}"))
            continue
        for k, v in enumerate(values):
            if v > z.windows:
                at = format_clock(s.open_minute + k * s.period_minutes)
                where = f"zones[{i}].staff[{k}]" if isinstance(z.staff, list) else f"zones[{i}].staff"
                problems.append((where, f"exceeds the zone's {z.windows} windows at {at}, got {v}"))
    return problems


def _check_channels(s: Scenario) -> list[Problem]:
    """The channels a service's visitors come by (online, kiosk, booked ...) share one draw."""
    problems = []
    for i, svc in enumerate(s.services):
        total = sum(share for m in MECHANICS for _, share, _, _ in m.channels(svc))
        if total > 1 + 1e-9:
            names = " + ".join(name for m in MECHANICS for name, _, _, _ in m.channels(svc))
            problems.append((f"services[{i}]", f"the shares of {names} must be <= 1 together, got {total:g}"))
    return problems


def _check_served(s: Scenario) -> list[Problem]:
    """Every ``serves`` selector names something, and every queue has a zone with windows serving it."""
    queues = build_queues(s)
    problems: list[Problem] = []
    for i, z in enumerate(s.zones):
        if z.serves is not None and z.serves != "all":
            for k, sel in enumerate(z.serves):
                try:
                    resolve_selectors(s, queues, [sel])
                except ValueError as exc:
                    problems.append((f"zones[{i}].serves[{k}]", str(exc)))
    if problems:
        return problems
    serves = zone_serves(s, queues)
    served = set().union(*serves) if serves else set()
    for q, spec in enumerate(queues):
        if q in served:
            continue
        if spec.kind == "service":
            i = spec.service
            what = "booked visitors (appointments.mode: reserved needs a zone whose serves lists " \
                   f"{s.services[i].id}.booked)" if spec.label.endswith(".booked") else "this service"
            problems.append((f"services[{i}].zone", f"no zone with windows serves {what}"))
        elif spec.kind == "bundle":
            problems.append((f"bundles[{spec.bundle}].window_zone", "zone has no windows"))
    return problems


def check_scenario(s: Scenario) -> list[Problem]:
    """Every cross-field problem as ``(field path, message)``; empty when the scenario is sound.

    In stages, each only when the one before found nothing (later checks rely on it):
    the opening hours and the grid; ids, references to zones and the grid lengths; the
    mechanics' own checks and the channel shares; finally the topology (``serves``
    selectors, every queue served).
    """
    open_m, close_m = s.open_minute, s.close_minute
    if close_m <= open_m:
        return [("hours.close", f"must be after open ({s.hours.open}), got {s.hours.close!r}")]
    span = close_m - open_m
    if span % s.period_minutes:
        return [("period_minutes", f"must divide the opening hours ({span} min) into whole periods, got {s.period_minutes}")]

    problems = _duplicates(s.zone_ids, "zones") + _duplicates(s.service_ids, "services") + _check_grid(s)
    zone_ids = set(s.zone_ids)
    for i, svc in enumerate(s.services):
        if svc.zone not in zone_ids:
            problems.append((f"services[{i}].zone", f"unknown zone {svc.zone!r}; known zones: {', '.join(s.zone_ids)}"))
        problems += arrival_problems(s, svc.arrivals, f"services[{i}].arrivals")
    if problems:
        return problems
    problems = _check_channels(s) + [p for m in MECHANICS for p in m.check(s)]
    return problems or _check_served(s)
