"""From the program's counts to named people: each person's lunch start and zone per period.

The program decides per person which shift they work each day, but only counts
per skill group for lunch starts and zones. Here the counts are handed out:
lunch starts in id order (rotated from day to day), and zones period by period, keeping a person where
they were (fewest moves), else at their home zone, else where most places
remain. Everyone on duty ends up at exactly one zone per period, so a
multi-skilled person is never at two zones at once.
"""

from __future__ import annotations

import pandas as pd

from optimize import format_clock
from rosters.model import Solution
from rosters.problem import WeekProblem

__all__ = ["STINT_COLUMNS", "disaggregate"]

STINT_COLUMNS = ["person", "date", "shift", "zone", "start", "end"]
SHIFT_COLUMNS = ["date", "weekday", "person", "name", "home", "post", "role", "shift", "start", "end",
                 "lunch_start", "lunch_end", "paid_hours", "zones"]


def _runs(zones: list[str | None], starts: tuple[int, ...], period: int) -> list[tuple[str, int, int]]:
    """Consecutive periods at the same zone as (zone, start minute, end minute)."""
    out: list[list] = []
    for t, z in enumerate(zones):
        if z is None:
            continue
        a = starts[t]
        if out and out[-1][0] == z and out[-1][2] == a:
            out[-1][2] = a + period
        else:
            out.append([z, a, a + period])
    return [tuple(r) for r in out]


def disaggregate(problem: WeekProblem, solution: Solution) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per person-day shifts and per person stints at zones.

    Returns (*shifts*, *stints*): *shifts* has one row per person and day worked
    (columns ``SHIFT_COLUMNS``; clock times as ``HH:MM``, *zones* such as
    ``tax 08:30-12:00; comprehensive 13:00-17:30``); *stints* one row per person,
    day and uninterrupted spell at one zone (``STINT_COLUMNS``, minutes since midnight).
    """
    people = {p.id: p for p in problem.staff}
    by_group_day: dict[tuple, list[str]] = {}
    for (pid, date) in solution.works:
        by_group_day.setdefault((people[pid].skills, date), []).append(pid)
    shift_rows, stint_rows = [], []
    for d in problem.days:
        starts, period = d.grid.starts, d.grid.period_minutes
        patterns = {p.id: p for p in d.patterns}
        for key in dict.fromkeys(p.skills for p in problem.staff):
            members = sorted(by_group_day.get((key, d.date), []))
            if not members:
                continue
            coverage: dict[str, tuple[int, ...]] = {}
            lunch_of: dict[str, int | None] = {}
            for sid in patterns:
                on_shift = [pid for pid in members if solution.works[pid, d.date] == sid]
                if on_shift:   # rotate from day to day, so the same person is not always first to lunch
                    r = d.date.toordinal() % len(on_shift)
                    on_shift = on_shift[r:] + on_shift[:r]
                k = 0
                for vi, variant in enumerate(d.variants[sid]):
                    for _ in range(solution.lunch.get((key, d.date, sid, vi), 0)):
                        if k < len(on_shift):
                            coverage[on_shift[k]] = variant.coverage
                            lunch_of[on_shift[k]] = variant.lunch_start
                        k += 1
                if k != len(on_shift):
                    raise RuntimeError(f"lunch counts for {sid} on {d.date} do not match the people on it")
            where: dict[str, list[str | None]] = {pid: [None] * d.n for pid in members}
            zones_today = [z for z, _ in key if z in d.zones]
            if len(key) == 1:
                for pid in members:
                    where[pid] = [zones_today[0] if c else None for c in coverage[pid]]
            else:
                last: dict[str, str | None] = {pid: None for pid in members}
                for t in range(d.n):
                    quota = {z: solution.placed.get((key, d.date, z, t), 0) for z in zones_today}
                    duty = [pid for pid in members if coverage[pid][t]]
                    if sum(quota.values()) != len(duty):
                        raise RuntimeError(f"zone counts at {d.grid.labels[t]} on {d.date} do not match the "
                                           "people on duty")
                    todo = []
                    for pid in duty:
                        z = last[pid]
                        if z is not None and quota.get(z, 0) > 0:
                            where[pid][t] = z
                            quota[z] -= 1
                        else:
                            todo.append(pid)
                    for pid in todo:
                        home = people[pid].home
                        z = home if quota.get(home, 0) > 0 else max(quota, key=lambda q: quota[q])
                        where[pid][t] = z
                        quota[z] -= 1
                        last[pid] = z
                    for pid in duty:
                        last[pid] = where[pid][t]
            for pid in members:
                p, sid = people[pid], solution.works[pid, d.date]
                pattern = patterns[sid]
                runs = _runs(where[pid], starts, period)
                lunch = lunch_of[pid]
                shift_rows.append({
                    "date": d.date.isoformat(), "weekday": d.day.label.split()[1], "person": pid, "name": p.name,
                    "home": p.home, "post": p.post or "", "role": p.role or "", "shift": sid,
                    "start": format_clock(pattern.start), "end": format_clock(pattern.end),
                    "lunch_start": "" if lunch is None else format_clock(lunch),
                    "lunch_end": "" if lunch is None or pattern.lunch is None else format_clock(lunch + pattern.lunch.minutes),
                    "paid_hours": pattern.paid_minutes / 60,
                    "zones": "; ".join(f"{z} {format_clock(a)}-{format_clock(b)}" for z, a, b in runs)})
                stint_rows += [{"person": pid, "date": d.date.isoformat(), "shift": sid, "zone": z, "start": a,
                                "end": b} for z, a, b in runs]
    shifts = pd.DataFrame(shift_rows, columns=SHIFT_COLUMNS).sort_values(["date", "home", "person"],
                                                                         ignore_index=True)
    stints = pd.DataFrame(stint_rows, columns=STINT_COLUMNS)
    return shifts, stints
