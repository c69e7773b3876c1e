"""From the program's counts to named people: each person's lunch start and zone per period.

The program decides per person which shift they work each day, but only counts
per skill group for lunch starts and zones. Here the counts are handed out:
lunch starts in id order (rotated from day to day), and zones so that the group's
people change zone as few times as the counts allow. A *switch* is a person at a
different zone from the one they were at last that day (after a lunch too); the
hand-out finds the fewest switches over the whole day exactly, by dynamic programming
over who is where (ties: the fewest periods away from the home zone, then the
lowest ids), for groups of up to :data:`EXACT_STATES` arrangements; larger groups
are handed out greedily period by period (people on duty a period ago stay where they
were, then those back from lunch go back where they were, then home, then where most
places remain). Everyone on duty ends up at exactly one zone per
period, so a multi-skilled person is never at two zones at once.
"""

from __future__ import annotations

from itertools import product

import pandas as pd

from optimize import format_clock
from rosters.model import Solution
from rosters.problem import WeekProblem

__all__ = ["STINT_COLUMNS", "disaggregate"]

STINT_COLUMNS = ["person", "date", "shift", "zone", "start", "end"]
SHIFT_COLUMNS = ["date", "weekday", "person", "name", "home", "post", "role", "shift", "start", "end",
                 "lunch_start", "lunch_end", "paid_hours", "zones", "switches"]
EXACT_STATES = 729
"""Largest (zones + 1) ** people of a group-day handed out exactly; above it, greedily."""


def switches(zones: list[str | None]) -> int:
    """Times a person's zone changes within a day (periods off duty skipped)."""
    seen = [z for z in zones if z is not None]
    return sum(1 for a, b in zip(seen, seen[1:]) if a != b)


def _greedy(members: list[str], coverage: dict, zones: list[str], quota_at, home: dict, n: int) -> dict:
    where: dict[str, list[str | None]] = {pid: [None] * n for pid in members}
    last: dict[str, str | None] = {pid: None for pid in members}
    for t in range(n):
        quota = dict(quota_at(t))
        # those on duty a period ago keep their places first, then those back from lunch, then newcomers
        duty = sorted((pid for pid in members if coverage[pid][t]),
                      key=lambda pid: (not (t and coverage[pid][t - 1]), last[pid] is None))
        todo = []
        for pid in duty:
            z = last[pid]
            if z is not None and quota.get(z, 0) > 0:
                where[pid][t] = z
                quota[z] -= 1
            else:
                todo.append(pid)
        for pid in todo:
            z = home[pid] if quota.get(home[pid], 0) > 0 else max(quota, key=lambda q: quota[q])
            where[pid][t] = z
            quota[z] -= 1
        for pid in duty:
            last[pid] = where[pid][t]
    return where


def _fewest_switches(members: list[str], coverage: dict, zones: list[str], quota_at, home: dict, n: int) -> dict:
    """Zones per period for *members* meeting the counts exactly with the fewest switches.

    State: each member's last zone (-1 before their first period). Cost: switches, then
    periods away from home; the first state reached keeps a tie (members in id order).
    """
    k = len(zones)
    big = len(members) * n + 1
    homes = [zones.index(home[pid]) if home[pid] in zones else -1 for pid in members]
    layers: list[dict] = []
    best: dict[tuple, int] = {(-1,) * len(members): 0}
    for t in range(n):
        duty = [m for m, pid in enumerate(members) if coverage[pid][t]]
        quota = [quota_at(t).get(z, 0) for z in zones]
        moves = [a for a in product(range(k), repeat=len(duty))
                 if all(a.count(zi) == quota[zi] for zi in range(k))]
        nxt: dict[tuple, int] = {}
        back: dict[tuple, tuple] = {}
        for state, cost in best.items():
            for move in moves:
                new, c = list(state), cost
                for m, zi in zip(duty, move):
                    if state[m] not in (-1, zi):
                        c += big
                    if zi != homes[m]:
                        c += 1
                    new[m] = zi
                key = tuple(new)
                if key not in nxt or c < nxt[key]:
                    nxt[key], back[key] = c, (state, move, duty)
        best = nxt
        layers.append(back)
    state = min(best, key=lambda s: best[s])
    where: dict[str, list[str | None]] = {pid: [None] * n for pid in members}
    for t in range(n - 1, -1, -1):
        prev, move, duty = layers[t][state]
        for m, zi in zip(duty, move):
            where[members[m]][t] = zones[zi]
        state = prev
    return where


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
            zones_today = [z for z, _ in key if z in d.zones]
            if len(zones_today) == 1:
                where = {pid: [zones_today[0] if c else None for c in coverage[pid]] for pid in members}
            else:
                def quota_at(t, key=key, d=d, zones_today=zones_today):
                    return {z: solution.placed.get((key, d.date, z, t), 0) for z in zones_today}

                for t in range(d.n):
                    if sum(quota_at(t).values()) != sum(1 for pid in members if coverage[pid][t]):
                        raise RuntimeError(f"zone counts at {d.grid.labels[t]} on {d.date} do not match the "
                                           "people on duty")
                homes = {pid: people[pid].home for pid in members}
                exact = (len(zones_today) + 1) ** len(members) <= EXACT_STATES
                where = (_fewest_switches if exact else _greedy)(members, coverage, zones_today, quota_at, homes, d.n)
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
                    "zones": "; ".join(f"{z} {format_clock(a)}-{format_clock(b)}" for z, a, b in runs),
                    "switches": switches(where[pid])})
                stint_rows += [{"person": pid, "date": d.date.isoformat(), "shift": sid, "zone": z, "start": a,
                                "end": b} for z, a, b in runs]
    shifts = pd.DataFrame(shift_rows, columns=SHIFT_COLUMNS).sort_values(["date", "home", "person"],
                                                                         ignore_index=True)
    stints = pd.DataFrame(stint_rows, columns=STINT_COLUMNS)
    return shifts, stints
