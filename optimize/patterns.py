"""Shift patterns, their lunch variants and multi-skilled pools (data only).

A pattern works [start, end) with an optional unpaid lunch of *minutes*
starting between *earliest* and *latest* (the latest lunch *start*). Against a
period grid a pattern expands into variants, one per allowed lunch start on a
period boundary; the roster model picks among them. A person counts as on duty
in a period only when working the whole period, so a 45-minute lunch on a
30-minute grid takes two periods off the floor. Times in minutes since midnight.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimize.periods import PeriodGrid, format_clock

__all__ = ["Lunch", "PatternError", "Pool", "ShiftPattern", "ShiftSpec", "ShiftVariant"]


class PatternError(ValueError):
    """A pattern is inconsistent; *field* names the offending field (``lunch.latest``)."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Lunch:
    """An unpaid break of *minutes*, starting in [*earliest*, *latest*]."""

    minutes: int
    earliest: int
    latest: int

    def __post_init__(self):
        if self.minutes <= 0:
            raise PatternError("lunch.minutes", f"must be > 0, got {self.minutes}")
        if self.latest < self.earliest:
            raise PatternError("lunch.latest", f"must not be before earliest "
                               f"{format_clock(self.earliest)}, got {format_clock(self.latest)}")


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
    """A shift worked [*start*, *end*) (minutes since midnight).

    *cost* defaults to the paid hours (shift length minus lunch, in hours).
    Raises :class:`PatternError` if the times are inconsistent.
    """

    id: str
    start: int
    end: int
    lunch: Lunch | None = None
    cost: float | None = None

    def __post_init__(self):
        if not 0 <= self.start <= 1440:
            raise PatternError("start", f"must be between 00:00 and 24:00, got {self.start}")
        if not 0 <= self.end <= 1440:
            raise PatternError("end", f"must be between 00:00 and 24:00, got {self.end}")
        if self.end <= self.start:
            raise PatternError("end", f"must be after start {format_clock(self.start)}, "
                               f"got {format_clock(self.end)}")
        if self.cost is not None and not self.cost >= 0:
            raise PatternError("cost", f"must be >= 0, got {self.cost}")
        lunch = self.lunch
        if lunch is not None:
            if lunch.earliest < self.start:
                raise PatternError(
                    "lunch.earliest", f"must not be before the shift start "
                    f"{format_clock(self.start)}, got {format_clock(lunch.earliest)}")
            if lunch.latest + lunch.minutes > self.end:
                raise PatternError(
                    "lunch.latest", f"a {lunch.minutes}-minute lunch starting at "
                    f"{format_clock(lunch.latest)} ends after the shift end "
                    f"{format_clock(self.end)}")

    @property
    def paid_minutes(self) -> int:
        return self.end - self.start - (self.lunch.minutes if self.lunch else 0)

    @property
    def effective_cost(self) -> float:
        """*cost*, or the paid hours when no cost was given."""
        return self.paid_minutes / 60 if self.cost is None else float(self.cost)

    def lunch_starts(self, grid: PeriodGrid) -> tuple[int, ...]:
        """Allowed lunch starts on *grid* period boundaries (empty if no lunch)."""
        if self.lunch is None:
            return ()
        grid = PeriodGrid.coerce(grid)
        first = self.lunch.earliest + (-(self.lunch.earliest - grid.open_minute)
                                       % grid.period_minutes)
        starts = tuple(range(first, self.lunch.latest + 1, grid.period_minutes))
        if not starts:
            raise PatternError(
                "lunch", f"no lunch start between {format_clock(self.lunch.earliest)} and "
                f"{format_clock(self.lunch.latest)} is on the {grid.period_minutes}-minute "
                f"grid from {format_clock(grid.open_minute)}")
        return starts

    def variants(self, grid: PeriodGrid) -> tuple[ShiftVariant, ...]:
        """One :class:`ShiftVariant` per allowed lunch start (one if no lunch)."""
        grid = PeriodGrid.coerce(grid)
        out = []
        for lunch_start in self.lunch_starts(grid) or (None,):
            coverage = []
            for a in grid.starts:
                b = a + grid.period_minutes
                works = self.start <= a and b <= self.end
                if works and lunch_start is not None:
                    works = b <= lunch_start or a >= lunch_start + self.lunch.minutes
                coverage.append(int(works))
            out.append(ShiftVariant(self.id, lunch_start, tuple(coverage),
                                    self.effective_cost, self.paid_minutes))
        return tuple(out)


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
            raise PatternError("zones", "must list at least one zone")
        if len(set(self.zones)) != len(self.zones):
            raise PatternError("zones", f"lists a zone twice: {list(self.zones)}")


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
