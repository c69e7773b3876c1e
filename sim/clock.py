"""Clock times as minutes since midnight."""

from __future__ import annotations

import re

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_clock(text: str) -> int:
    """Minutes since midnight for ``"HH:MM"``; ``"24:00"`` is allowed (1440).

    Raises ValueError with a readable reason for anything else.
    """
    if not isinstance(text, str):
        raise ValueError(f'must be a clock time "HH:MM" in quotes, got {text!r}')
    m = _CLOCK.match(text.strip())
    if not m:
        raise ValueError(f'must be a clock time "HH:MM", got {text!r}')
    hours, minutes = int(m.group(1)), int(m.group(2))
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes > 0):
        raise ValueError(f"is not a time of day, got {text!r}")
    return hours * 60 + minutes


def format_clock(minutes: float) -> str:
    """``"HH:MM"`` for minutes since midnight (rounded down to the minute)."""
    whole = int(minutes // 1)
    return f"{whole // 60:02d}:{whole % 60:02d}"
