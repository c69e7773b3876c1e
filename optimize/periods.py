"""Clock times and the period grid of a staffing day (minutes since midnight)."""

from __future__ import annotations

from dataclasses import dataclass

# One definition of clock times for the whole product (sim's public API).
from sim import format_clock, parse_clock

__all__ = ["PeriodGrid", "format_clock", "parse_clock"]

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
