"""The calendar file: a week (or several) of demand as day types over a base scenario.

YAML, read strictly (``sim.yamlio.read_yaml``)::

    name: Lanling, week of 7 December 2026
    start: 2026-12-07            # the first day
    days: 7                      # or  end: 2026-12-13  (both ends included)
    shifts: ../shifts/lanling_week_shifts.yaml   # optional: the shift file, relative to this file
    day_types:
      weekday: {}                # the base scenario as it is
      monday: {demand_scale: 1.3}
      thursday:                  # extended hours: a scenario override, merged as `extends` does
        extends: ../lanling_monday.yaml   # optional: another scenario file as this day's base
        hours: {open: "08:30", close: "19:00"}
        profiles: {day: [...]}   # one weight per period of the new hours
      saturday: {hours: {open: "09:00", close: "12:00"}, profiles: {day: [...]}}
      holiday: closed            # or {closed: true}
    weekdays: {mon: monday, tue: weekday, wed: weekday, thu: thursday, fri: weekday,
               sat: saturday, sun: holiday}
    dates: {2026-12-10: holiday} # exceptions by date win over weekdays

Every day type is a scenario override applied with :func:`sim.merge_overrides` to
the base scenario (or to the file named by its ``extends``, relative to this
file). Each day's scenario is validated; its zones' ``staff`` is set to 0 and any
``people`` are dropped, because the roster staffs the day. Problems raise
:class:`~rosters.errors.CalendarError` naming the field.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path

import sim
from optimize import PeriodGrid
from rosters.dates import WEEKDAYS, parse_date, parse_weekday, week_start
from rosters.errors import CalendarError

__all__ = ["Calendar", "Day", "load_calendar", "parse_calendar"]

_KEYS = ("name", "start", "end", "days", "shifts", "day_types", "weekdays", "dates")


@dataclass(frozen=True)
class Day:
    """One calendar day: its *kind* (day type) and *scenario*, None when the hall is closed."""

    date: dt.date
    kind: str
    scenario: sim.Scenario | None

    @property
    def is_open(self) -> bool:
        return self.scenario is not None

    @property
    def grid(self) -> PeriodGrid | None:
        s = self.scenario
        return None if s is None else PeriodGrid(s.open_minute, s.close_minute, s.period_minutes)

    @property
    def label(self) -> str:
        """``2026-12-07 mon``."""
        return f"{self.date.isoformat()} {WEEKDAYS[self.date.weekday()]}"


@dataclass(frozen=True)
class Calendar:
    """The days of the horizon in order; *shifts* is the shift file it names (or None)."""

    name: str
    days: tuple[Day, ...]
    shifts: Path | None = None
    file: str = "<calendar>"

    @property
    def open_days(self) -> tuple[Day, ...]:
        return tuple(d for d in self.days if d.is_open)

    def weeks(self) -> dict[dt.date, tuple[Day, ...]]:
        """Days grouped by calendar week (Monday -> days of that week in the horizon)."""
        out: dict[dt.date, list[Day]] = {}
        for d in self.days:
            out.setdefault(week_start(d.date), []).append(d)
        return {k: tuple(v) for k, v in out.items()}

    def union_grid(self) -> PeriodGrid:
        """The earliest opening to the latest closing of the open days (for reading shift files)."""
        grids = [d.grid for d in self.open_days if d.grid is not None]
        if not grids:
            raise ValueError("the calendar has no open day")
        return PeriodGrid(min(g.open_minute for g in grids), max(g.close_minute for g in grids),
                          grids[0].period_minutes)


def _staffless(data: dict) -> dict:
    """A scenario dict whose zones have ``staff: 0`` and no ``people`` (the roster staffs it)."""
    out = dict(data)
    out.pop("people", None)
    out["zones"] = [{**z, "staff": 0} for z in data.get("zones", [])]
    return out


def _day_scenario(name: str, spec: dict, base: dict, folder: Path, file: str, problems: list):
    where = f"day_types.{name}"
    spec = dict(spec)
    start = base
    if "extends" in spec:
        target = folder / str(spec.pop("extends"))
        try:
            start = sim.scenario_to_dict(sim.load_scenario(target))
        except sim.InputError as exc:
            problems.append((f"{where}.extends", f"{target}: {exc.problems[0][0]}: {exc.problems[0][1]}"))
            return None
    merged = _staffless(sim.merge_overrides(_staffless(start), spec))
    merged["name"] = f"{merged.get('name', 'hall')}, {name}"
    try:
        return sim.scenario_from_dict(merged, source=f"{file}: {where}")
    except sim.InputError as exc:
        problems.extend((f"{where}.{p}" if p else where, m) for p, m in exc.problems)
        return None


def parse_calendar(data, base: sim.Scenario, *, file: str = "<calendar>", folder: Path | str = ".") -> Calendar:
    """Validate a calendar document (a dict) over the *base* scenario; see the module docstring.

    Raises CalendarError listing every problem.
    """
    folder = Path(folder)
    if not isinstance(data, dict):
        raise CalendarError(file, "", f"must be a mapping with start, day_types and weekdays, got "
                                      f"{type(data).__name__}")
    problems: list[tuple[str, str]] = []
    for key in data:
        if key not in _KEYS:
            near = difflib.get_close_matches(str(key), _KEYS, n=1)
            hint = f"did you mean {near[0]!r}?" if near else f"known: {', '.join(_KEYS)}"
            problems.append((str(key), f"unknown field ({hint})"))
    start = end = None
    try:
        start = parse_date(data["start"]) if "start" in data else None
        if start is None:
            problems.append(("start", "required field missing"))
    except ValueError as exc:
        problems.append(("start", str(exc)))
    if "end" in data and "days" in data:
        problems.append(("days", "give either end or days, not both"))
    elif "end" in data:
        try:
            end = parse_date(data["end"])
            if start is not None and end < start:
                problems.append(("end", f"must not be before start {start}, got {end}"))
        except ValueError as exc:
            problems.append(("end", str(exc)))
    elif "days" in data:
        n = data["days"]
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 366:
            problems.append(("days", f"must be a whole number from 1 to 366, got {n!r}"))
        elif start is not None:
            end = start + dt.timedelta(days=n - 1)
    else:
        problems.append(("days", "required field missing (or give end)"))
    types = data.get("day_types")
    if not isinstance(types, dict) or not types:
        problems.append(("day_types", f"must be a mapping of day-type names to scenario overrides, got {types!r}"))
        types = {}
    base_dict = sim.scenario_to_dict(base)
    scenarios: dict[str, sim.Scenario | None] = {}
    for name, spec in types.items():
        name = str(name)
        if spec == "closed" or (isinstance(spec, dict) and spec.get("closed") is True and len(spec) == 1):
            scenarios[name] = None
        elif spec is None or isinstance(spec, dict):
            if isinstance(spec, dict) and "closed" in spec:
                problems.append((f"day_types.{name}.closed", "a closed day takes no other field; write "
                                                             f"'{name}: closed', got {spec!r}"))
                continue
            scenarios[name] = _day_scenario(name, spec or {}, base_dict, folder, file, problems)
        else:
            problems.append((f"day_types.{name}", f"must be a scenario override (a mapping) or 'closed', got {spec!r}"))

    def known(value, where):
        if str(value) not in types:
            near = difflib.get_close_matches(str(value), [str(t) for t in types], n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else f" (day types: {', '.join(map(str, types))})"
            problems.append((where, f"unknown day type {value!r}{hint}"))
            return None
        return str(value)

    def day_types(field: str, parse, what: str) -> dict:
        # weekdays and dates both map a key (parsed by *parse*) to a known day type
        out: dict = {}
        entries = data.get(field, {}) or {}
        if not isinstance(entries, dict):
            problems.append((field, f"must be a mapping {what} -> day type, got {entries!r}"))
            return out
        for key, value in entries.items():
            try:
                parsed = parse(key)
            except ValueError as exc:
                problems.append((f"{field}.{key}", str(exc)))
                continue
            kind = known(value, f"{field}.{key}")
            if kind:
                out[parsed] = kind
        return out

    by_weekday: dict[int, str] = day_types("weekdays", parse_weekday, "weekday")
    by_date: dict[dt.date, str] = day_types("dates", parse_date, "date")
    days: list[Day] = []
    if start is not None and end is not None and not problems:
        for k in range((end - start).days + 1):
            day = start + dt.timedelta(days=k)
            kind = by_date.get(day, by_weekday.get(day.weekday()))
            if kind is None:
                problems.append(("weekdays", f"gives no day type for {WEEKDAYS[day.weekday()]} ({day}); add "
                                             f"'{WEEKDAYS[day.weekday()]}: TYPE' or a date under dates"))
                break
            days.append(Day(day, kind, scenarios[kind]))
        periods = {d.scenario.period_minutes for d in days if d.scenario is not None}
        if len(periods) > 1:
            problems.append(("day_types", f"every open day needs the same period_minutes, got {sorted(periods)}"))
        if days and not any(d.is_open for d in days):
            problems.append(("day_types", "every day of the horizon is closed: nothing to roster"))
    shifts = None
    if data.get("shifts") is not None:
        if not isinstance(data["shifts"], str):
            problems.append(("shifts", f"must be the path of a shift file, got {data['shifts']!r}"))
        else:
            shifts = folder / data["shifts"]
            if not shifts.exists():  # said here: the file is named in this one, relative to its folder
                problems.append(("shifts", f"file not found: {shifts}, got {data['shifts']!r}"))
    if problems:
        raise CalendarError.collect(file, problems)
    return Calendar(str(data.get("name") or f"{base.name}, {days[0].date} to {days[-1].date}"), tuple(days),
                    shifts, file)


def load_calendar(path, base: sim.Scenario) -> Calendar:
    """Read and validate the calendar YAML at *path* over the *base* scenario.

    Raises CalendarError (also for a missing file or malformed YAML).
    """
    from sim.yamlio import read_yaml

    path = Path(path)
    data = read_yaml(path, CalendarError)
    return parse_calendar(data, base, file=str(path), folder=path.parent)
