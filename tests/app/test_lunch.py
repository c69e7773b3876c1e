"""The lunch rule, on rows one can check by hand."""

from __future__ import annotations

import pytest

import sim
from webapp.lunch import LunchRule, LunchRuleError, apply_lunch, window_periods

from ..helpers import hall


@pytest.fixture(scope="module")
def day():
    """08:30-17:30 in half hours: period 6 starts at 11:30, period 10 at 13:30."""
    return sim.scenario_from_dict(hall(zones=[{"id": "z", "windows": 20, "staff": 5}], open="08:30", close="17:30"))


def test_window_periods_are_the_half_hours_inside_the_window(day):
    assert window_periods(LunchRule("11:30", "13:30"), day) == [6, 7, 8, 9]
    assert window_periods(LunchRule("08:30", "09:30", minutes=30), day) == [0, 1]


def test_staff_are_split_evenly_over_the_waves(day):
    row = [5] * 18
    # Two one-hour waves: 3 then 2 at lunch.
    assert apply_lunch(row, LunchRule("11:30", "13:30", max_off=3), day)[5:11] == [5, 2, 2, 3, 3, 5]
    # Four half-hour lunches: 2, 1, 1, 1 at lunch.
    assert apply_lunch(row, LunchRule("11:30", "13:30", max_off=2, minutes=30), day)[6:10] == [3, 4, 4, 4]
    # A window longer than the waves: the half hour after the last wave is at full strength.
    assert apply_lunch(row, LunchRule("11:30", "13:00", max_off=5), day)[6:9] == [0, 0, 5]


def test_full_strength_is_taken_outside_the_window_so_applying_twice_changes_nothing(day):
    row = [4] * 6 + [9, 9, 9, 9] + [4] * 8  # more staff inside the window than outside
    once = apply_lunch(row, LunchRule("11:30", "13:30", max_off=2), day)
    assert once[6:10] == [2, 2, 2, 2]
    assert apply_lunch(once, LunchRule("11:30", "13:30", max_off=2), day) == once
    assert once[:6] == row[:6] and once[10:] == row[10:]


def test_a_rule_that_leaves_someone_without_lunch_is_refused(day):
    with pytest.raises(LunchRuleError) as info:
        apply_lunch([13] * 18, LunchRule("11:30", "13:30", max_off=6), day, zone="tax")
    assert info.value.path == "zone 'tax'"
    assert "need at least 7 off at once, but at most 6" in info.value.message


def test_malformed_rules_name_every_field(day):
    with pytest.raises(LunchRuleError) as info:
        apply_lunch([5] * 18, LunchRule("11:40", "11:00", max_off=-1, minutes=45), day)
    paths = [p for p, _ in info.value.problems]
    assert paths == ["lunch.max_off", "lunch.minutes", "lunch.start", "lunch.end"]
    with pytest.raises(LunchRuleError, match="does not fit"):
        apply_lunch([5] * 18, LunchRule("11:30", "12:00", minutes=60), day)
    with pytest.raises(LunchRuleError, match="period boundary"):
        apply_lunch([5] * 18, LunchRule("07:00", "09:00"), day)
