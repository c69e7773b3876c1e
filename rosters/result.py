"""A solved week: named people's shifts, coverage, what could not be met and why, fairness."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimize import format_clock
from rosters.problem import WeekProblem, post_zones

__all__ = ["WeeklyRoster", "coverage_tables", "diagnose"]


def coverage_tables(problem: WeekProblem, stints: pd.DataFrame, *, effective: bool = False) -> dict:
    """Per open date a DataFrame zone x period label: people on duty (or speed-weighted staff)."""
    speeds = {p.id: dict(p.skills) for p in problem.staff}
    out = {}
    for d in problem.days:
        table = np.zeros((len(d.zones), d.n))
        rows = stints[stints["date"] == d.date.isoformat()]
        zi = {z: k for k, z in enumerate(d.zones)}
        starts = np.asarray(d.grid.starts)
        for r in rows.itertuples(index=False):
            inside = (starts >= r.start) & (starts + d.grid.period_minutes <= r.end)
            table[zi[r.zone], inside] += 1.0 / speeds[r.person][r.zone] if effective else 1.0
        out[d.date] = pd.DataFrame(table, index=pd.Index(d.zones, name="zone"),
                                   columns=pd.Index(d.grid.labels, name="period"))
    return out


def diagnose(problem: WeekProblem, shifts: pd.DataFrame, stints: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """What could not be met and why: unmet zone-periods (with a reason) and other issues.

    Unmet rows: ``date, zone, period, required, staffed, shortfall, reason``; requirements
    capped at the windows are listed too. Issues: AB posts with nobody on duty,
    contract minimum hours not reached.
    """
    eff = coverage_tables(problem, stints, effective=True)
    working = {(r.person, r.date): r for r in shifts.itertuples(index=False)}
    rows = []
    for date, z, label, r, windows in problem.capped:
        rows.append({"date": date.isoformat(), "zone": z, "period": label, "required": r, "staffed": float(windows),
                     "shortfall": float(r - windows),
                     "reason": f"the requirement exceeds the zone's {windows} windows (capped there)"})
    for d in problem.days:
        iso = d.date.isoformat()
        for z in d.zones:
            for t, label in enumerate(d.grid.labels):
                r = d.required[z][t]
                got = float(eff[d.date].loc[z, label])
                if got + 1e-9 >= r:
                    continue
                skilled = [p for p in problem.staff if z in p.zones]
                away = [p for p in skilled if not p.can_work(d.date)]
                on = [p for p in skilled if (p.id, iso) in working]
                elsewhere = stints[(stints["date"] == iso) & (stints["zone"] != z)
                                   & (stints["start"] <= d.grid.starts[t])
                                   & (stints["end"] >= d.grid.starts[t] + d.grid.period_minutes)]
                busy = sorted(set(elsewhere["person"]) & {p.id for p in skilled})
                off = len(skilled) - len(away) - len(on)
                reason = (f"{len(skilled)} people are skilled for {z}: {len(away)} on leave or unavailable, "
                          f"{off} off by contract or days-off rules, {len(on)} at work"
                          + (f" ({len(busy)} of them at other zones then)" if busy else "")
                          + (f"; the windows ({d.windows[z]}) are all staffed" if got >= d.windows[z] else ""))
                rows.append({"date": iso, "zone": z, "period": label, "required": r, "staffed": round(got, 3),
                             "shortfall": round(r - got, 3), "reason": reason})
    unmet = pd.DataFrame(rows, columns=["date", "zone", "period", "required", "staffed", "shortfall", "reason"])
    issues = []
    zones = post_zones(problem)
    for post, members in problem.posts.items():
        for d in problem.days:
            if zones[post] not in d.open_zones:
                continue
            iso = d.date.isoformat()
            if any((m.id, iso) in working for m in members):
                continue
            why = []
            for m in members:
                if d.date in m.leave:
                    why.append(f"{m.id} ({m.role}) on leave")
                elif not m.can_work(d.date):
                    why.append(f"{m.id} ({m.role}) unavailable")
                else:
                    why.append(f"{m.id} ({m.role}) off (contract or days-off rules)")
            issues.append(f"AB post {post} ({zones[post]}) has nobody on duty on {d.day.label}: {', '.join(why)}")
    issues += history_issues(problem)
    for p in problem.staff:
        if p.min_hours <= 0:
            continue
        for monday, days in problem.calendar.weeks().items():
            leave = sum(1 for day in days if day.date in p.leave)
            minimum = p.min_hours * max(0.0, 1 - leave / max(p.max_days, 1)) * len(days) / 7
            got = float(shifts[(shifts["person"] == p.id)
                               & shifts["date"].isin([day.date.isoformat() for day in days])]["paid_hours"].sum())
            if got + 1e-6 < minimum:
                issues.append(f"{p.id} works {got:g} h in the week of {monday}, below the contract minimum "
                              f"{minimum:g} h (not enough work fits the windows and shifts)")
    return unmet, issues


def history_issues(problem: WeekProblem) -> list[str]:
    """Rules that the days worked before the start (``worked_before``) break by themselves,
    whatever the roster does: the roster keeps the person off where it can and says so."""
    start = problem.calendar.days[0].date
    monday = start - dt.timedelta(days=start.weekday())
    week = [monday + dt.timedelta(days=j) for j in range(7)]
    out = []
    for p in problem.staff:
        before = p.history(start)
        worked = sorted(day for day, w in before.items() if w)
        if not worked:
            continue
        this_week = [day for day in worked if day >= monday]
        if len(this_week) > p.max_days:
            out.append(f"{p.id} worked {len(this_week)} days of the week of {monday} before {start}, more than "
                       f"days_per_week {p.max_days} already")
        k = p.consecutive_off
        known = set(before) | {d.date for d in problem.calendar.days}
        if k and this_week and all(day in known for day in week) and not any(
                all(week[(j + q) % 7] not in this_week for q in range(k)) for j in range(7)):
            out.append(f"{p.id}: the days worked before {start} leave no {k} consecutive days off in the week "
                       f"of {monday}")
        run = 0
        while run < len(before) and before[start - dt.timedelta(days=run + 1)]:
            run += 1
        if p.max_consecutive is not None and run > p.max_consecutive:
            out.append(f"{p.id} worked {run} days in a row before {start}, more than max_consecutive_days "
                       f"{p.max_consecutive} already")
        if p.max_weekends_per_month is not None:
            months: dict[tuple[int, int], set] = {}
            for day in worked:
                if day.weekday() >= 5:
                    saturday = day - dt.timedelta(days=day.weekday() - 5)
                    months.setdefault((saturday.year, saturday.month), set()).add(saturday)
            for (year, month), weekends in sorted(months.items()):
                if len(weekends) > p.max_weekends_per_month:
                    out.append(f"{p.id} worked {len(weekends)} weekends of {year}-{month:02d} before {start}, "
                               f"more than max_weekends_per_month {p.max_weekends_per_month} already")
    return out


@dataclass(frozen=True, eq=False)
class WeeklyRoster:
    """The roster of a week for named people.

    *status*: ``optimal`` (within the requested gap), ``feasible`` (time limit with
    an incumbent), ``understaffed`` (best roster; see *unmet* and *issues*),
    ``infeasible`` or ``not solved``. *shifts*: one row per person and day worked;
    *stints*: spells at one zone (minutes since midnight); *duty*: per date the
    people on duty, zone x period; *gap* the proven relative gap. ``shifts["switches"]``
    counts each person-day's changes of zone.
    """

    problem: WeekProblem
    status: str
    solver_status: str
    objective: float | None
    bound: float | None
    gap: float | None
    shifts: pd.DataFrame
    stints: pd.DataFrame
    duty: dict
    unmet: pd.DataFrame
    issues: tuple[str, ...]
    seconds: float
    size: dict

    @property
    def paid_hours(self) -> float:
        return float(self.shifts["paid_hours"].sum()) if len(self.shifts) else 0.0

    def requirements(self, date: dt.date) -> pd.DataFrame:
        d = self.problem.day(date)
        return pd.DataFrame([list(d.required[z]) for z in d.zones], index=pd.Index(d.zones, name="zone"),
                            columns=pd.Index(d.grid.labels, name="period"))

    @property
    def zone_switches(self) -> int:
        """Times anyone changes zone within a day (the ``switches`` column of ``shifts``)."""
        return int(self.shifts["switches"].sum()) if len(self.shifts) else 0

    def fairness(self) -> pd.DataFrame:
        """Per person: days and paid hours worked, weekend days, late shifts, zone switches
        (changes of zone within a day, summed over the days) and days with a switch."""
        late = {d.date.isoformat(): d.late for d in self.problem.days}
        rows = []
        for p in self.problem.staff:
            mine = self.shifts[self.shifts["person"] == p.id]
            weekend = sum(1 for s in mine["date"] if dt.date.fromisoformat(s).weekday() >= 5)
            lates = sum(1 for s, sid in zip(mine["date"], mine["shift"]) if sid in late[s])
            rows.append({"person": p.id, "name": p.name, "home": p.home, "days": len(mine),
                         "paid_hours": float(mine["paid_hours"].sum()), "weekend_days": weekend, "late_shifts": lates,
                         "zone_switches": int(mine["switches"].sum()), "days_switching": int((mine["switches"] > 0).sum())})
        return pd.DataFrame(rows)

    def fairness_stats(self) -> pd.DataFrame:
        """Spread of weekend days, late shifts, zone switches, days and hours over the people who work at all."""
        f = self.fairness()
        f = f[f["days"] > 0]
        stats = []
        for col in ("days", "paid_hours", "weekend_days", "late_shifts", "zone_switches"):
            v = f[col].astype(float)
            stats.append({"measure": col, "people": len(v), "min": v.min() if len(v) else 0.0,
                          "max": v.max() if len(v) else 0.0, "mean": v.mean() if len(v) else 0.0,
                          "std": v.std(ddof=0) if len(v) else 0.0, "total": v.sum()})
        return pd.DataFrame(stats)

    def people_entries(self, date: dt.date) -> list[dict]:
        """The day's ``people:`` entries for a scenario: one per person and zone spell.

        Two spells at the same zone around the person's lunch become one entry whose
        lunch is fixed where the roster put it (earliest = latest = the lunch start). An
        entry carries the person's speed factor at its zone (``speed``, omitted when 1), so
        the simulation serves at that zone as slowly as the staff file says.
        """
        iso = date.isoformat()
        d = self.problem.day(date)
        skills = {p.id: [z for z in p.zones if z in d.zones] for p in self.problem.staff}
        speeds = {p.id: dict(p.skills) for p in self.problem.staff}
        out = []
        for person, group in self.stints[self.stints["date"] == iso].groupby("person", sort=True):
            spells = sorted(group[["zone", "start", "end"]].itertuples(index=False, name=None), key=lambda r: r[1])
            merged: list[dict] = []
            for zone, a, b in spells:
                prev = merged[-1] if merged else None
                if prev is not None and prev["zone"] == zone and "lunch" not in prev and a > prev["end"]:
                    prev["lunch"] = (prev["end"], a - prev["end"])
                    prev["end"] = b
                else:
                    merged.append({"zone": zone, "start": a, "end": b})
            for k, spell in enumerate(merged, start=1):
                entry = {"id": f"{person}-{k}" if len(merged) > 1 else str(person), "count": 1,
                         "start": format_clock(spell["start"]), "end": format_clock(spell["end"]),
                         "zones": [spell["zone"]] + [z for z in skills[person] if z != spell["zone"]]}
                if "lunch" in spell:
                    start, minutes = spell["lunch"]
                    entry["lunch"] = {"minutes": int(minutes), "earliest": format_clock(start),
                                      "latest": format_clock(start)}
                speed = float(speeds[person][spell["zone"]])
                if speed != 1.0:
                    entry["speed"] = speed
                out.append(entry)
        return out

    def summary(self) -> str:
        gap = "-" if self.gap is None else f"{100 * self.gap:.2f}%"
        lines = [f"roster {self.status}: {self.shifts['person'].nunique() if len(self.shifts) else 0} of "
                 f"{len(self.problem.staff)} people work, {self.paid_hours:g} paid hours over "
                 f"{len(self.problem.days)} open days; objective {self.objective or 0:.1f}, bound "
                 f"{self.bound or 0:.1f}, gap {gap}; {self.seconds:.1f} s"]
        if len(self.shifts):
            moved = self.shifts[self.shifts["switches"] > 0]
            lines.append(f"  zone switches: {self.zone_switches} by {moved['person'].nunique()} people on "
                         f"{len(moved)} person-days")
        lines += [f"  unmet: {r.date} {r.zone} {r.period} short by {r.shortfall:g}: {r.reason}"
                  for r in self.unmet.head(20).itertuples(index=False)]
        if len(self.unmet) > 20:
            lines.append(f"  ... {len(self.unmet) - 20} more unmet zone-periods")
        lines += [f"  {issue}" for issue in self.issues]
        return "\n".join(lines)
