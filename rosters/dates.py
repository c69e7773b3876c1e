"""Dates, weekdays and date lists as written in the staff and calendar files."""

from __future__ import annotations

import datetime as dt

__all__ = ["WEEKDAYS", "parse_date", "parse_date_list", "parse_weekday", "week_start"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LONG = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}


def parse_date(value) -> dt.date:
    """A date from ``YYYY-MM-DD`` text (or a date YAML already read). Raises ValueError."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"must be a date YYYY-MM-DD, got {value!r}") from None


def parse_weekday(value: str) -> int:
    """0 (Monday) .. 6 (Sunday) from ``mon``/``monday`` (any case). Raises ValueError."""
    key = str(value).strip().lower()
    if key in WEEKDAYS:
        return WEEKDAYS.index(key)
    if key in _LONG:
        return _LONG[key]
    raise ValueError(f"must be a weekday ({', '.join(WEEKDAYS)}), got {value!r}")


def parse_date_list(text: str) -> tuple[frozenset[dt.date], frozenset[int]]:
    """``2026-12-07;2026-12-09..2026-12-11;sat`` as (dates, weekdays); ranges include both ends.

    Raises ValueError naming the item that cannot be read.
    """
    dates: set[dt.date] = set()
    weekdays: set[int] = set()
    for item in (p.strip() for p in str(text).split(";")):
        if not item:
            continue
        if ".." in item:
            try:
                a, b = (parse_date(x) for x in item.split("..", 1))
            except ValueError:
                raise ValueError(f"a range must be two dates YYYY-MM-DD..YYYY-MM-DD, got {item!r}") from None
            if b < a:
                raise ValueError(f"range ends before it starts, got {item!r}")
            dates.update(a + dt.timedelta(days=k) for k in range((b - a).days + 1))
        elif item[:1].isdigit():
            dates.add(parse_date(item))
        else:
            weekdays.add(parse_weekday(item))
    return frozenset(dates), frozenset(weekdays)


def week_start(day: dt.date) -> dt.date:
    """The Monday of *day*'s calendar week."""
    return day - dt.timedelta(days=day.weekday())
