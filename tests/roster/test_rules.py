"""Every rule holds in a generated roster, checked by the separate checker - which can fail."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import optimize
import rosters
import sim
from rosters.staff import post_zone


def test_checker_finds_nothing_in_the_small_week(solved):
    assert solved.status in ("optimal", "understaffed") and solved.gap is not None and solved.gap <= 0.01
    assert rosters.check_roster(solved) == []


def test_ab_post_has_someone_on_duty_every_open_day(solved):
    problem = solved.problem
    assert problem.posts   # the case has posts
    worked = set(zip(solved.shifts["person"], solved.shifts["date"]))
    for post, members in problem.posts.items():
        zone = post_zone(members)
        for d in problem.days:
            if zone in d.open_zones:
                assert any((m.id, d.date.isoformat()) in worked for m in members), (post, d.date)


def test_leave_and_unavailability_are_respected(solved):
    staff = {p.id: p for p in solved.problem.staff}
    on_leave = [(p.id, day) for p in staff.values() for day in p.leave]
    assert on_leave   # the case has leave
    for r in solved.shifts.itertuples():
        day = dt.date.fromisoformat(r.date)
        assert day not in staff[r.person].leave
        assert day.weekday() not in staff[r.person].unavailable_weekdays
    assert not ((solved.shifts["date"] == "2026-12-10") | (solved.shifts["date"] == "2026-12-13")).any()


def test_a_multi_skilled_person_is_never_at_two_zones_at_once(solved):
    multi = {p.id for p in solved.problem.staff if len(p.zones) > 1}
    seen_two = False
    for (person, date), spells in solved.stints.groupby(["person", "date"]):
        spells = spells.sort_values("start")
        if person in multi and spells["zone"].nunique() > 1:
            seen_two = True
        assert (spells["start"].to_numpy()[1:] >= spells["end"].to_numpy()[:-1]).all(), (person, date)
    assert seen_two   # someone did serve two zones on one day, one after the other


def test_contract_and_days_off_hold(solved):
    staff = {p.id: p for p in solved.problem.staff}
    for person, mine in solved.shifts.groupby("person"):
        p = staff[person]
        assert len(mine) <= p.max_days and mine["paid_hours"].sum() <= p.max_hours
        assert p.shifts is None or set(mine["shift"]) <= set(p.shifts)
        worked = {dt.date.fromisoformat(d).weekday() for d in mine["date"]}
        if p.consecutive_off:
            assert any(all((j + q) % 7 not in worked for q in range(p.consecutive_off)) for j in range(7))


def _tampered(roster, shifts=None, stints=None):
    return rosters.WeeklyRoster(roster.problem, roster.status, roster.solver_status, roster.objective, roster.bound,
                                roster.gap, roster.shifts if shifts is None else shifts,
                                roster.stints if stints is None else stints, roster.duty, roster.unmet,
                                roster.issues, roster.seconds, roster.size)


def test_checker_catches_broken_rules(solved):
    rules = lambda v: {x.rule for x in v}   # noqa: E731
    # t2 is on leave on Tuesday 8 December: make them work then
    row = solved.shifts[solved.shifts["person"] == "t1"].iloc[0].copy()
    bad = row.copy()
    bad["person"], bad["date"] = "t2", "2026-12-08"
    assert "leave" in rules(rosters.check_roster(_tampered(solved, pd.concat([solved.shifts, bad.to_frame().T]))))
    # a sixth day, and no two consecutive days off, for t1
    t1 = solved.shifts[solved.shifts["person"] == "t1"]
    more = []
    for date in ("2026-12-07", "2026-12-08", "2026-12-09", "2026-12-11", "2026-12-12"):
        if date not in set(t1["date"]):
            extra = row.copy()
            extra["date"] = date
            extra["shift"], extra["start"], extra["end"] = "early", "08:00", "10:00"
            extra["lunch_start"] = extra["lunch_end"] = ""
            extra["paid_hours"] = 2.0
            more.append(extra)
    shifts = pd.concat([solved.shifts[solved.shifts["person"] != "t1"], t1, pd.DataFrame(more)], ignore_index=True)
    found = rules(rosters.check_roster(_tampered(solved, shifts)))
    assert {"days_off"} <= found
    # a person at two zones at once, and at a zone they are not skilled for
    spell = solved.stints[solved.stints["person"] == "g1"].iloc[0].copy()
    twin = spell.copy()
    twin["zone"] = "social" if spell["zone"] != "social" else "tax"
    stranger = spell.copy()
    stranger["person"] = "p3"
    stranger["zone"] = "social"
    stints = pd.concat([solved.stints, twin.to_frame().T, stranger.to_frame().T], ignore_index=True)
    found = rules(rosters.check_roster(_tampered(solved, stints=stints)))
    assert {"two_places", "skills"} <= found
    # nobody of post soc-1 on Friday
    drop = (solved.shifts["date"] == "2026-12-11") & solved.shifts["person"].isin(["s1", "s2"])
    keep = ~(solved.stints["date"].eq("2026-12-11") & solved.stints["person"].isin(["s1", "s2"]))
    found = rules(rosters.check_roster(_tampered(solved, solved.shifts[~drop], solved.stints[keep])))
    assert "ab" in found
    # more people at a zone than its windows
    crowd = pd.concat([solved.stints] + [spell.to_frame().T] * 5, ignore_index=True)
    assert "windows" in rules(rosters.check_roster(_tampered(solved, stints=crowd)))


def test_ab_backup_covers_a_primary_on_leave(tmp_path):
    """The primary of the only post is on leave Tuesday to Thursday: the backup works those days."""
    hall = sim.scenario_from_dict({
        "name": "one window", "hours": {"open": "08:00", "close": "10:00"},
        "zones": [{"id": "z", "windows": 2, "staff": 1}],
        "services": [{"id": "s", "zone": "z", "arrivals": {"rate_per_hour": 1},
                      "service_time": {"dist": "exponential", "mean": 5}}]})
    week = rosters.parse_calendar({"start": "2026-12-07", "days": 7, "day_types": {"open": {}},
                                   "weekdays": {d: "open" for d in rosters.dates.WEEKDAYS}}, hall)
    shifts = optimize.ShiftSpec((optimize.ShiftPattern("s", 480, 600),))
    rows = [{"id": "a", "skills": "z", "hours_per_week": "40", "days_per_week": "5", "post": "w1", "role": "A",
             "leave": "2026-12-08..2026-12-10"},
            {"id": "b", "skills": "z", "hours_per_week": "40", "days_per_week": "5", "post": "w1", "role": "B",
             "consecutive_days_off": "2"}]
    staff = rosters.parse_staff_rows(rows, zones=["z"])
    labels = week.days[0].grid.labels
    need = {d.date: pd.DataFrame([[0] * len(labels)], index=["z"], columns=labels) for d in week.days}
    need[week.days[0].date].iloc[0, 0] = 1    # the zone is open (has demand) every day via min_staff below
    roster = rosters.roster_week(week, staff, shifts, need, min_staff=0)
    # only Monday has demand, so the post must be covered on Monday only
    assert set(roster.shifts["date"]) == {"2026-12-07"}
    need = {d.date: pd.DataFrame([[1] + [0] * (len(labels) - 1)], index=["z"], columns=labels) for d in week.days}
    roster = rosters.roster_week(week, staff, shifts, need)
    by_day = roster.shifts.groupby("date")["person"].apply(set).to_dict()
    for day in ("2026-12-08", "2026-12-09", "2026-12-10"):
        assert by_day[day] == {"b"}
    assert all(by_day.get(d.date.isoformat()) for d in week.days)   # someone every day
    assert rosters.check_roster(roster) == []


@pytest.mark.slow
@pytest.mark.parametrize("people", [40])
def test_generated_staff_roster_holds_every_rule(people):
    """A generated staff file on a two-zone hall: AB posts, leave, part time, weekends."""
    hall = sim.scenario_from_dict({
        "name": "two zones", "hours": {"open": "08:30", "close": "12:30"},
        "zones": [{"id": "a", "windows": 6, "staff": 1, "can_help": ["b"]}, {"id": "b", "windows": 5, "staff": 1}],
        "services": [{"id": "sa", "zone": "a", "arrivals": {"rate_per_hour": 20},
                      "service_time": {"dist": "exponential", "mean": 9}},
                     {"id": "sb", "zone": "b", "arrivals": {"rate_per_hour": 14},
                      "service_time": {"dist": "exponential", "mean": 9}}]})
    week = rosters.parse_calendar({"start": "2026-12-07", "days": 14, "day_types": {"open": {}, "shut": "closed"},
                                   "weekdays": {**{d: "open" for d in rosters.dates.WEEKDAYS[:6]}, "sun": "shut"}},
                                  hall)
    shifts = optimize.ShiftSpec((optimize.ShiftPattern("full", 510, 750, optimize.Lunch(30, 600, 630)),
                                 optimize.ShiftPattern("morning", 510, 630),
                                 optimize.ShiftPattern("late", 630, 750),
                                 optimize.ShiftPattern("saturday", 540, 750)))
    rows = rosters.generate_staff(hall, people, week.days[0].date, 14, seed=3,
                                  full_shifts=("full", "late", "saturday"), part_shifts=("morning", "late"))
    for r in rows:
        if r["max_weekends_per_month"]:
            r["max_weekends_per_month"] = "1"
        if r["min_hours_per_week"]:
            r["min_hours_per_week"] = "8"   # part-time shifts here are two hours
    staff = rosters.parse_staff_rows(rows, zones=hall.zone_ids, shifts=["full", "morning", "late", "saturday"])
    need = rosters.week_requirements(week, "wait<=10@80%")
    roster = rosters.roster_week(week, staff, shifts, need, time_limit=60)
    assert roster.solver_status == "optimal"
    assert rosters.check_roster(roster) == []
    assert roster.unmet.empty and not roster.issues
    fair = roster.fairness().set_index("person")
    limited = [p.id for p in staff if p.max_weekends_per_month is not None]
    assert limited and fair.loc[limited, "weekend_days"].max() <= 1   # one Saturday a month; Sundays closed
    assert fair["weekend_days"].sum() > 0
