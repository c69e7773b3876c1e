"""People with shifts and staggered lunches staff the hall instead of counts per period.

Schema: ``people`` (:class:`Person` groups). Each group's day is a
:class:`sim.shifts.Shift`; lunches of a group are staggered evenly over the allowed
window ("no closing at noon"), or fixed where ``earliest == latest`` (a roster's
placement). A person works in the first of their *zones*.

Speed: a group's *speed* multiplies the service time of every visit started at its
zone while it is on duty there. Windows are not tied to people, so a service started at
a zone takes the zone's *people factor* at that moment: the harmonic mean
``n / sum(1 / speed_i)`` of the speeds of the n people of ``people`` on duty there (the
factor of a single person on duty is exactly their speed; n people of speeds s_i serve
as many visits per minute as n people of that one factor, so the capacity is right).
The factor changes exactly when someone comes or goes (a shift start or end, a lunch);
a service keeps the factor it started with. While nobody of ``people`` is on duty at a
zone the factor last in force stays (1 before anyone came): staff moved in on alarm and
the overtime after closing serve at it. It multiplies the zone's ``speed`` (or
``speed_by_service``). Zones that keep ``staff`` have factor 1.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Optional

import numpy as np
from pydantic import Field

from ..clock import format_clock, parse_clock
from ..fields import Clock, Frozen, Id
from ..shifts import Lunch as ShiftLunch
from ..shifts import Shift, staggered_lunch_starts
from .base import Mechanic, Problem, zone_ref

if TYPE_CHECKING:  # pragma: no cover
    from sim.scenario.schema import Scenario


class Lunch(Frozen):
    """A lunch break of *minutes*, starting between *earliest* and *latest* (clock times)."""

    minutes: Annotated[int, Field(gt=0, strict=True)]
    earliest: Clock
    latest: Clock


MAX_SPEED = 10.0
"""Largest service-time factor of a person (10 = ten times slower): above it surely a typo."""


class Person(Frozen):
    """*count* people on one shift, working in the first of *zones* (the others are skills for moves).

    Lunches of a group are staggered evenly over the allowed window ("no closing at noon").
    Zones that keep ``staff`` are staffed by their counts; the others by the people.
    *speed* multiplies their service times at that zone: a service started there takes the
    harmonic mean of the speeds of the people on duty at that moment.
    """

    id: Id
    count: Annotated[int, Field(ge=1, strict=True)] = 1
    start: Clock
    end: Clock
    lunch: Optional[Lunch] = None
    zones: Annotated[list[Id], Field(min_length=1)]
    speed: Annotated[float, Field(gt=0, le=MAX_SPEED)] = Field(
        default=1.0, description="service-time multiplier of these people at the zone they work in "
                                 "(1.2 = 20% slower); the zone's people factor is the harmonic mean of those on duty")

    @property
    def shift(self) -> Shift:
        """This group's day as a Shift (minutes); raises ShiftError if inconsistent."""
        lunch = None
        if self.lunch is not None:
            lunch = ShiftLunch(self.lunch.minutes, parse_clock(self.lunch.earliest), parse_clock(self.lunch.latest))
        return Shift(parse_clock(self.start), parse_clock(self.end), lunch)


def people_intervals(s: Scenario) -> list[tuple[float, float, int, str, float]]:
    """Every working interval ``(start, end, zone index, person label, speed)`` of the people."""
    zindex = {z.id: i for i, z in enumerate(s.zones)}
    out = []
    for group in s.people or []:
        shift = group.shift
        home = zindex[group.zones[0]]
        breaks = [None] * group.count if shift.lunch is None else staggered_lunch_starts(shift.lunch, group.count)
        for k in range(group.count):
            label = f"{group.id}#{k + 1}"
            out += [(a, b, home, label, group.speed) for a, b in shift.working(breaks[k])]
    return out


def people_factor(on_duty: dict[float, int]) -> float:
    """The service-time factor of people on duty (*on_duty*: speed -> how many): the harmonic
    mean of their speeds, so that they serve as many visits a minute as the same number of
    people of that one factor. Exact sums in a fixed order: the same people, the same factor."""
    n = sum(on_duty.values())
    return n / sum(k / speed for speed, k in sorted(on_duty.items()))


