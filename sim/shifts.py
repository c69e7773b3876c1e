"""Shifts: the one model of a working day shared by the scenario's people and the optimizer's patterns.

A shift works [start, end) with an optional unpaid lunch of *minutes* starting
between *earliest* and *latest* (the latest lunch *start*). Times are minutes since
midnight. ``sim.scenario``'s ``people`` (clock times as written by planners) and
``optimize``'s shift patterns (which add an id and a cost) both describe their days
as a :class:`Shift`; the engine turns a shift and a lunch start into the intervals a
person is on the floor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .clock import format_clock

__all__ = ["Lunch", "Shift", "ShiftError", "staggered_lunch_starts"]


class ShiftError(ValueError):
    """A shift is inconsistent; *field* names the offending field (``lunch.latest``)."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Lunch:
    """An unpaid break of *minutes*, starting in [*earliest*, *latest*] (minutes since midnight)."""

    minutes: int
    earliest: int
    latest: int

    def __post_init__(self):
        if self.minutes <= 0:
            raise ShiftError("lunch.minutes", f"must be > 0, got {self.minutes}")
        if self.latest < self.earliest:
            raise ShiftError("lunch.latest", f"must not be before earliest "
                             f"{format_clock(self.earliest)}, got {format_clock(self.latest)}")


@dataclass(frozen=True)
class Shift:
    """A shift worked [*start*, *end*) (minutes since midnight), with an optional *lunch*.

    Raises :class:`ShiftError` if the times are inconsistent.
    """

    start: int
    end: int
    lunch: Optional[Lunch] = None

    def __post_init__(self):
        if not 0 <= self.start <= 1440:
            raise ShiftError("start", f"must be between 00:00 and 24:00, got {self.start}")
        if not 0 <= self.end <= 1440:
            raise ShiftError("end", f"must be between 00:00 and 24:00, got {self.end}")
        if self.end <= self.start:
            raise ShiftError("end", f"must be after start {format_clock(self.start)}, "
                             f"got {format_clock(self.end)}")
        lunch = self.lunch
        if lunch is not None:
            if lunch.earliest < self.start:
                raise ShiftError("lunch.earliest", f"must not be before the shift start "
                                 f"{format_clock(self.start)}, got {format_clock(lunch.earliest)}")
            if lunch.latest + lunch.minutes > self.end:
                raise ShiftError("lunch.latest", f"a {lunch.minutes}-minute lunch starting at "
                                 f"{format_clock(lunch.latest)} ends after the shift end "
                                 f"{format_clock(self.end)}")

    @property
    def paid_minutes(self) -> int:
        return self.end - self.start - (self.lunch.minutes if self.lunch else 0)

    def working(self, lunch_start: Optional[float] = None) -> list[tuple[float, float]]:
        """The intervals on the floor, given the lunch start (None: no lunch, or not placed)."""
        if self.lunch is None or lunch_start is None:
            return [(float(self.start), float(self.end))]
        return [(float(self.start), float(lunch_start)), (float(lunch_start + self.lunch.minutes), float(self.end))]

    def lunch_starts_on(self, open_minute: int, period_minutes: int) -> tuple[int, ...]:
        """Allowed lunch starts on the boundaries of periods of *period_minutes* from *open_minute*
        (empty without lunch). Raises ShiftError when none falls on the grid."""
        if self.lunch is None:
            return ()
        first = self.lunch.earliest + (-(self.lunch.earliest - open_minute) % period_minutes)
        starts = tuple(range(first, self.lunch.latest + 1, period_minutes))
        if not starts:
            raise ShiftError(
                "lunch", f"no lunch start between {format_clock(self.lunch.earliest)} and "
                f"{format_clock(self.lunch.latest)} is on the {period_minutes}-minute "
                f"grid from {format_clock(open_minute)}")
        return starts

    def coverage(self, period_starts, period_minutes: int, lunch_start: Optional[int] = None) -> tuple[int, ...]:
        """1 for each period worked whole (a lunch that touches a period takes it off the floor)."""
        out = []
        for a in period_starts:
            b = a + period_minutes
            works = self.start <= a and b <= self.end
            if works and lunch_start is not None and self.lunch is not None:
                works = b <= lunch_start or a >= lunch_start + self.lunch.minutes
            out.append(int(works))
        return tuple(out)


def staggered_lunch_starts(lunch: Lunch, count: int) -> list[float]:
    """Lunch starts of *count* people on one shift, evenly over [earliest, latest] ("no closing at noon")."""
    if count == 1:
        return [float(lunch.earliest)]
    return [lunch.earliest + (lunch.latest - lunch.earliest) * k / (count - 1) for k in range(count)]
