"""Which zones a layout search may pool, and in which groups.

A zone may pool when it is an ordinary departmental zone: it has windows, serves only its own
services (no ``serves``), no other zone's windows serve it, and it is not a device or desk zone
(kiosks, the guide desk) or the bundle windows. Zones pool only within a group: by service
``category`` (the seeds' rule: real estate, social security, tax, housing fund each with its own
pool), by ``floor`` (a comprehensive area is one place), ``all`` together, or groups the planner
names. Every other zone stays as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["POOL_BY", "bell_number", "pooling_groups", "fixed_zones"]

POOL_BY = ("category", "floor", "all", "none")


def _device_zones(scenario) -> set[str]:
    zones = {s.kiosk.zone for s in scenario.services if s.kiosk is not None}
    if scenario.guide_desk is not None:
        zones.add(scenario.guide_desk.zone)
    zones |= {b.window_zone for b in scenario.bundles if b.window_zone is not None}
    return zones


def fixed_zones(scenario) -> dict[str, str]:
    """Zones that may not pool, by zone id, each with the reason (text)."""
    from sim.topology import hall_topology

    served = {z for z, servers in hall_topology(scenario).zone_servers().items() if servers}
    devices = _device_zones(scenario)
    homes = {s.zone for s in scenario.services}
    out = {}
    for z in scenario.zones:
        if z.id in devices:
            out[z.id] = "kiosks, guide desk or bundle windows"
        elif z.serves is not None:
            out[z.id] = "already comprehensive windows (serves)"
        elif z.id in served:
            out[z.id] = "already served by comprehensive windows"
        elif z.windows == 0:
            out[z.id] = "no windows"
        elif z.id not in homes:
            out[z.id] = "no services of its own"
    return out


def pooling_groups(scenario, pool_by: str = "category",
                   groups: Iterable[Sequence[str]] | None = None) -> list[tuple[str, ...]]:
    """The groups of zones that may pool with each other (each of two or more zones).

    *pool_by*: ``category`` (zones whose services share a category; a zone belongs to the category
    most of its services have), ``floor``, ``all`` or ``none``; *groups*, when given, replace it: lists
    of zone ids. Zones that may not pool (:func:`fixed_zones`) are left out.
    Raises ValueError for an unknown *pool_by*, an unknown or fixed zone in *groups*, or a zone in
    two groups.
    """
    fixed = fixed_zones(scenario)
    eligible = [z.id for z in scenario.zones if z.id not in fixed]
    if groups is not None:
        known, seen = set(scenario.zone_ids), dict[str, int]()
        out = []
        for k, group in enumerate(groups):
            group = tuple(group)
            for z in group:
                if z not in known:
                    raise ValueError(f"pool group {k + 1}: unknown zone {z!r}")
                if z in fixed:
                    raise ValueError(f"pool group {k + 1}: zone {z!r} may not pool ({fixed[z]})")
                if z in seen:
                    raise ValueError(f"zone {z!r} is in pool groups {seen[z] + 1} and {k + 1}")
                seen[z] = k
            if len(group) < 2:
                raise ValueError(f"pool group {k + 1}: a group needs two or more zones, got {list(group)}")
            out.append(group)
        return out
    if pool_by not in POOL_BY:
        raise ValueError(f"pool_by must be one of {', '.join(POOL_BY)}, got {pool_by!r}")
    if pool_by == "none":
        return []
    if pool_by == "all":
        return [tuple(eligible)] if len(eligible) >= 2 else []
    keyed: dict[object, list[str]] = {}
    for z in eligible:
        keyed.setdefault(_category(scenario, z) if pool_by == "category" else scenario.zone(z).floor, []).append(z)
    return [tuple(g) for key, g in keyed.items() if key is not None and len(g) >= 2]


def _category(scenario, zone_id: str):
    weight: dict[str, float] = {}
    for s in scenario.services:
        if s.zone == zone_id and s.category is not None:
            weight[s.category] = weight.get(s.category, 0.0) + 1.0
    return max(weight, key=lambda c: weight[c]) if weight else None


def bell_number(n: int) -> int:
    """How many ways *n* zones can be split into pools (the Bell number)."""
    row = [1]
    for _ in range(n):
        nxt = [row[-1]]
        for v in row:
            nxt.append(nxt[-1] + v)
        row = nxt
    return row[0]
