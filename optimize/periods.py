"""Clock times and the period grid of a staffing day (minutes since midnight)."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["PeriodGrid", "format_clock", "parse_clock"]

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_clock(text: str) -> int:
    """Minutes since midnight for ``"HH:MM"``; ``"24:00"`` is allowed (1440).

    Raises ValueError saying what was found.
    """
    if not isinstance(text, str):
        raise ValueError(f'must be a clock time "HH:MM" in quotes, got {text!r}')
    m = _CLOCK.match(text.strip())
    if not m:
        raise ValueError(f'must be a clock time "HH:MM", got {text!r}')
    hours, minutes = int(m[1]), int(m[2])
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes > 0):
        raise ValueError(f"is not a time of day, got {text!r}")
    return hours * 60 + minutes


def format_clock(minutes: int) -> str:
    """``"HH:MM"`` for whole minutes since midnight."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class PeriodGrid:
    """Periods [open + t P, open + (t+1) P) for t = 0..n_periods-1, P = *period_minutes*.

    *open_minute* and *close_minute* are minutes since midnight; the span must
    be a whole number of periods.
    """

    open_minute: int
    close_minute: int
    period_minutes: int

    def __post_init__(self):
        for name in ("open_minute", "close_minute", "period_minutes"):
            value = getattr(self, name)
            if int(value) != value:
                raise ValueError(f"grid {name} must be whole minutes, got {value!r}")
            object.__setattr__(self, name, int(value))
        if self.period_minutes <= 0:
            raise ValueError(f"grid period_minutes must be > 0, got {self.period_minutes}")
        if not 0 <= self.open_minute < self.close_minute <= 1440:
            raise ValueError(f"grid needs 0 <= open < close <= 1440 minutes, got "
                             f"open={self.open_minute}, close={self.close_minute}")
        if (self.close_minute - self.open_minute) % self.period_minutes:
            raise ValueError(
                f"grid {format_clock(self.open_minute)}-{format_clock(self.close_minute)} "
                f"is not a whole number of {self.period_minutes}-minute periods")

    @classmethod
    def coerce(cls, grid) -> PeriodGrid:
        """A PeriodGrid from itself or an (open, close, period_minutes) triple."""
        if isinstance(grid, cls):
            return grid
        try:
            open_minute, close_minute, period = grid
        except (TypeError, ValueError):
            raise ValueError("grid must be a PeriodGrid or (open_minute, close_minute, "
                             f"period_minutes), got {grid!r}") from None
        return cls(open_minute, close_minute, period)

    @property
    def n_periods(self) -> int:
        return (self.close_minute - self.open_minute) // self.period_minutes

    @property
    def starts(self) -> tuple[int, ...]:
        """Start minute of each period."""
        return tuple(range(self.open_minute, self.close_minute, self.period_minutes))

    @property
    def labels(self) -> tuple[str, ...]:
        """``"HH:MM"`` start of each period, used to label result tables."""
        return tuple(format_clock(s) for s in self.starts)

    def is_aligned(self, minute: int) -> bool:
        """True if *minute* falls on a period boundary (extended beyond the day)."""
        return (minute - self.open_minute) % self.period_minutes == 0
