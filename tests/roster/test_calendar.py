"""The calendar file: day types as scenario overrides over a base scenario."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml

import rosters
import sim
from rosters import CalendarError

from .conftest import CALENDAR, MONDAY, write_case


def load(tmp_path, calendar):
    paths = write_case(tmp_path, calendar=calendar)
    return rosters.load_calendar(paths["week.yaml"], sim.load_scenario(paths["hall.yaml"]))


def test_days_take_their_types_and_dates_win(tmp_path):
    week = load(tmp_path, CALENDAR)
    kinds = [(d.date, d.kind, d.is_open) for d in week.days]
    assert kinds[0] == (MONDAY, "monday", True)
    assert kinds[3] == (dt.date(2026, 12, 10), "closed", False)   # a holiday by date
    assert kinds[6][1:] == ("closed", False)                      # Sunday
    monday, tuesday, saturday = week.days[0].scenario, week.days[1].scenario, week.days[5].scenario
    assert monday.demand_scale == pytest.approx(1.3) and tuesday.demand_scale == pytest.approx(1.0)
    assert (saturday.open_minute, saturday.close_minute, saturday.n_periods) == (480, 600, 4)
    assert all(z.staff == 0 for z in tuesday.zones) and tuesday.people is None
    assert week.union_grid().n_periods == 8 and list(week.weeks()) == [MONDAY]
    assert week.shifts.name == "shifts.yaml"


def test_extends_names_another_scenario_file(tmp_path):
    paths = write_case(tmp_path)
    (tmp_path / "busy.yaml").write_text(yaml.safe_dump({"extends": "hall.yaml", "name": "busy", "demand_scale": 2}))
    cal = copy.deepcopy(CALENDAR)
    cal["day_types"]["weekday"] = {"extends": "busy.yaml", "target_wait": 10}
    paths["week.yaml"].write_text(yaml.safe_dump(cal))
    week = rosters.load_calendar(paths["week.yaml"], sim.load_scenario(paths["hall.yaml"]))
    tuesday = week.days[1].scenario
    assert tuesday.demand_scale == 2 and tuesday.target_wait == 10


def errors(tmp_path, calendar) -> dict:
    with pytest.raises(CalendarError) as info:
        load(tmp_path, calendar)
    return dict(info.value.problems)


def test_unknown_day_type_and_field(tmp_path):
    cal = copy.deepcopy(CALENDAR)
    cal["weekdays"]["tue"] = "wekday"
    cal["dayz"] = 3
    problems = errors(tmp_path, cal)
    assert "did you mean 'weekday'" in problems["weekdays.tue"]
    assert "did you mean 'days'" in problems["dayz"]


def test_a_bad_override_is_reported_under_its_day_type(tmp_path):
    cal = copy.deepcopy(CALENDAR)
    cal["day_types"]["saturday"] = {"hours": {"open": "08:00", "close": "07:00"}}
    cal["day_types"]["monday"] = {"demand_scale": -1}
    problems = errors(tmp_path, cal)
    assert any(p.startswith("day_types.monday.demand_scale") for p in problems)
    assert any(p.startswith("day_types.saturday.hours") for p in problems)


def test_missing_weekday_and_bad_dates(tmp_path):
    cal = copy.deepcopy(CALENDAR)
    del cal["weekdays"]["wed"]
    cal["dates"] = {"2026-13-01": "closed"}
    problems = errors(tmp_path, cal)
    assert "2026-13-01" in problems["dates.2026-13-01"]
    cal = copy.deepcopy(CALENDAR)
    del cal["weekdays"]["wed"]
    problems = errors(tmp_path, cal)
    assert "no day type for wed" in problems["weekdays"]


def test_strict_yaml(tmp_path):
    paths = write_case(tmp_path)
    paths["week.yaml"].write_text("start: 2026-12-07\nstart: 2026-12-08\n")
    with pytest.raises(CalendarError, match="duplicate key"):
        rosters.load_calendar(paths["week.yaml"], sim.load_scenario(paths["hall.yaml"]))


def test_a_missing_shift_file_is_named_by_the_calendar(tmp_path):
    with pytest.raises(CalendarError) as info:
        load(tmp_path, {**CALENDAR, "shifts": "shfits.yaml"})
    assert info.value.path == "shifts" and "file not found" in info.value.message and "'shfits.yaml'" in info.value.message
