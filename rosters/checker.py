"""An independent check of a roster against the rules, from its tables alone.

Nothing here reads the integer program: the rules are re-derived from the staff
file, the calendar and the shift patterns and applied to the roster's tables
(one row per person-day, one per spell at a zone), so a mistake in the program
or in the disaggregation shows up as a violation. Rules:

* ``shift``: a known pattern the person may work, inside the day's opening hours,
  with its own start and end, a lunch start on the grid within its window;
* ``leave``: nobody works on leave, on an unavailable weekday or date, or on a closed day;
* ``one_shift``: at most one shift a person a day;
* ``days``, ``hours``, ``min_hours`` (not checked: soft), per calendar week;
* ``days_off``: k consecutive days off in every calendar week whose seven days are known
  (cyclic Mon-Sun);
* ``weekends``: at most N weekends (Saturday or Sunday worked) a month;
* ``in_a_row``: at most M days worked in a row;
* ``skills``: every spell at a zone the person is skilled for;
* ``two_places``: a person's spells never overlap (never at two zones at once), and lie
  within the shift, outside the lunch;
* ``windows``: people at a zone never exceed its windows;
* ``ab``: every AB post has one of its people on duty on each day its zone has demand.

The days before the start that the staff file's ``worked_before`` gives count as they
were: towards the days of the week the horizon starts in, the days off of that week, the
weekends of their month and the runs of days worked. A rule that those days break by
themselves (six days worked before a Saturday start with five allowed) is not the roster's
doing and is not reported here (the roster's ``issues`` say so).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from optimize import parse_clock
from rosters.staff import post_zone

__all__ = ["Violation", "check_roster"]


@dataclass(frozen=True)
class Violation:
    """A broken *rule* by *who* (a person or post id) on *date* (ISO text, or the week's Monday)."""

    rule: str
    who: str
    date: str
    message: str


def check_roster(roster) -> list[Violation]:
    """Every rule violation of *roster* (a WeeklyRoster); an empty list when all hold."""
    problem = roster.problem
    cal, staff = problem.calendar, {p.id: p for p in problem.staff}
    days = {d.date.isoformat(): d for d in cal.days}
    patterns = {p.id: p for p in problem.shifts.patterns}
    out: list[Violation] = []
    seen: dict[tuple[str, str], int] = defaultdict(int)
    worked: dict[str, dict[str, Any]] = defaultdict(dict)  # person -> date -> shift row
    for r in roster.shifts.itertuples(index=False):
        p, day, pat = staff.get(r.person), days.get(r.date), patterns.get(r.shift)
        seen[r.person, r.date] += 1
        if p is None or day is None or pat is None:
            out.append(Violation("shift", r.person, r.date, f"unknown person, date or shift {r.shift!r}"))
            continue
        worked[r.person][r.date] = r
        d = day.date
        if not day.is_open:
            out.append(Violation("leave", p.id, r.date, "works on a day the hall is closed"))
            continue
        if d in p.leave:
            out.append(Violation("leave", p.id, r.date, "works while on leave"))
        elif d in p.unavailable_dates or d.weekday() in p.unavailable_weekdays:
            out.append(Violation("leave", p.id, r.date, "works while unavailable"))
        if p.shifts is not None and pat.id not in p.shifts:
            out.append(Violation("shift", p.id, r.date, f"shift {pat.id} is not among the contract's {p.shifts}"))
        s = day.scenario
        if parse_clock(r.start) != pat.start or parse_clock(r.end) != pat.end:
            out.append(Violation("shift", p.id, r.date, f"{r.start}-{r.end} is not shift {pat.id}'s hours"))
        if pat.start < s.open_minute or pat.end > s.close_minute:
            out.append(Violation("shift", p.id, r.date, f"shift {pat.id} lies outside the opening hours"))
        if abs(float(r.paid_hours) - pat.paid_minutes / 60) > 1e-9:
            out.append(Violation("shift", p.id, r.date, f"paid hours {r.paid_hours} differ from the shift's"))
        if (pat.lunch is None) != (r.lunch_start == ""):
            out.append(Violation("shift", p.id, r.date, "lunch given for a shift without one, or missing"))
        elif pat.lunch is not None:
            ls = parse_clock(r.lunch_start)
            if not pat.lunch.earliest <= ls <= pat.lunch.latest or (ls - s.open_minute) % s.period_minutes:
                out.append(Violation("shift", p.id, r.date, f"lunch at {r.lunch_start} outside "
                                                            f"{pat.id}'s window or off the grid"))
    for (pid, date), n in seen.items():
        if n > 1:
            out.append(Violation("one_shift", pid, date, f"{n} shifts on one day"))
    weeks = cal.weeks()
    start, end = cal.days[0].date, cal.days[-1].date
    for pid, p in staff.items():
        mine = worked.get(pid, {})
        # every day known: before the start as the staff file says, in the horizon as rostered
        before = p.history(start)
        status = {**before, **{day.date: day.date.isoformat() in mine for day in cal.days}}
        weekend_weeks: dict[tuple[int, int], int] = defaultdict(int)     # weekends the roster adds
        weekends_before: dict[tuple[int, int], int] = defaultdict(int)
        for monday in sorted({day - dt.timedelta(days=day.weekday()) for day in status}):
            week = [monday + dt.timedelta(days=j) for j in range(7)]
            saturday = week[5]
            earlier = [day for day in week if before.get(day)]
            on = [day for day in week if day >= start and status.get(day)]
            if any(day.weekday() >= 5 for day in earlier):
                weekends_before[saturday.year, saturday.month] += 1
            elif any(day.weekday() >= 5 for day in on):
                weekend_weeks[saturday.year, saturday.month] += 1
            if monday not in weeks:
                continue   # a week before the horizon: not the roster's
            hours = sum(float(mine[day.isoformat()].paid_hours) for day in on)
            if len(on) > max(0, p.max_days - len(earlier)):
                extra = f" (+{len(earlier)} before {start})" if earlier else ""
                out.append(Violation("days", pid, monday.isoformat(),
                                     f"{len(on)} days worked{extra}, at most {p.max_days}"))
            if hours > p.max_hours + 1e-9:
                out.append(Violation("hours", pid, monday.isoformat(), f"{hours:g} h worked, at most {p.max_hours:g}"))
            k = p.consecutive_off
            if k and all(day in status for day in week):
                off = [not status[day] for day in week]
                could = [not before.get(day, False) for day in week]   # the best the roster could do
                holds = any(all(off[(j + q) % 7] for q in range(k)) for j in range(7))
                if not holds and any(all(could[(j + q) % 7] for q in range(k)) for j in range(7)):
                    out.append(Violation("days_off", pid, monday.isoformat(),
                                         f"no {k} consecutive days off in the week"
                                         + (f" (counting the days before {start})" if earlier else "")))
        if p.max_weekends_per_month is not None:
            for (year, month), n in weekend_weeks.items():
                done = weekends_before.get((year, month), 0)
                if n > max(0, p.max_weekends_per_month - done):
                    extra = f" (+{done} before {start})" if done else ""
                    out.append(Violation("weekends", pid, f"{year}-{month:02d}",
                                         f"{n} weekends worked{extra}, at most {p.max_weekends_per_month}"))
        if p.max_consecutive is not None:
            run: list[dt.date] = []
            for day in sorted(status) + [end + dt.timedelta(days=1)]:
                if status.get(day):
                    run.append(day)
                    continue
                if len(run) > p.max_consecutive and run[-1] >= start:
                    out.append(Violation("in_a_row", pid, run[0].isoformat(),
                                         f"{len(run)} days worked in a row from {run[0]} to {run[-1]}, "
                                         f"at most {p.max_consecutive}"))
                run = []
    spells: dict[tuple[str, str], list] = defaultdict(list)
    for r in roster.stints.itertuples(index=False):
        p = staff.get(r.person)
        if p is None:
            out.append(Violation("skills", r.person, r.date, "unknown person"))
            continue
        if r.zone not in p.zones:
            out.append(Violation("skills", p.id, r.date, f"at zone {r.zone}, not among the skills {p.zones}"))
        spells[r.person, r.date].append((int(r.start), int(r.end), r.zone))
    for (pid, date), items in spells.items():
        items.sort()
        for (_, b1, z1), (a2, _, z2) in zip(items, items[1:]):
            if a2 < b1:
                out.append(Violation("two_places", pid, date, f"at {z1} until minute {b1} and at {z2} from {a2}"))
        shift = worked.get(pid, {}).get(date)
        if shift is None:
            out.append(Violation("two_places", pid, date, "at a zone without a shift that day"))
            continue
        start, end = parse_clock(shift.start), parse_clock(shift.end)
        lunch = None if shift.lunch_start == "" else (parse_clock(shift.lunch_start), parse_clock(shift.lunch_end))
        for a, b, z in items:
            if a < start or b > end or (lunch and a < lunch[1] and b > lunch[0]):
                out.append(Violation("two_places", pid, date, f"at {z} {a}-{b} outside the shift or during lunch"))
    for date, day in days.items():
        if not day.is_open:
            continue
        s = day.scenario
        rows = roster.stints[roster.stints["date"] == date]
        for k in range(s.n_periods):
            a = s.open_minute + k * s.period_minutes
            here = rows[(rows["start"] < a + s.period_minutes) & (rows["end"] > a)]
            for zone, n in here.groupby("zone").size().items():
                if n > s.zone(zone).windows:
                    out.append(Violation("windows", str(zone), date, f"{n} people at {a} min, "
                                                                     f"{s.zone(zone).windows} windows"))
    posts: dict[str, list] = defaultdict(list)
    for p in staff.values():
        if p.post:
            posts[p.post].append(p)
    for post, members in posts.items():
        zone = post_zone(members)
        for d in problem.days:
            if zone in d.open_zones and not any(d.date.isoformat() in worked.get(m.id, {}) for m in members):
                out.append(Violation("ab", post, d.date.isoformat(), f"nobody of post {post} ({zone}) on duty"))
    return out
