"""A small hall, a week of day types, shifts and a staff file for the roster tests."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

import optimize
import rosters
import sim

MONDAY = dt.date(2026, 12, 7)

HALL = {
    "name": "small hall",
    "hours": {"open": "08:00", "close": "12:00"},
    "period_minutes": 30,
    "target_wait": 15,
    "zones": [{"id": "tax", "name": "税务区", "windows": 4, "staff": 2},
              {"id": "property", "name": "不动产", "windows": 3, "staff": 2},
              {"id": "social", "name": "社保", "windows": 3, "staff": 1}],
    "services": [
        {"id": "invoice", "zone": "tax", "arrivals": {"rate_per_hour": 10},
         "service_time": {"dist": "lognormal", "mean": 8, "cv": 0.6}},
        {"id": "transfer", "zone": "property", "arrivals": {"rate_per_hour": 7},
         "service_time": {"dist": "lognormal", "mean": 10, "cv": 0.5}},
        {"id": "pension", "zone": "social", "arrivals": {"rate_per_hour": 5},
         "service_time": {"dist": "exponential", "mean": 8}},
    ],
}

SHIFTS = {
    "period_minutes": 30,
    "shifts": [
        {"id": "full", "start": "08:00", "end": "12:00",
         "lunch": {"minutes": 30, "earliest": "09:30", "latest": "10:30"}},
        {"id": "early", "start": "08:00", "end": "10:00"},
        {"id": "late", "start": "10:00", "end": "12:00"},
    ],
}

CALENDAR = {
    "name": "small week",
    "start": MONDAY.isoformat(),
    "days": 7,
    "shifts": "shifts.yaml",
    "day_types": {
        "weekday": {},
        "monday": {"demand_scale": 1.3},
        "saturday": {"demand_scale": 0.5, "hours": {"open": "08:00", "close": "10:00"}},
        "closed": "closed",
    },
    "weekdays": {"mon": "monday", "tue": "weekday", "wed": "weekday", "thu": "weekday", "fri": "weekday",
                 "sat": "saturday", "sun": "closed"},
    "dates": {"2026-12-10": "closed"},
}

HEADER = ("id,name,skills,hours_per_week,days_per_week,min_hours_per_week,shifts,consecutive_days_off,"
          "max_weekends_per_month,unavailable,leave,prefers_off,post,role")
STAFF = [
    "t1,王芳,tax,40,5,,,2,1,,,,tax-1,A",
    "t2,李娜,tax;property:1.2,40,5,,,2,1,,2026-12-08..2026-12-09,,tax-1,B",
    "t3,张伟,tax,40,5,,,2,1,,,,tax-2,A",
    "t4,刘洋,tax;social:1.1,40,5,,,2,1,,,fri,tax-2,B",
    "t5,陈静,tax,20,5,,early;late,0,,sat,,,,",
    "p1,杨磊,property,40,5,,,2,1,,,,prop-1,A",
    "p2,黄敏,property;tax,40,5,,,2,1,,2026-12-11,,prop-1,B",
    "p3,赵勇,property,40,4,,,2,,,,,,",
    "s1,吴艳,social,40,5,,,2,1,,,,soc-1,A",
    "s2,周杰,social;property,40,5,,,2,1,,,,soc-1,B",
    "s3,徐娟,social;tax,40,5,,,2,,,2026-12-07,,,",
    "g1,孙涛,tax;property;social,40,5,,,2,1,,,,,",
]


def write_case(folder, staff_lines=STAFF, calendar=CALENDAR, bom=False):
    """Write hall.yaml, shifts.yaml, week.yaml and staff.csv into *folder*; return their paths."""
    paths = {name: folder / name for name in ("hall.yaml", "shifts.yaml", "week.yaml", "staff.csv")}
    paths["hall.yaml"].write_text(yaml.safe_dump(HALL, allow_unicode=True), encoding="utf-8")
    paths["shifts.yaml"].write_text(yaml.safe_dump(SHIFTS), encoding="utf-8")
    paths["week.yaml"].write_text(yaml.safe_dump(calendar, allow_unicode=True), encoding="utf-8")
    text = "\n".join([HEADER, *staff_lines]) + "\n"
    paths["staff.csv"].write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return paths


@pytest.fixture(scope="session")
def case(tmp_path_factory):
    """The small case loaded: (hall, calendar, shifts, staff, requirements)."""
    paths = write_case(tmp_path_factory.mktemp("case"))
    hall = sim.load_scenario(paths["hall.yaml"])
    week = rosters.load_calendar(paths["week.yaml"], hall)
    shifts = optimize.load_shift_file(week.shifts, grid=week.union_grid(), zones=hall.zone_ids)
    staff = rosters.read_staff_csv(paths["staff.csv"], zones=hall.zone_ids, shifts=[p.id for p in shifts.patterns])
    need = rosters.week_requirements(week, "wait<=15@80%", "sipp")
    return hall, week, shifts, staff, need, paths


@pytest.fixture(scope="session")
def solved(case):
    hall, week, shifts, staff, need, _ = case
    return rosters.roster_week(week, staff, shifts, need, time_limit=30)
