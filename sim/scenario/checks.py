"""Checks that span fields of a parsed scenario: ids, references, the period grid."""

from __future__ import annotations

from ..clock import format_clock, parse_clock
from .schema import CLASSES, Scenario


def _duplicates(ids: list[str], section: str) -> list[tuple[str, str]]:
    first: dict[str, int] = {}
    problems = []
    for i, ident in enumerate(ids):
        if ident in first:
            problems.append((f"{section}[{i}].id", f"duplicate id {ident!r} (also {section}[{first[ident]}])"))
        else:
            first[ident] = i
    return problems


def _check_arrivals(s: Scenario, a, path: str) -> list[tuple[str, str]]:
    n = s.n_periods
    if isinstance(a.profile, str):
        if a.profile not in s.profiles:
            known = ", ".join(s.profiles) or "none defined"
            return [(f"{path}.profile", f"unknown profile {a.profile!r}; known profiles: {known}")]
        return []
    problems = []
    for field in ("rates_per_hour", "profile"):
        values = getattr(a, field)
        if values is not None and len(values) != n:
            problems.append((f"{path}.{field}", f"needs one value per period ({n} periods of {s.period_minutes} min), got {len(values)}"))
    return problems


def _check_staffing_source(s: Scenario) -> list[tuple[str, str]]:
    problems = []
    for i, z in enumerate(s.zones):
        if s.people is None and z.staff is None:
            problems.append((f"zones[{i}].staff", "required field missing (or give `people` with shifts)"))
        if s.people is not None and z.staff is not None:
            problems.append((f"zones[{i}].staff", "give staff per zone or `people` with shifts, not both"))
    return problems


def _zone_ref(s: Scenario, path: str, zone_id: str, need_windows: bool = True) -> list[tuple[str, str]]:
    ids = s.zone_ids
    if zone_id not in ids:
        return [(path, f"unknown zone {zone_id!r}; known zones: {', '.join(ids)}")]
    if need_windows and s.zone(zone_id).windows == 0:
        return [(path, f"zone {zone_id!r} has no windows")]
    return []


def _check_mechanics(s: Scenario) -> list[tuple[str, str]]:
    # Imported here: the model package imports the scenario package at load time.
    from ..model.queues import build_queues, resolve_selectors

    problems: list[tuple[str, str]] = []
    service_ids = set(s.service_ids)
    for i, svc in enumerate(s.services):
        kiosk = svc.kiosk.share if svc.kiosk else 0.0
        appt = svc.appointments.share if svc.appointments else 0.0
        if svc.online_share + kiosk + appt > 1 + 1e-9:
            problems.append((f"services[{i}]", f"online_share + kiosk.share + appointments.share must be <= 1, "
                                                f"got {svc.online_share + kiosk + appt:g}"))
        if svc.kiosk is not None:
            problems += _zone_ref(s, f"services[{i}].kiosk.zone", svc.kiosk.zone)
        if svc.back_office is not None and svc.back_office.pickup_zone is not None:
            problems += _zone_ref(s, f"services[{i}].back_office.pickup_zone", svc.back_office.pickup_zone)
    bundle_ids: dict[str, int] = {}
    for b, bundle in enumerate(s.bundles):
        if bundle.id in bundle_ids:
            problems.append((f"bundles[{b}].id", f"duplicate id {bundle.id!r} (also bundles[{bundle_ids[bundle.id]}])"))
        bundle_ids.setdefault(bundle.id, b)
        for k, sid in enumerate(bundle.services):
            if sid not in service_ids:
                problems.append((f"bundles[{b}].services[{k}]", f"unknown service {sid!r}"))
        if bundle.window_zone is not None:
            problems += _zone_ref(s, f"bundles[{b}].window_zone", bundle.window_zone)
        problems += _check_arrivals(s, bundle.arrivals, f"bundles[{b}].arrivals")
    if s.guide_desk is not None:
        problems += _zone_ref(s, "guide_desk.zone", s.guide_desk.zone)
    if sorted(s.priority_order) != sorted(CLASSES):
        problems.append(("priority_order", f"must list each of {', '.join(CLASSES)} once, got {s.priority_order}"))
    for i, z in enumerate(s.zones):
        for sid in z.speed_by_service:
            if sid not in service_ids:
                problems.append((f"zones[{i}].speed_by_service.{sid}", f"unknown service {sid!r}"))
        if z.reserve is not None:
            if z.reserve.service not in service_ids:
                problems.append((f"zones[{i}].reserve.service", f"unknown service {z.reserve.service!r}"))
            elif z.reserve.windows > z.windows:
                problems.append((f"zones[{i}].reserve.windows", f"exceeds the zone's {z.windows} windows, got {z.reserve.windows}"))
        if z.can_help != "all":
            for k, target in enumerate(z.can_help):
                problems += _zone_ref(s, f"zones[{i}].can_help[{k}]", target, need_windows=False)
    for p, person in enumerate(s.people or []):
        start, end = parse_clock(person.start), parse_clock(person.end)
        if end <= start:
            problems.append((f"people[{p}].end", f"must be after start ({person.start}), got {person.end!r}"))
        for k, zid in enumerate(person.zones):
            problems += _zone_ref(s, f"people[{p}].zones[{k}]", zid)
        if person.lunch is not None:
            lo, hi = parse_clock(person.lunch.earliest), parse_clock(person.lunch.latest)
            if hi < lo:
                problems.append((f"people[{p}].lunch.latest", f"must not be before earliest ({person.lunch.earliest}), got {person.lunch.latest!r}"))
            elif lo < start or hi + person.lunch.minutes > end:
                problems.append((f"people[{p}].lunch", f"must lie within the shift {person.start}-{person.end}, "
                                                       f"got {person.lunch.earliest}-{person.lunch.latest} + {person.lunch.minutes} min"))
    if problems:
        return problems
    queues = build_queues(s)
    for i, z in enumerate(s.zones):
        if z.serves is not None and z.serves != "all":
            for k, sel in enumerate(z.serves):
                try:
                    resolve_selectors(s, queues, [sel])
                except ValueError as exc:
                    problems.append((f"zones[{i}].serves[{k}]", str(exc)))
    if s.people is not None and not problems:
        from ..model.staffing import max_concurrent

        for z, (level, t) in max_concurrent(s).items():
            if level > s.zones[z].windows:
                problems.append(("people", f"{level} people work in zone {s.zones[z].id!r} at {format_clock(t)}, "
                                           f"more than its {s.zones[z].windows} windows"))
    return problems


def _check_served(s: Scenario) -> list[tuple[str, str]]:
    """Every queue needs some zone with windows that serves it."""
    from ..model.queues import build_queues, zone_serves

    queues = build_queues(s)
    serves = zone_serves(s, queues)
    served = set().union(*serves) if serves else set()
    problems = []
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

    problems += _check_staffing_source(s)
    for name, weights in s.profiles.items():
        if len(weights) != n:
            problems.append((f"profiles.{name}", f"needs one value per period ({n} periods of {s.period_minutes} min), got {len(weights)}"))
        elif sum(weights) <= 0:
            problems.append((f"profiles.{name}", "must have a positive sum"))
    for i, z in enumerate(s.zones):
        if z.staff is None:
            continue
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
        problems += _check_arrivals(s, svc.arrivals, f"services[{i}].arrivals")
    if problems:
        return problems
    problems += _check_mechanics(s)
    if not problems:
        problems += _check_served(s)
    return problems
