"""Simulating the people as rostered: scenario entries, lunches where the roster put them."""

from __future__ import annotations

import numpy as np

from rosters.verify import day_scenario, verify_week


def test_people_entries_reproduce_the_roster_exactly(solved):
    for d in solved.problem.days:
        scenario = day_scenario(solved, d.date)
        duty = solved.duty[d.date]
        for z in d.zones:
            assert np.allclose(scenario.staff_per_period(z), duty.loc[z].to_numpy(float)), (d.date, z)
        entries = solved.people_entries(d.date)
        lunches = [e["lunch"] for e in entries if "lunch" in e]
        assert all(lu["earliest"] == lu["latest"] for lu in lunches)
        rows = solved.shifts[solved.shifts["date"] == d.date.isoformat()]
        assert {e["id"].split("-")[0] for e in entries} == set(rows["person"])


def test_verification_beside_the_requirement_only_plan(solved):
    check = verify_week(solved, "wait<=15@80%", replications=4, seed=5, workers=1)
    days = check.days
    assert set(days["plan"]) == {"roster", "requirement only"}
    assert len(days) == 2 * len(solved.problem.days)
    roster = days[days["plan"] == "roster"]
    assert (roster["staff_hours"].sum()) == solved.paid_hours
    assert (roster[["met", "borderline", "missed", "exempt"]].sum(axis=1) > 0).all()
    assert {"date", "plan", "zone", "start", "status", "achieved"} <= set(check.cells.columns)
