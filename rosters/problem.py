"""The data of a weekly rostering problem: open days, shifts per day, requirements, people.

Everything the integer program needs, normalised to plain Python: for each open
day its period grid, the shift patterns that fit inside its opening hours and
their lunch variants (``optimize.ShiftPattern.variants``), the requirement per
zone and period (capped at the zone's windows, the caps recorded), the windows,
and which people may work which shift on which day. Times in minutes since
midnight; hours are paid hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from optimize import PeriodGrid, ShiftPattern, ShiftSpec, ShiftVariant, analytic_requirements, format_clock
from rosters.calendar import Calendar, Day
from rosters.staff import StaffMember, post_zone

__all__ = ["DayData", "Weights", "WeekProblem", "build_problem", "late_patterns", "week_requirements"]


@dataclass(frozen=True)
class Weights:
    """Objective weights, in paid-hour equivalents.

    *shortfall* per missing person-period of a requirement, *post* per day an AB
    post has nobody of its own on duty, *min_hours* per hour below a contract's
    minimum, *weekend* and *late* times (k - 1) for a person's k-th weekend day (late
    shift) in the horizon (a convex charge: spreads them evenly), *preference* per day worked
    that a person prefers off, *speed* per person-period times (speed factor - 1)
    (prefers the faster person), *switch* per time a person changes zone within a day,
    charged by the zone polish after the tour program (:mod:`rosters.polish`; 0: no
    polish, moves are free).
    """

    shortfall: float = 100.0
    post: float = 300.0
    min_hours: float = 20.0
    weekend: float = 1.0
    late: float = 0.5
    preference: float = 0.5
    speed: float = 0.05
    switch: float = 0.1


@dataclass(frozen=True)
class DayData:
    """One open day: *patterns* that fit its hours, their *variants*, requirements and windows."""

    day: Day
    grid: PeriodGrid
    patterns: tuple[ShiftPattern, ...]
    variants: Mapping[str, tuple[ShiftVariant, ...]]
    zones: tuple[str, ...]
    required: Mapping[str, tuple[int, ...]]
    windows: Mapping[str, int]
    open_zones: frozenset[str]
    late: frozenset[str]

    @property
    def date(self) -> dt.date:
        return self.day.date

    @property
    def n(self) -> int:
        return self.grid.n_periods


@dataclass(frozen=True)
class WeekProblem:
    """The rostering problem: *days* (open ones), *staff*, AB *posts* and the *capped* requirements."""

    calendar: Calendar
    staff: tuple[StaffMember, ...]
    shifts: ShiftSpec
    days: tuple[DayData, ...]
    posts: Mapping[str, tuple[StaffMember, ...]]
    capped: tuple[tuple[dt.date, str, str, int, int], ...] = ()
    weights: Weights = field(default_factory=Weights)

    def day(self, date: dt.date) -> DayData:
        for d in self.days:
            if d.date == date:
                return d
        raise KeyError(date)

    def shifts_for(self, person: StaffMember, d: DayData) -> list[ShiftPattern]:
        """Patterns *person* may work on day *d* (none when on leave or unavailable)."""
        if not person.can_work(d.date) or not any(z in d.zones for z in person.zones):
            return []
        return [p for p in d.patterns if person.allows(p.id)]


def late_patterns(patterns: Sequence[ShiftPattern], grid: PeriodGrid) -> frozenset[str]:
    """Default late shifts of a day: those ending at closing that do not start at opening."""
    return frozenset(p.id for p in patterns if p.end >= grid.close_minute and p.start > grid.open_minute)


def week_requirements(calendar: Calendar, targets, method: str = "sipp") -> dict[dt.date, pd.DataFrame]:
    """Staff needed per zone and period on each open day, by ``optimize.analytic_requirements``
    (computed once per day type)."""
    by_kind: dict[str, pd.DataFrame] = {}
    for d in calendar.open_days:
        if d.kind not in by_kind:
            by_kind[d.kind] = analytic_requirements(d.scenario, targets, method)
    return {d.date: by_kind[d.kind].copy() for d in calendar.open_days}


def build_problem(calendar: Calendar, staff: Sequence[StaffMember], shifts: ShiftSpec,
                  requirements: Mapping[dt.date, pd.DataFrame], *, min_staff: int | None = None,
                  late_shifts: Sequence[str] | None = None, weights: Weights | None = None) -> WeekProblem:
    """Normalise the inputs; *requirements* maps each open date to a DataFrame zone x period.

    Requirements above a zone's windows are capped at the windows (listed in
    ``capped``); *min_staff* (default the shift file's) applies in every period of
    a zone that has demand that day. Raises ValueError for requirements that do
    not match a day's zones or periods, or a day no shift fits.
    """
    min_staff = shifts.min_staff if min_staff is None else int(min_staff)
    days, capped = [], []
    for day in calendar.open_days:
        s, grid = day.scenario, day.grid
        assert s is not None and grid is not None  # an open day has both
        if day.date not in requirements:
            raise ValueError(f"no requirements for open day {day.label}")
        frame = requirements[day.date]
        zones = tuple(s.zone_ids)
        unknown = sorted(set(map(str, frame.index)) - set(zones))
        if unknown:
            raise ValueError(f"requirements for {day.label} name zones the day does not have: {unknown}")
        if frame.shape[1] != grid.n_periods:
            raise ValueError(f"requirements for {day.label} have {frame.shape[1]} periods, the day "
                             f"{format_clock(grid.open_minute)}-{format_clock(grid.close_minute)} has {grid.n_periods}")
        windows = {z.id: int(z.windows) for z in s.zones}
        required, open_zones = {}, set()
        for z in zones:
            row = [int(v) for v in frame.loc[z]] if z in frame.index else [0] * grid.n_periods
            if any(row):
                open_zones.add(z)
                row = [max(r, min_staff) for r in row]
            out = []
            for t, r in enumerate(row):
                if r > windows[z]:
                    capped.append((day.date, z, grid.labels[t], r, windows[z]))
                    r = windows[z]
                out.append(r)
            required[z] = tuple(out)
        patterns = tuple(p for p in shifts.patterns if p.start >= grid.open_minute and p.end <= grid.close_minute)
        variants = {p.id: tuple(v for v in p.variants(grid) if any(v.coverage)) for p in patterns}
        patterns = tuple(p for p in patterns if variants[p.id])
        if not patterns and open_zones:
            raise ValueError(f"no shift of the shift file fits inside {day.label}'s hours "
                             f"{format_clock(grid.open_minute)}-{format_clock(grid.close_minute)}")
        late = frozenset(late_shifts) if late_shifts is not None else late_patterns(patterns, grid)
        days.append(DayData(day, grid, patterns, {k: variants[k] for k in (p.id for p in patterns)}, zones,
                            required, windows, frozenset(open_zones), late))
    posts: dict[str, list[StaffMember]] = {}
    for p in staff:
        if p.post:
            posts.setdefault(p.post, []).append(p)
    return WeekProblem(calendar, tuple(staff), shifts, tuple(days), {k: tuple(v) for k, v in posts.items()},
                       tuple(capped), weights or Weights())


def post_zones(problem: WeekProblem) -> dict[str, str]:
    """The zone of every AB post."""
    return {post: post_zone(members) for post, members in problem.posts.items()}
