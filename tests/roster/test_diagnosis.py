"""What cannot be met comes back as the best roster plus the list of what and why."""

from __future__ import annotations

import pandas as pd

import optimize
import rosters
import sim


def one_window_week(rows, need_per_period=1, windows=2):
    hall = sim.scenario_from_dict({
        "name": "one zone", "hours": {"open": "08:00", "close": "10:00"},
        "zones": [{"id": "z", "windows": windows, "staff": 1}],
        "services": [{"id": "s", "zone": "z", "arrivals": {"rate_per_hour": 1},
                      "service_time": {"dist": "exponential", "mean": 5}}]})
    week = rosters.parse_calendar({"start": "2026-12-07", "days": 7, "day_types": {"open": {}, "shut": "closed"},
                                   "weekdays": {**{d: "open" for d in rosters.dates.WEEKDAYS[:5]},
                                                "sat": "shut", "sun": "shut"}}, hall)
    shifts = optimize.ShiftSpec((optimize.ShiftPattern("s", 480, 600),))
    staff = rosters.parse_staff_rows(rows, zones=["z"])
    labels = week.days[0].grid.labels
    need = {d.date: pd.DataFrame([[need_per_period] * len(labels)], index=["z"], columns=labels)
            for d in week.open_days}
    return rosters.roster_week(week, staff, shifts, need)


def test_post_with_both_people_on_leave_is_reported_with_the_reason():
    rows = [{"id": "a", "skills": "z", "hours_per_week": "40", "days_per_week": "5", "post": "w1", "role": "A",
             "leave": "2026-12-09"},
            {"id": "b", "skills": "z", "hours_per_week": "40", "days_per_week": "5", "post": "w1", "role": "B",
             "leave": "2026-12-09"}]
    roster = one_window_week(rows, need_per_period=2)
    assert roster.status == "understaffed" and roster.solver_status == "optimal"
    assert len(roster.shifts) == 8          # both work the other four days: the best roster comes back
    assert any("AB post w1" in i and "a (A) on leave" in i and "b (B) on leave" in i and "2026-12-09" in i
               for i in roster.issues)
    wednesday = roster.unmet[roster.unmet["date"] == "2026-12-09"]
    assert len(wednesday) == 4 and wednesday["reason"].str.contains("2 on leave or unavailable").all()
    assert rosters.check_roster(roster) == [v for v in rosters.check_roster(roster) if v.rule == "ab"]


def test_contract_limits_and_windows_explain_a_shortfall():
    rows = [{"id": "a", "skills": "z", "hours_per_week": "6", "days_per_week": "3"}]
    roster = one_window_week(rows, need_per_period=3, windows=2)
    reasons = set(roster.unmet["reason"])
    assert any("exceeds the zone's 2 windows" in r for r in reasons)     # capped: 3 > 2 windows
    assert any("off by contract or days-off rules" in r for r in reasons)  # 6 h a week: three 2-h days
    assert len(roster.shifts) == 3 and rosters.check_roster(roster) == []
