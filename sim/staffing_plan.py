"""Staffing plans: staff per zone and period, read from ``staffing.csv`` and applied to a scenario.

A plan file is long format, one row per zone and period::

    zone,start,staff
    tax,08:30,6
    tax,09:00,7
    ...

``start`` is the period's clock time ``"HH:MM"`` on the scenario's grid; ``staff``
a whole number from 0 to the zone's windows. Every zone and every period must
appear exactly once. A plan replaces the zones' ``staff`` (and drops ``people``,
the shift-based staffing, when the scenario has it).
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .clock import format_clock, parse_clock
from .errors import ScenarioError, ScenarioErrors
from .scenario import Scenario, scenario_from_dict, scenario_to_dict
from .textfile import MAX_CSV_BYTES, read_text

COLUMNS = ("zone", "start", "staff")
PLAN_LABEL = "<staffing plan>"
WHOLE = re.compile(r"^[0-9]{1,9}$")


def _raise(problems: list[ScenarioError]) -> None:
    if problems:
        raise problems[0] if len(problems) == 1 else ScenarioErrors(problems)


def read_staffing_csv(path: str | Path, scenario: Scenario, partial: bool = False) -> dict[str, list[int]]:
    """Read a ``zone,start,staff`` plan for *scenario*: ``{zone: [staff per period]}``.

    *partial*: the file changes only the zone-periods it lists; the others keep *scenario*'s
    staff (a lunch change in one zone is one row per half hour). Without it a missing
    zone-period is an error, so an incomplete file is never taken for a whole plan.

    Rows are numbered as a spreadsheet shows them (the header is row 1). Raises
    ScenarioError naming the file, the row and column, what is wrong and what
    was found (several problems: one line each): unknown zone, bad or off-grid
    ``HH:MM``, staff that is not a whole number or exceeds the zone's windows,
    duplicate rows, missing zones or periods.
    """
    path = Path(path)
    file = str(path)
    text = read_text(path, ScenarioError, what="a staffing CSV file (zone,start,staff)", max_bytes=MAX_CSV_BYTES)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))  # a quoted line break stays in its field
    except csv.Error as exc:
        raise ScenarioError(file, "", f"not a readable CSV file: {exc}") from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ScenarioError(file, "", "the staffing file is empty; expected a header zone,start,staff")
    header = [h.strip() for h in rows[0]]
    if sorted(header) != sorted(COLUMNS) or len(header) != len(COLUMNS):
        raise ScenarioError(file, "row 1", f"the header must name the columns zone, start, staff; got {','.join(header)!r}")
    col = {name: header.index(name) for name in COLUMNS}
    zones = {z.id: z for z in scenario.zones}
    starts = {s: k for k, s in enumerate(scenario.period_starts)}
    plan: dict[str, list] = {}
    seen: dict[tuple[str, int], int] = {}
    problems: list[ScenarioError] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank line
        if len(row) != len(COLUMNS):
            problems.append(ScenarioError(file, f"row {number}", f"needs {len(COLUMNS)} values (zone, start, staff), got {len(row)}"))
            continue
        zone, start, staff = (row[col[c]].strip() for c in COLUMNS)
        bad = False
        if zone not in zones:
            known = ", ".join(zones)
            problems.append(ScenarioError(file, f"row {number}: zone", f"unknown zone {zone[:60]!r}; known zones: {known}"))
            bad = True
        try:
            minute = parse_clock(start)
        except ValueError as exc:
            problems.append(ScenarioError(file, f"row {number}: start", str(exc)))
            minute, bad = None, True
        if minute is not None and minute not in starts:
            problems.append(ScenarioError(
                file, f"row {number}: start",
                f"must be the start of a {scenario.period_minutes}-minute period from {scenario.hours.open} "
                f"to before {scenario.hours.close}, got {start!r}"))
            bad = True
        # Digits only: int() would read "1_0" as 10 and " ٣" (Arabic-Indic) as 3.
        value = int(staff) if WHOLE.match(staff) else None
        if value is None or value < 0:
            problems.append(ScenarioError(file, f"row {number}: staff", f"must be a whole number >= 0, got {staff[:40]!r}"))
            bad = True
        elif zone in zones and value > zones[zone].windows:
            problems.append(ScenarioError(
                file, f"row {number}: staff", f"exceeds zone {zone!r}'s {zones[zone].windows} windows, got {value}"))
            bad = True
        if bad:
            continue
        assert minute is not None  # a bad start was reported above
        key = (zone, starts[minute])
        if key in seen:
            problems.append(ScenarioError(file, f"row {number}", f"duplicate row for zone {zone!r} at {start} (also row {seen[key]})"))
            continue
        seen[key] = number
        plan.setdefault(zone, [None] * scenario.n_periods)[starts[minute]] = value
    if partial and not problems:
        if not plan:
            problems.append(ScenarioError(file, "", "a partial staffing file must change at least one zone-period; got no rows"))
        for z, values in plan.items():
            own = scenario.staff_per_period(z)
            plan[z] = [own[k] if v is None else v for k, v in enumerate(values)]
    elif not problems:
        for z in zones:
            missing = [format_clock(scenario.period_starts[k]) for k, v in enumerate(plan.get(z, [None] * scenario.n_periods))
                       if v is None]
            if missing:
                shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
                problems.append(ScenarioError(file, f"zone {z!r}", f"has no row for period(s) {shown}"))
    _raise(problems)
    return {z: [int(v) for v in plan[z]] for z in zones if z in plan}


def _plan_rows(plan) -> dict[str, list]:
    """A plan as ``{zone: list}`` from a mapping or a DataFrame (index zone, one column per period)."""
    if hasattr(plan, "iterrows") and hasattr(plan, "columns"):
        if {"zone", "start", "staff"} <= set(plan.columns):  # long format
            wide = plan.pivot(index="zone", columns="start", values="staff")
            return {str(z): list(row) for z, row in wide.sort_index(axis=1).iterrows()}
        return {str(z): list(row) for z, row in plan.iterrows()}
    if isinstance(plan, Mapping):
        return {str(z): list(v) if isinstance(v, Sequence) and not isinstance(v, str) else v for z, v in plan.items()}
    raise ScenarioError(PLAN_LABEL, "", f"a staffing plan must be a mapping zone -> staff per period or a DataFrame, "
                                        f"got {type(plan).__name__}")


def apply_staffing(scenario: Scenario, plan) -> Scenario:
    """*scenario* staffed by *plan*: ``{zone: [staff per period]}`` (or an int per zone), or a DataFrame.

    Zones not in the plan keep their staff; when the scenario is staffed by
    ``people`` (shifts), the plan must name every zone and ``people`` is dropped.
    The result is validated like any scenario (staff within windows, one value
    per period); problems raise ScenarioError naming the zone.
    """
    rows = _plan_rows(plan)
    known = set(scenario.zone_ids)
    problems = [ScenarioError(PLAN_LABEL, f"zone {z!r}", f"unknown zone; known zones: {', '.join(scenario.zone_ids)}")
                for z in rows if z not in known]
    if scenario.people is not None:
        problems += [ScenarioError(PLAN_LABEL, f"zone {z!r}", "missing: the scenario is staffed by people with shifts, "
                                                               "so the plan must give every zone")
                     for z in scenario.zone_ids if z not in rows]
    for z, values in rows.items():
        items = values if isinstance(values, list) else [values]
        for v in items:
            if not (isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v)
                    and float(v).is_integer() and float(v) >= 0):
                problems.append(ScenarioError(PLAN_LABEL, f"zone {z!r}", f"staff must be whole numbers >= 0, got {v!r}"))
                break
    _raise(problems)
    data = scenario_to_dict(scenario)
    for zone in data["zones"]:
        if zone["id"] in rows:
            values = rows[zone["id"]]
            zone["staff"] = [int(v) for v in values] if isinstance(values, list) else int(values)
    data.pop("people", None)
    return scenario_from_dict(data, source=PLAN_LABEL)



# -- rosters: people on shifts, as ``servicehall optimize --shifts`` writes them --------------

ROSTER_COLUMNS = ("pattern", "start", "end", "lunch_start", "lunch_minutes", "zone_or_pool", "staff")
ROSTER_LABEL = "<roster>"


def roster_people(rows, scenario: Scenario, file: str = ROSTER_LABEL, first_row: int = 2) -> list[dict]:
    """The scenario's ``people`` for roster rows (mappings with :data:`ROSTER_COLUMNS`): one
    group per row, lunches fixed where the roster put them (``earliest == latest``).

    Raises ScenarioError naming the row for an unknown zone (a pool's rows are placed per
    period: simulate its ``staffing.csv`` instead), bad clock times or staff.
    """
    zones = set(scenario.zone_ids)
    people, problems = [], []
    for number, row in enumerate(rows, start=first_row):
        where = f"row {number}"
        group, pattern = str(row["zone_or_pool"]).strip(), str(row["pattern"]).strip()
        if group not in zones:
            problems.append(ScenarioError(file, f"{where}: zone_or_pool",
                                          f"not a zone of the scenario (a pool's staff move between zones period by "
                                          f"period: simulate the plan's staffing.csv instead), got {group!r}"))
            continue
        try:
            staff = int(str(row["staff"]).strip())
        except ValueError:
            staff = -1
        if staff < 0:
            problems.append(ScenarioError(file, f"{where}: staff", f"must be a whole number >= 0, got {row['staff']!r}"))
            continue
        if staff == 0:
            continue
        person: dict[str, Any] = {"id": f"{pattern}_{group}", "count": staff, "start": str(row["start"]).strip(),
                  "end": str(row["end"]).strip(), "zones": [group]}
        lunch = str(row.get("lunch_start", "") or "").strip()
        if lunch:
            try:
                minutes = int(str(row.get("lunch_minutes", "")).strip())
            except ValueError:
                problems.append(ScenarioError(file, f"{where}: lunch_minutes",
                                              f"must be a whole number of minutes, got {row.get('lunch_minutes')!r}"))
                continue
            person["id"] += "_" + lunch.replace(":", "")
            person["lunch"] = {"minutes": minutes, "earliest": lunch, "latest": lunch}
        people.append(person)
    _raise(problems)
    return people


def apply_people(scenario: Scenario, people: list[dict]) -> Scenario:
    """*scenario* staffed by *people* (``people`` entries) instead of staff per period; validated
    like any scenario (clock times, lunches within shifts, no more people than windows)."""
    data = scenario_to_dict(scenario)
    for zone in data["zones"]:
        zone.pop("staff", None)
    data["people"] = people
    return scenario_from_dict(data, source=ROSTER_LABEL)


def read_roster_csv(path: str | Path, scenario: Scenario) -> Scenario:
    """*scenario* staffed by the people of the roster file at *path* (``roster.csv`` of
    ``servicehall optimize --shifts``), each with the shift and lunch the roster gave them."""
    file = str(path)
    text = read_text(path, ScenarioError, what="a roster CSV file", max_bytes=MAX_CSV_BYTES)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    if sorted(header) != sorted(ROSTER_COLUMNS):
        raise ScenarioError(file, "row 1", f"the header must name the columns {', '.join(ROSTER_COLUMNS)}; "
                                           f"got {','.join(header)!r}")
    rows = [{(k or "").strip(): v for k, v in row.items()} for row in reader]
    people = roster_people(rows, scenario, file)
    try:
        return apply_people(scenario, people)
    except ScenarioError as exc:
        raise ScenarioError.collect(file, [(f"roster: {p}", m) for p, m in exc.problems]) from None


def read_staffing_file(path: str | Path, scenario: Scenario, partial: bool = False) -> Scenario:
    """*scenario* staffed by the file at *path*: a roster (``roster.csv``: the people with their
    shifts and lunches) or a staffing plan (``staffing.csv``: staff per zone and period; with
    *partial*, only the zone-periods it lists, over the scenario's staff)."""
    text = read_text(path, ScenarioError, what="a staffing CSV or roster file", max_bytes=MAX_CSV_BYTES)
    first = text.splitlines()[:1]
    if first and "zone_or_pool" in first[0]:
        return read_roster_csv(path, scenario)
    if partial and first and "zone_or_pool" in first[0]:
        raise ScenarioError(str(path), "", "a roster gives every person's shifts; --partial applies to staffing.csv only")
    return apply_staffing(scenario, read_staffing_csv(path, scenario, partial))


__all__ = ["ROSTER_COLUMNS", "apply_people", "apply_staffing", "read_roster_csv", "read_staffing_csv",
           "read_staffing_file", "roster_people"]