def people_events(s: Scenario) -> list[tuple[float, int, int, float]]:
    """``(time, zone, staff level, people factor)`` changes from the people's intervals during
    opening hours, every zone starting at level 0 and factor 1 at opening. The factor is
    :func:`people_factor` of those on duty, or the one last in force while nobody is."""
    open_m, close_m = s.open_minute, s.close_minute
    deltas: dict[tuple[float, int], dict[float, int]] = {}
    for start, end, z, _, speed in people_intervals(s):
        a, b = max(start, open_m), min(end, close_m)
        if b <= a:
            continue
        for t, d in ((a, 1), (b, -1)):
            change = deltas.setdefault((t, z), {})
            change[speed] = change.get(speed, 0) + d
    on_duty: list[dict[float, int]] = [{} for _ in s.zones]
    factors = [1.0] * len(s.zones)
    events = [(float(open_m), z, 0, 1.0) for z in range(len(s.zones))]
    for (t, z), change in sorted(deltas.items()):
        here = on_duty[z]
        for speed, d in change.items():
            here[speed] = here.get(speed, 0) + d
            if not here[speed]:
                del here[speed]
        if here:
            factors[z] = people_factor(here)
        if t < close_m:
            events.append((t, z, sum(here.values()), factors[z]))
    return events


def people_staff_per_period(s: Scenario) -> dict[str, list[float]]:
    """Time-average staff per zone and period when people with shifts staff the hall."""
    n = s.n_periods
    edges = s.open_minute + s.period_minutes * np.arange(n + 1)
    out = {z.id: np.zeros(n) for z in s.zones}
    for start, end, z, _, _ in people_intervals(s):
        overlap = np.clip(np.minimum(edges[1:], end) - np.maximum(edges[:-1], start), 0, None)
        out[s.zones[z].id] += overlap / s.period_minutes
    return {k: [round(float(x), 6) for x in v] for k, v in out.items()}


def max_concurrent(s: Scenario) -> dict[int, tuple[int, float]]:
    """Per zone, the most people working at once and the first time that happens."""
    best: dict[int, tuple[int, float]] = {}
    for t, z, level, _ in sorted(people_events(s), key=lambda e: (e[0], e[1])):
        if level > best.get(z, (-math.inf, 0))[0]:
            best[z] = (level, t)
    return best


class People(Mechanic):
    name = "people"

    def check(self, s: Scenario) -> list[Problem]:
        problems: list[Problem] = []
        working = {p.zones[0]: k for k, p in enumerate(s.people or [])}  # the zone each group works in
        for i, z in enumerate(s.zones):
            if s.people is None and z.staff is None:
                problems.append((f"zones[{i}].staff", "required field missing (or give `people` with shifts)"))
            if z.staff is not None and z.id in working:
                problems.append((f"zones[{i}].staff", f"give staff per zone or `people` with shifts, not both: "
                                                      f"people[{working[z.id]}] works here (remove this zone's "
                                                      "staff to staff it by people; zones without people keep "
                                                      "their staff)"))
        for p, person in enumerate(s.people or []):
            for k, zid in enumerate(person.zones):
                problems += zone_ref(s, f"people[{p}].zones[{k}]", zid)
            start, end = parse_clock(person.start), parse_clock(person.end)
            if end <= start:
                problems.append((f"people[{p}].end", f"must be after start ({person.start}), got {person.end!r}"))
            elif person.lunch is not None:
                lo, hi = parse_clock(person.lunch.earliest), parse_clock(person.lunch.latest)
                if hi < lo:
                    problems.append((f"people[{p}].lunch.latest",
                                     f"must not be before earliest ({person.lunch.earliest}), got {person.lunch.latest!r}"))
                elif lo < start or hi + person.lunch.minutes > end:
                    problems.append((f"people[{p}].lunch", f"must lie within the shift {person.start}-{person.end}, "
                                                           f"got {person.lunch.earliest}-{person.lunch.latest} + {person.lunch.minutes} min"))
        if problems or s.people is None:
            return problems
        for zi, (level, t) in max_concurrent(s).items():
            zone = s.zones[zi]
            if level > zone.windows:
                problems.append(("people", f"{level} people work in zone {zone.id!r} at {format_clock(t)}, "
                                           f"more than its {zone.windows} windows"))
        return problems


MECHANIC = People()
