"""Staffing as timed events: from counts per period, or from people with shifts."""

from __future__ import annotations

import math

import numpy as np

from ..clock import parse_clock
from ..scenario import Scenario


def lunch_starts(earliest: int, latest: int, count: int) -> list[float]:
    """Staggered lunch starts for *count* people, evenly over [earliest, latest] (minutes)."""
    if count == 1:
        return [float(earliest)]
    return [earliest + (latest - earliest) * k / (count - 1) for k in range(count)]


def people_intervals(s: Scenario) -> list[tuple[float, float, int, str]]:
    """Every working interval ``(start, end, zone index, person label)`` of the people."""
    zindex = {z.id: i for i, z in enumerate(s.zones)}
    out = []
    for group in s.people or []:
        start, end = parse_clock(group.start), parse_clock(group.end)
        home = zindex[group.zones[0]]
        if group.lunch is None:
            breaks = [None] * group.count
        else:
            lo, hi = parse_clock(group.lunch.earliest), parse_clock(group.lunch.latest)
            breaks = lunch_starts(lo, hi, group.count)
        for k in range(group.count):
            label = f"{group.id}#{k + 1}"
            b = breaks[k]
            if b is None:
                out.append((float(start), float(end), home, label))
            else:
                out.append((float(start), b, home, label))
                out.append((b + group.lunch.minutes, float(end), home, label))
    return out


def staff_events(s: Scenario) -> list[tuple[float, int, int]]:
    """Sorted ``(time, zone, staff level)`` changes during opening hours (first at opening)."""
    open_m, close_m, period = s.open_minute, s.close_minute, s.period_minutes
    events: list[tuple[float, int, int]] = []
    if s.people is None:
        for z, zone in enumerate(s.zones):
            level = None
            for k, staff in enumerate(s.staff_per_period(zone.id)):
                if staff != level:
                    events.append((float(open_m + k * period), z, int(staff)))
                    level = staff
    else:
        deltas: dict[tuple[float, int], int] = {}
        for start, end, z, _ in people_intervals(s):
            a, b = max(start, open_m), min(end, close_m)
            if b <= a:
                continue
            deltas[(a, z)] = deltas.get((a, z), 0) + 1
            deltas[(b, z)] = deltas.get((b, z), 0) - 1
        levels = [0] * len(s.zones)
        for z in range(len(s.zones)):
            events.append((float(open_m), z, 0))
        for (t, z), d in sorted(deltas.items()):
            levels[z] += d
            if t < close_m:
                events.append((t, z, levels[z]))
    events.sort(key=lambda e: (e[0], e[1]))
    return [e for e in events if e[0] < close_m]


def level_at(events: list[tuple[float, int, int]], n_zones: int, t: float) -> list[int]:
    """Staff level of every zone just after time *t*."""
    levels = [0] * n_zones
    for time, z, level in events:
        if time > t:
            break
        levels[z] = level
    return levels


def people_staff_per_period(s: Scenario) -> dict[str, list[float]]:
    """Time-average staff per zone and period when people with shifts staff the hall."""
    n = s.n_periods
    edges = s.open_minute + s.period_minutes * np.arange(n + 1)
    out = {z.id: np.zeros(n) for z in s.zones}
    for start, end, z, _ in people_intervals(s):
        overlap = np.clip(np.minimum(edges[1:], end) - np.maximum(edges[:-1], start), 0, None)
        out[s.zones[z].id] += overlap / s.period_minutes
    return {k: [round(float(x), 6) for x in v] for k, v in out.items()}


def max_concurrent(s: Scenario) -> dict[int, tuple[int, float]]:
    """Per zone, the most people working at once and the first time that happens."""
    events = staff_events(s)
    best: dict[int, tuple[int, float]] = {}
    for t, z, level in events:
        if level > best.get(z, (-math.inf, 0))[0]:
            best[z] = (level, t)
    return best
