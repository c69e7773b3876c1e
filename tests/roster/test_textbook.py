"""Known optima: Winston's post office (5 consecutive days on, 2 off) generalised to shifts.

Winston (Operations Research, ch. 3): a post office needs 17, 13, 15, 19, 14, 16, 11
full-time employees Monday to Sunday; each works five consecutive days and has two
days off; the least workforce is 23 (the LP bound is 22 1/3). Here every employee
is a named person with a 40-hour minimum and maximum, five days a week and two
consecutive days off (cyclic), one eight-hour shift a day with a one-hour lunch
(08:00-17:00, lunch 12:00-13:00, hourly periods; nothing is required at lunch). 23 people cover every day; 22 cannot.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import optimize
import rosters
import sim

WEEK = [17, 13, 15, 19, 14, 16, 11]
MONDAY = dt.date(2026, 12, 7)


def post_office(people: int):
    hall = sim.scenario_from_dict({
        "name": "post office", "hours": {"open": "08:00", "close": "17:00"}, "period_minutes": 60,
        "zones": [{"id": "counter", "windows": 40, "staff": 1}],
        "services": [{"id": "mail", "zone": "counter", "arrivals": {"rate_per_hour": 1},
                      "service_time": {"dist": "exponential", "mean": 1}}]})
    week = rosters.parse_calendar({"start": MONDAY.isoformat(), "days": 7, "day_types": {"open": {}},
                                   "weekdays": {d: "open" for d in rosters.dates.WEEKDAYS}}, hall)
    shifts = optimize.ShiftSpec((optimize.ShiftPattern("day", 480, 1020, optimize.Lunch(60, 720, 720)),))
    rows = [{"id": f"e{k}", "skills": "counter", "hours_per_week": "40", "min_hours_per_week": "40",
             "days_per_week": "5", "consecutive_days_off": "2"} for k in range(people)]
    staff = rosters.parse_staff_rows(rows, zones=["counter"])
    labels = week.days[0].grid.labels
    need = {d.date: pd.DataFrame([[0 if label == "12:00" else WEEK[d.date.weekday()] for label in labels]],
                                 index=["counter"], columns=labels)
            for d in week.days}   # everyone lunches 12:00-13:00; nothing is required then
    return rosters.roster_week(week, staff, shifts, need, gap=0.0, time_limit=60)


def test_23_people_cover_the_week():
    roster = post_office(23)
    assert roster.status == "optimal" and roster.unmet.empty and not roster.issues
    assert roster.gap == 0.0
    assert roster.paid_hours == 23 * 40          # each works exactly five 8-hour days
    per_day = roster.shifts.groupby("date").size().tolist()
    assert all(n >= need for n, need in zip(per_day, WEEK)) and sum(per_day) == 115
    for person, mine in roster.shifts.groupby("person"):   # five consecutive days on (cyclic)
        off = sorted(set(range(7)) - {dt.date.fromisoformat(d).weekday() for d in mine["date"]})
        assert len(off) == 2 and (off[1] - off[0] in (1, 6)), (person, off)
    assert rosters.check_roster(roster) == []


@pytest.mark.slow
def test_22_people_cannot():
    roster = post_office(22)
    assert roster.status == "understaffed"
    assert roster.gap == 0.0                    # proven: the shortfall is the least possible
    assert roster.unmet["shortfall"].sum() >= 1
    assert rosters.check_roster(roster) == []
