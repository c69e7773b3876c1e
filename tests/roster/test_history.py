"""Days worked before the start (``worked_before``): the rules hold across the start of the horizon.

Each case is one zone that needs one person every open day and two people who can do it;
B would rather not work the days in question, so a roster that ignores A's history puts
A there - and breaks A's rule counted across the start. With the history the roster keeps
A off, and the independent checker, given the history, catches the roster that ignored it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

import optimize
import rosters
from rosters import StaffFileError

HALL = {"name": "one zone", "hours": {"open": "08:00", "close": "10:00"},
        "zones": [{"id": "z", "windows": 2, "staff": 1}],
        "services": [{"id": "s", "zone": "z", "arrivals": {"rate_per_hour": 1},
                      "service_time": {"dist": "exponential", "mean": 5}}]}
SHIFTS = optimize.ShiftSpec((optimize.ShiftPattern("s", 480, 600),))


def solve(start: str, days: int, rows: list[dict]):
    import sim

    hall = sim.scenario_from_dict(HALL)
    week = rosters.parse_calendar({"start": start, "days": days, "day_types": {"open": {}},
                                   "weekdays": {d: "open" for d in rosters.dates.WEEKDAYS}}, hall)
    staff = rosters.parse_staff_rows([{"skills": "z", "hours_per_week": "40", **r} for r in rows], zones=["z"])
    labels = week.days[0].grid.labels
    need = {d.date: pd.DataFrame([[1] * len(labels)], index=["z"], columns=labels) for d in week.days}
    # no fairness charge for weekends: only the rules and B's preferences decide who works when
    return rosters.roster_week(week, staff, SHIFTS, need, weights=rosters.Weights(weekend=0.0))


def days_of(roster, person):
    return sorted(dt.date.fromisoformat(d) for d in roster.shifts.loc[roster.shifts["person"] == person, "date"])


def judged_with(roster, other):
    """*roster*'s tables judged against *other*'s staff file (e.g. with the history it ignored)."""
    return rosters.check_roster(dataclasses.replace(roster, problem=other.problem))


def rules(violations, who="a"):
    return {v.rule for v in violations if v.who == who}


def test_max_consecutive_days_counts_the_days_before_the_start():
    # A worked the six days before Monday 7 December; at most six in a row: A must be off Monday.
    a = {"id": "a", "days_per_week": "6", "max_consecutive_days": "6"}
    b = {"id": "b", "days_per_week": "5", "prefers_off": "mon"}
    blind = solve("2026-12-07", 7, [a, b])
    assert dt.date(2026, 12, 7) in days_of(blind, "a")       # without history A takes B's unwanted Monday
    seen = solve("2026-12-07", 7, [{**a, "worked_before": "OWWWWWW"}, b])
    assert dt.date(2026, 12, 7) not in days_of(seen, "a")
    assert rosters.check_roster(seen) == [] and rosters.check_roster(blind) == []
    caught = [v for v in judged_with(blind, seen) if v.who == "a"]
    assert [v.rule for v in caught] == ["in_a_row"]
    assert caught[0].date == "2026-12-01" and "in a row from 2026-12-01" in caught[0].message
    # the whole-number form means the same: six days worked, the day before them off
    assert solve("2026-12-07", 7, [{**a, "worked_before": "6"}, b]).shifts.equals(seen.shifts)


def test_days_per_week_counts_the_days_worked_earlier_in_the_week():
    # The horizon starts on Wednesday; A worked Monday and Tuesday, five days a week at most.
    a = {"id": "a", "days_per_week": "5"}
    b = {"id": "b", "days_per_week": "5", "prefers_off": "wed;thu;fri;sat;sun"}
    blind = solve("2026-12-09", 5, [a, b])
    assert len(days_of(blind, "a")) == 5
    seen = solve("2026-12-09", 5, [{**a, "worked_before": "WW"}, b])
    assert len(days_of(seen, "a")) == 3 and rosters.check_roster(seen) == []
    caught = [v for v in judged_with(blind, seen) if v.who == "a"]
    assert [v.rule for v in caught] == ["days"] and "(+2 before 2026-12-09)" in caught[0].message


def test_consecutive_days_off_in_a_week_the_start_cuts():
    # Without history the week from Wednesday is not a full week and has no days-off rule;
    # with Monday and Tuesday worked it is known, and A needs two consecutive days off in it.
    a = {"id": "a", "days_per_week": "7", "consecutive_days_off": "2"}
    b = {"id": "b", "days_per_week": "5", "prefers_off": "wed;thu;fri;sat;sun"}
    blind = solve("2026-12-09", 5, [a, b])
    assert len(days_of(blind, "a")) == 5
    seen = solve("2026-12-09", 5, [{**a, "worked_before": "WW"}, b])
    off = sorted(set(pd.date_range("2026-12-09", periods=5).date) - set(days_of(seen, "a")))
    assert len(off) == 2 and (off[1] - off[0]).days == 1 and rosters.check_roster(seen) == []
    assert rules(judged_with(blind, seen)) == {"days_off"}


def test_weekends_worked_before_count_towards_the_month():
    # A worked Saturday 12 and Sunday 13 December; one weekend a month: not the weekend of the 19th.
    a = {"id": "a", "days_per_week": "7", "max_weekends_per_month": "1"}
    b = {"id": "b", "days_per_week": "5", "prefers_off": "sat;sun"}
    blind = solve("2026-12-14", 7, [a, b])
    assert {dt.date(2026, 12, 19), dt.date(2026, 12, 20)} & set(days_of(blind, "a"))
    seen = solve("2026-12-14", 7, [{**a, "worked_before": "WW"}, b])
    assert not {dt.date(2026, 12, 19), dt.date(2026, 12, 20)} & set(days_of(seen, "a"))
    assert rosters.check_roster(seen) == []
    caught = [v for v in judged_with(blind, seen) if v.who == "a"]
    assert [v.rule for v in caught] == ["weekends"] and "(+1 before 2026-12-14)" in caught[0].message


def test_a_rule_the_history_breaks_by_itself_is_an_issue_not_a_violation():
    # seven days worked before the start with six allowed: nothing the roster can mend, it keeps A off Monday
    seen = solve("2026-12-07", 7, [{"id": "a", "days_per_week": "6", "max_consecutive_days": "6",
                                    "worked_before": "7"},
                                   {"id": "b", "days_per_week": "5", "prefers_off": "mon"}])
    assert dt.date(2026, 12, 7) not in days_of(seen, "a") and rosters.check_roster(seen) == []
    assert any("a worked 7 days in a row before 2026-12-07" in issue for issue in seen.issues)


def test_worked_before_is_read_and_checked():
    rows = [{"id": "a", "skills": "z", "hours_per_week": "40", "days_per_week": "5", "worked_before": "wwo W",
             "max_consecutive_days": "6"},
            {"id": "b", "skills": "z", "hours_per_week": "40", "days_per_week": "5", "worked_before": "3"}]
    a, b = rosters.parse_staff_rows(rows, zones=["z"])
    assert a.before == (True, True, False, True) and a.max_consecutive == 6
    assert b.before == (False, True, True, True)
    assert b.history(dt.date(2026, 12, 7)) == {dt.date(2026, 12, 3): False, dt.date(2026, 12, 4): True,
                                               dt.date(2026, 12, 5): True, dt.date(2026, 12, 6): True}


@pytest.mark.parametrize("column,value,words", [
    ("worked_before", "WXO", "must be W (worked) and O (off)"),
    ("worked_before", "62", "at most 61 days worked in a row, got '62'"),
    ("worked_before", "W" * 63, "at most 62 days, got 63"),
    ("worked_before", "-1", "must be W (worked) and O (off)"),
    ("max_consecutive_days", "0", "from 1 to 31, got '0'"),
    ("max_consecutive_days", "32", "from 1 to 31, got '32'"),
])
def test_bad_history_names_row_column_and_value(column, value, words):
    rows = [{"id": "a", "skills": "z", "hours_per_week": "40", "days_per_week": "5", column: value}]
    with pytest.raises(StaffFileError) as info:
        rosters.parse_staff_rows(rows, zones=["z"])
    assert info.value.path == f"row 2: {column}" and words in info.value.message, info.value
