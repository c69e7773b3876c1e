"""Shift patterns, their lunch variants and multi-skilled pools (data only).

A pattern is a :class:`sim.shifts.Shift` (the model the scenario's people use too)
with an id and a cost: it works [start, end) with an optional unpaid lunch of
*minutes* starting between *earliest* and *latest* (the latest lunch *start*).
Against a period grid a pattern expands into variants, one per allowed lunch start
on a period boundary; the roster model picks among them. A person counts as on duty
in a period only when working the whole period, so a 45-minute lunch on a
30-minute grid takes two periods off the floor. Times in minutes since midnight.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimize.periods import PeriodGrid, format_clock
from sim.shifts import Lunch, Shift, ShiftError

__all__ = ["Lunch", "Pool", "ShiftPattern", "ShiftSpec", "ShiftVariant"]


@dataclass(frozen=True)
class ShiftVariant:
    """One pattern with its lunch start fixed; *coverage*[t] = 1 if on duty in period t."""

    pattern: str
    lunch_start: int | None
    coverage: tuple[int, ...]
    cost: float
    paid_minutes: int

    @property
    def lunch_label(self) -> str:
        """Lunch start as ``"HH:MM"``, or ``""`` for a shift without lunch."""
        return "" if self.lunch_start is None else format_clock(self.lunch_start)


@dataclass(frozen=True)
class ShiftPattern:
    """A shift pattern: a :class:`sim.shifts.Shift` worked [*start*, *end*) (minutes since
    midnight) with an optional lunch, plus an *id* and a *cost*.

    *cost* defaults to the paid hours (shift length minus lunch, in hours).
    Raises :class:`~sim.shifts.ShiftError` if the times are inconsistent.
    """

    id: str
    start: int
    end: int
    lunch: Lunch | None = None
    cost: float | None = None

    def __post_init__(self):
        Shift(self.start, self.end, self.lunch)  # the one set of shift rules
        if self.cost is not None and not self.cost >= 0:
            raise ShiftError("cost", f"must be >= 0, got {self.cost}")

    @property
    def shift(self) -> Shift:
        return Shift(self.start, self.end, self.lunch)

    @property
    def paid_minutes(self) -> int:
        return self.shift.paid_minutes

    @property
    def effective_cost(self) -> float:
        """*cost*, or the paid hours when no cost was given."""
        return self.paid_minutes / 60 if self.cost is None else float(self.cost)

    def lunch_starts(self, grid: PeriodGrid) -> tuple[int, ...]:
        """Allowed lunch starts on *grid* period boundaries (empty if no lunch)."""
        grid = PeriodGrid.coerce(grid)
        return self.shift.lunch_starts_on(grid.open_minute, grid.period_minutes)

    def variants(self, grid: PeriodGrid) -> tuple[ShiftVariant, ...]:
        """One :class:`ShiftVariant` per allowed lunch start (one if no lunch)."""
        grid = PeriodGrid.coerce(grid)
        shift = self.shift
        return tuple(ShiftVariant(self.id, start, shift.coverage(grid.starts, grid.period_minutes, start),
                                  self.effective_cost, self.paid_minutes)
                     for start in self.lunch_starts(grid) or (None,))


@dataclass(frozen=True)
class Pool:
    """Multi-skilled staff who can be placed, period by period, in any of *zones*.

    With *exclusive* the zones have no dedicated staff of their own: only the
    pool serves them (a full "one window" reform).
    """

    id: str
    zones: tuple[str, ...]
    exclusive: bool = False

    def __post_init__(self):
        object.__setattr__(self, "zones", tuple(self.zones))
        if not self.zones:
            raise ShiftError("zones", "must list at least one zone")
        if len(set(self.zones)) != len(self.zones):
            raise ShiftError("zones", f"lists a zone twice: {list(self.zones)}")


@dataclass(frozen=True)
class ShiftSpec:
    """Shift patterns plus the staffing rules that come with them (a shift file).

    *period_minutes* is the grid the file was written for (None: any);
    *headcount* caps the number of people; *min_staff* applies to every zone
    in every period it is open.
    """

    patterns: tuple[ShiftPattern, ...]
    pools: tuple[Pool, ...] = ()
    headcount: int | None = None
    min_staff: int = 0
    period_minutes: int | None = None
