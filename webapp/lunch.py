"""The lunch rule: "everyone takes lunch between 11:30 and 13:30, at most k off at once".

A rule for a zone has a window ``[start, end)`` on the period grid, a lunch length
in minutes (a multiple of the period) and *max_off*, the most staff at lunch at the
same time. Applied to the zone's row of the staffing grid:

1. the zone's full strength *n* is its highest staff outside the window (the whole
   day when the window covers it), so applying a rule twice changes nothing;
2. the window holds ``W = (end - start) // minutes`` consecutive lunch waves, each
   one lunch long, starting at *start*; the *n* staff are split over the waves as
   evenly as possible (the first waves take the extra person), which keeps the
   number off at once as low as the window allows: ``ceil(n / W)``;
3. every period of wave *j* gets ``n - size_j`` staff; periods of the window after
   the last wave (when the window is not a whole number of lunches) get *n*.

The rule cannot be met when ``ceil(n / W) > max_off`` (too few lunch slots for the
staff) and raises :class:`LunchRuleError` naming the field, as every input error does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim import InputError, format_clock, parse_clock


class LunchRuleError(InputError):
    """A lunch rule that is malformed or cannot be met by a zone's staff."""


@dataclass(frozen=True)
class LunchRule:
    """At most *max_off* staff at lunch at once between *start* and *end* (``"HH:MM"``);
    each person takes one lunch of *minutes*."""

    start: str = "11:30"
    end: str = "13:30"
    max_off: int = 1
    minutes: int = 60

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "max_off": self.max_off, "minutes": self.minutes}


def _clock(text: str, field: str, problems: list) -> int | None:
    try:
        return parse_clock(str(text))
    except ValueError as exc:
        problems.append((field, str(exc)))
        return None


def window_periods(rule: LunchRule, scenario) -> list[int]:
    """Indices of the periods of *scenario* inside the rule's window; raises LunchRuleError
    when the rule does not fit the scenario's grid or hours."""
    problems: list[tuple[str, str]] = []
    start = _clock(rule.start, "lunch.start", problems)
    end = _clock(rule.end, "lunch.end", problems)
    step = scenario.period_minutes
    starts = scenario.period_starts
    if not isinstance(rule.max_off, int) or isinstance(rule.max_off, bool) or rule.max_off < 0:
        problems.append(("lunch.max_off", f"must be a whole number >= 0, got {rule.max_off!r}"))
    if not isinstance(rule.minutes, int) or isinstance(rule.minutes, bool) or rule.minutes <= 0 \
            or rule.minutes % step:
        problems.append(("lunch.minutes", f"must be a positive multiple of the {step}-minute period, "
                                          f"got {rule.minutes!r}"))
    for name, minute in (("lunch.start", start), ("lunch.end", end)):
        if minute is None:
            continue
        if (minute - scenario.open_minute) % step or not scenario.open_minute <= minute <= scenario.close_minute:
            problems.append((name, f"must be a period boundary from {scenario.hours.open} to "
                                   f"{scenario.hours.close}, got {format_clock(minute)!r}"))
    if start is not None and end is not None and end <= start:
        problems.append(("lunch.end", f"must be after the start {rule.start}, got {rule.end!r}"))
    if not problems and start is not None and end is not None and rule.minutes > end - start:
        problems.append(("lunch.minutes", f"a {rule.minutes}-minute lunch does not fit between "
                                          f"{rule.start} and {rule.end}"))
    if problems:
        raise LunchRuleError.collect("<lunch rule>", problems)
    return [k for k, s in enumerate(starts) if start <= s < end]


def apply_lunch(staff: list[int], rule: LunchRule, scenario, zone: str = "") -> list[int]:
    """The row *staff* (one value per period of *scenario*) with *rule* applied (see the
    module's docstring); raises LunchRuleError when the rule is malformed or cannot be met."""
    inside = window_periods(rule, scenario)
    outside = [v for k, v in enumerate(staff) if k not in inside]
    n = int(max(outside or staff))
    per_wave = rule.minutes // scenario.period_minutes
    waves = len(inside) // per_wave
    sizes = [n // waves + (1 if j < n % waves else 0) for j in range(waves)]
    needed = math.ceil(n / waves)
    if needed > rule.max_off:
        label = f"zone {zone!r}" if zone else "lunch.max_off"
        raise LunchRuleError("<lunch rule>", label,
                             f"{n} staff with {rule.minutes}-minute lunches between {rule.start} and {rule.end} "
                             f"need at least {needed} off at once, but at most {rule.max_off} may be")
    row = list(staff)
    for i, k in enumerate(inside):
        wave = i // per_wave
        row[k] = n - sizes[wave] if wave < waves else n
    return row


__all__ = ["LunchRule", "LunchRuleError", "apply_lunch", "window_periods"]
