"""The staff file: named people, their skills, contracts, days-off rules, leave and AB posts.

A CSV file (UTF-8 with or without a byte-order mark, UTF-16, or GBK: see ``sim.textfile``),
one person a row; the header is row 1. Columns (``;`` separates list items):

=======================  ========  =====================================================
column                   required  meaning
=======================  ========  =====================================================
id                       yes       letters, digits, ``_``, ``-``; unique
name                               display name, any language (王芳)
skills                   yes       zones (or service categories) with an optional speed
                                   factor: ``tax:1.0;realestate:1.2`` (1.2 = 20% slower);
                                   the first is the person's home zone
hours_per_week           yes       most paid hours in a calendar week
days_per_week            yes       most days worked in a calendar week (1-7)
min_hours_per_week                 fewest paid hours in a week (default 0), less a
                                   contract day's share for each day of leave
shifts                             shift ids the person may work (default: every shift)
consecutive_days_off               at least this many consecutive days off in every
                                   calendar week whose seven days are known (in the
                                   horizon or in ``worked_before``), counted cyclically
                                   Mon-Sun (default 0)
max_weekends_per_month             weekends (Saturday or Sunday) worked per month at most
                                   (those in ``worked_before`` count)
max_consecutive_days               at most this many days worked in a row, across the
                                   start of the horizon (1-31; default: no limit)
worked_before                      the days just before the start date: ``W`` worked,
                                   ``O`` off, oldest first, the last letter the day
                                   before the start (``WWWWWOO``; at most 62 days); or a
                                   whole number N: the N days before the start worked,
                                   the day before those off. Earlier days count as off.
unavailable                        fixed unavailability: weekdays or dates (``sat;sun``)
leave                              dates or ranges ``2026-12-07..2026-12-09``
prefers_off                        weekdays or dates the person would rather not work
                                   (a soft preference)
post                               the window post (AB岗) this person holds
role                               ``A`` (primary) or ``B`` (backup) on that post
=======================  ========  =====================================================

Every post needs at least one A and one B, and every one of its people must be
skilled for the post's zone (the home zone of its first A). Problems raise
:class:`~rosters.errors.StaffFileError` with ``row N: column`` and the value found.

``worked_before`` makes a roster that starts mid-rota respect the rules across its
start: the days worked before count towards ``days_per_week`` in the week the horizon
starts in, complete that week for ``consecutive_days_off``, count their weekends towards
``max_weekends_per_month`` and their run towards ``max_consecutive_days``. Paid hours
before the start are not known: ``hours_per_week`` counts the horizon's hours only.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rosters.dates import parse_date_list
from rosters.errors import StaffFileError
from sim.fields import is_id
from sim.textfile import MAX_CSV_BYTES, read_text

__all__ = ["COLUMNS", "StaffMember", "parse_staff_rows", "read_staff_csv"]

REQUIRED = ("id", "skills", "hours_per_week", "days_per_week")
OPTIONAL = ("name", "min_hours_per_week", "shifts", "consecutive_days_off", "max_weekends_per_month",
            "unavailable", "leave", "prefers_off", "post", "role", "max_consecutive_days", "worked_before")
COLUMNS = REQUIRED + OPTIONAL
MAX_HISTORY = 62
"""Most days of ``worked_before`` (two months: enough for every weekend of the month the horizon starts in)."""


@dataclass(frozen=True)
class StaffMember:
    """One person of the staff file. Hours are paid hours; *skills* maps zone -> speed factor."""

    id: str
    name: str
    skills: tuple[tuple[str, float], ...]
    max_hours: float
    max_days: int
    min_hours: float = 0.0
    shifts: tuple[str, ...] | None = None
    consecutive_off: int = 0
    max_weekends_per_month: int | None = None
    unavailable_dates: frozenset[dt.date] = frozenset()
    unavailable_weekdays: frozenset[int] = frozenset()
    leave: frozenset[dt.date] = frozenset()
    prefers_off_dates: frozenset[dt.date] = frozenset()
    prefers_off_weekdays: frozenset[int] = frozenset()
    post: str | None = None
    role: str | None = None
    row: int = 0
    max_consecutive: int | None = None
    before: tuple[bool, ...] = ()

    @property
    def zones(self) -> tuple[str, ...]:
        return tuple(z for z, _ in self.skills)

    @property
    def home(self) -> str:
        return self.skills[0][0]

    @property
    def label(self) -> str:
        """The display name, or the id when there is none."""
        return self.name or self.id

    def speed(self, zone: str) -> float:
        return dict(self.skills)[zone]

    def can_work(self, day: dt.date) -> bool:
        """Not on leave and not unavailable on *day*."""
        return (day not in self.leave and day not in self.unavailable_dates
                and day.weekday() not in self.unavailable_weekdays)

    def prefers_off(self, day: dt.date) -> bool:
        return day in self.prefers_off_dates or day.weekday() in self.prefers_off_weekdays

    def allows(self, shift: str) -> bool:
        return self.shifts is None or shift in self.shifts

    def history(self, start: dt.date) -> dict[dt.date, bool]:
        """The days before *start* that ``worked_before`` tells: date -> worked (earlier days: unknown, off)."""
        n = len(self.before)
        return {start - dt.timedelta(days=n - k): worked for k, worked in enumerate(self.before)}


def _number(text: str, kind: type, low: float, high: float | None = None):
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not low <= value or (high is not None and value > high):
        what = "a whole number" if kind is int else "a number"
        span = f">= {low:g}" if high is None else f"from {low:g} to {high:g}"
        raise ValueError(f"must be {what} {span}, got {text!r}")
    return value


def _history(text: str) -> tuple[bool, ...]:
    """``WWOOW`` (oldest first) or a whole number N (the N days before the start worked, the day
    before them off) as worked flags, oldest first."""
    text = "".join(text.split())
    if re.fullmatch(r"[0-9]+", text):
        n = int(text)
        if n > MAX_HISTORY - 1:
            raise ValueError(f"must be at most {MAX_HISTORY - 1} days worked in a row, got {text!r}")
        return (False,) + (True,) * n
    letters = text.upper()
    if not letters or set(letters) - {"W", "O"}:
        raise ValueError("must be W (worked) and O (off) for the days before the start, oldest first "
                         f"(WWWWWOO), or a whole number of days worked in a row, got {text!r}")
    if len(letters) > MAX_HISTORY:
        raise ValueError(f"must give at most {MAX_HISTORY} days, got {len(letters)}")
    return tuple(c == "W" for c in letters)


def _skills(text: str, zones: Sequence[str] | None, categories) -> tuple[tuple[str, float], ...]:
    out: dict[str, float] = {}
    items = [p.strip() for p in text.split(";") if p.strip()]
    if not items:
        raise ValueError("must list at least one zone, got ''")
    for item in items:
        name, _, speed_text = item.partition(":")
        name = name.strip()
        speed = 1.0
        if speed_text.strip():
            try:
                speed = float(speed_text)
            except ValueError:
                speed = -1.0
            if not 0 < speed <= 10:
                raise ValueError(f"speed factor must be a number > 0, got {item!r}")
        targets = [name]
        if zones is not None and name not in zones:
            if name in categories:
                targets = list(categories[name])
            else:
                near = difflib.get_close_matches(name, list(zones) + list(categories), n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise ValueError(f"unknown zone or category {name!r}{hint}, got {item!r}")
        for zone in targets:
            if zone in out:
                raise ValueError(f"lists zone {zone!r} twice, got {text!r}")
            out[zone] = speed
    return tuple(out.items())


def _field(problems, row, column, fn, text):
    try:
        return fn(text)
    except ValueError as exc:
        problems.append((f"row {row}: {column}", str(exc)))
        return None


def parse_staff_rows(rows: Iterable[dict], *, file: str = "<staff>", zones: Sequence[str] | None = None,
                     shifts: Sequence[str] | None = None, categories=None,
                     header: Sequence[str] | None = None) -> tuple[StaffMember, ...]:
    """Validate staff rows (dicts column -> text, data rows numbered from 2).

    *zones* (the hall's zone ids), *shifts* (known shift ids) and *categories*
    (category -> zones) enable the reference checks. Raises StaffFileError listing
    every problem.
    """
    problems: list[tuple[str, str]] = []
    categories = dict(categories or {})
    if header is not None:
        for k, col in enumerate(header):
            if col not in COLUMNS:
                near = difflib.get_close_matches(col, COLUMNS, n=1)
                hint = f"did you mean {near[0]!r}?" if near else f"known: {', '.join(COLUMNS)}"
                problems.append((f"row 1: column {k + 1}", f"unknown column {col!r} ({hint})"))
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            problems.append(("row 1", f"missing required column(s) {', '.join(missing)}, got header "
                                      f"{','.join(header)!r}"))
        if problems:
            raise StaffFileError.collect(file, problems)
    people: list[StaffMember] = []
    seen: dict[str, int] = {}
    for row, rec in enumerate(rows, start=2):
        rec = {k: (v or "").strip() for k, v in rec.items() if k is not None}
        if not any(rec.values()):
            continue
        before = len(problems)
        pid = rec.get("id", "")
        if not is_id(pid):
            problems.append((f"row {row}: id", "must be letters, digits, '_' or '-' (not starting with '-'), "
                                               f"got {pid!r}"))
        elif pid in seen:
            problems.append((f"row {row}: id", f"duplicate id {pid!r} (also row {seen[pid]})"))
        seen.setdefault(pid, row)
        for col in REQUIRED:
            if col != "id" and not rec.get(col):
                problems.append((f"row {row}: {col}", "required, got ''"))
        skills = _field(problems, row, "skills", lambda t: _skills(t, zones, categories),
                        rec.get("skills", "")) if rec.get("skills") else None
        max_hours = _field(problems, row, "hours_per_week", lambda t: _number(t, float, 0, 168),
                           rec.get("hours_per_week", "")) if rec.get("hours_per_week") else None
        max_days = _field(problems, row, "days_per_week", lambda t: _number(t, int, 0, 7),
                          rec.get("days_per_week", "")) if rec.get("days_per_week") else None
        min_hours = 0.0
        if rec.get("min_hours_per_week"):
            min_hours = _field(problems, row, "min_hours_per_week", lambda t: _number(t, float, 0, 168),
                               rec["min_hours_per_week"])
            if min_hours is not None and max_hours is not None and min_hours > max_hours:
                problems.append((f"row {row}: min_hours_per_week",
                                 f"must not exceed hours_per_week {max_hours:g}, got {rec['min_hours_per_week']!r}"))
        allowed = None
        if rec.get("shifts"):
            allowed = tuple(s.strip() for s in rec["shifts"].split(";") if s.strip())
            for s in allowed:
                if shifts is not None and s not in shifts:
                    near = difflib.get_close_matches(s, list(shifts), n=1)
                    hint = f" (did you mean {near[0]!r}?)" if near else f" (shifts: {', '.join(shifts)})"
                    problems.append((f"row {row}: shifts", f"unknown shift {s!r}{hint}, got {rec['shifts']!r}"))
        consecutive = 0
        if rec.get("consecutive_days_off"):
            consecutive = _field(problems, row, "consecutive_days_off", lambda t: _number(t, int, 0, 7),
                                 rec["consecutive_days_off"])
        weekends = None
        if rec.get("max_weekends_per_month"):
            weekends = _field(problems, row, "max_weekends_per_month", lambda t: _number(t, int, 0, 5),
                              rec["max_weekends_per_month"])
        in_a_row = None
        if rec.get("max_consecutive_days"):
            in_a_row = _field(problems, row, "max_consecutive_days", lambda t: _number(t, int, 1, 31),
                              rec["max_consecutive_days"])
        history: tuple[bool, ...] | None = ()
        if rec.get("worked_before"):
            history = _field(problems, row, "worked_before", _history, rec["worked_before"])
        lists: dict[str, tuple] = {}
        for col in ("unavailable", "leave", "prefers_off"):
            lists[col] = _field(problems, row, col, parse_date_list, rec.get(col, "")) or (frozenset(), frozenset())
        if lists["leave"][1]:
            problems.append((f"row {row}: leave", "must list dates or date ranges, not weekdays (use "
                                                  f"'unavailable' for those), got {rec['leave']!r}"))
        post, role = rec.get("post") or None, (rec.get("role") or "").upper() or None
        if post is not None and not is_id(post):
            problems.append((f"row {row}: post", f"must be letters, digits, '_' or '-', got {post!r}"))
        if role is not None and role not in ("A", "B"):
            problems.append((f"row {row}: role", f"must be A (primary) or B (backup), got {rec.get('role')!r}"))
        if (post is None) != (role is None):
            col = "role" if post else "post"
            problems.append((f"row {row}: {col}", f"post and role go together; got post {post or ''!r}, "
                                                  f"role {rec.get('role', '')!r}"))
        if len(problems) > before:
            continue
        assert skills is not None and max_hours is not None and max_days is not None  # else a problem was recorded
        people.append(StaffMember(
            id=pid, name=rec.get("name", ""), skills=skills, max_hours=max_hours, max_days=max_days,
            min_hours=min_hours, shifts=allowed, consecutive_off=consecutive, max_weekends_per_month=weekends,
            unavailable_dates=lists["unavailable"][0], unavailable_weekdays=lists["unavailable"][1],
            leave=lists["leave"][0], prefers_off_dates=lists["prefers_off"][0],
            prefers_off_weekdays=lists["prefers_off"][1], post=post, role=role, row=row,
            max_consecutive=in_a_row, before=history or ()))
    if not problems:  # a dropped row would make its post look incomplete
        problems += _post_problems(people)
    if not people and not problems:
        problems.append(("", "lists nobody: give one person a row after the header"))
    if problems:
        raise StaffFileError.collect(file, problems)
    return tuple(people)


def post_zone(members: Sequence[StaffMember]) -> str:
    """The zone of a post: the home zone of its first primary (A), else of its first member."""
    primaries = [m for m in members if m.role == "A"] or list(members)
    return primaries[0].home


def _post_problems(people: Sequence[StaffMember]) -> list[tuple[str, str]]:
    """AB岗: every post has a primary (A) and a backup (B), all skilled for its zone."""
    posts: dict[str, list[StaffMember]] = {}
    for p in people:
        if p.post:
            posts.setdefault(p.post, []).append(p)
    problems = []
    for post, members in posts.items():
        roles = {m.role for m in members}
        if roles != {"A", "B"}:
            lacking = "backup (B)" if "B" not in roles else "primary (A)"
            problems.append((f"row {members[0].row}: post",
                             f"post {post!r} has no {lacking}: every post needs at least two trained people, "
                             f"a primary and a backup (AB岗); got {', '.join(f'{m.id} ({m.role})' for m in members)}"))
            continue
        zone = post_zone(members)
        for m in members:
            if zone not in m.zones:
                problems.append((f"row {m.row}: skills", f"{m.id} holds post {post!r} at zone {zone!r} but is not "
                                                         f"skilled for it, got {';'.join(m.zones)!r}"))
    return problems


def read_staff_csv(path, *, zones: Sequence[str] | None = None, shifts: Sequence[str] | None = None,
                   categories=None) -> tuple[StaffMember, ...]:
    """Read and validate the staff CSV at *path*; see :func:`parse_staff_rows`.

    A missing or unreadable file, text in an unknown encoding (see ``sim.textfile``) and
    a malformed header are StaffFileErrors too.
    """
    path = Path(path)
    text = read_text(path, StaffFileError, what="a staff CSV file", max_bytes=MAX_CSV_BYTES)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise StaffFileError(str(path), "", "file is empty: expected a header row "
                                            f"({','.join(REQUIRED)}, ...)")
    reader.fieldnames = header
    rows = list(reader)
    for k, rec in enumerate(rows, start=2):
        if None in rec:
            raise StaffFileError(str(path), f"row {k}", f"has {len(header) + len(rec[None])} fields, the header "
                                                        f"has {len(header)}, got {rec[None]!r} beyond it")
    return parse_staff_rows(rows, file=str(path), zones=zones, shifts=shifts, categories=categories,
                            header=header)
