"""Simulating the people as rostered: scenario entries, lunches where the roster put them."""

from __future__ import annotations

import dataclasses

import numpy as np

import sim
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


def test_slower_people_are_simulated_slower(solved):
    """The staff file's speed factors reach the simulation: the same roster with the tax
    people 1.5 times slower serves tax visitors 1.5 times as long and holds the target less
    often, on the same simulated visitors; the other zones are as they were."""
    problem = solved.problem
    slow_staff = tuple(dataclasses.replace(p, skills=tuple((z, 1.5 if z == "tax" else s) for z, s in p.skills))
                       for p in problem.staff)
    slow = dataclasses.replace(solved, problem=dataclasses.replace(problem, staff=slow_staff))
    day = problem.days[0].date
    speeds = {p.id: dict(p.skills) for p in problem.staff}
    for roster, tax_speed in ((solved, 1.0), (slow, 1.5)):
        entries = roster.people_entries(day)
        for e in entries:   # each entry carries its person's speed at its zone (omitted when 1)
            zone, person = e["zones"][0], e["id"].split("-")[0]
            assert e.get("speed", 1.0) == (tax_speed if zone == "tax" else speeds[person][zone])
        assert any(e["zones"][0] == "tax" for e in entries)

    fast_run = sim.simulate(day_scenario(solved, day), replications=6, seed=3, workers=1)
    slow_run = sim.simulate(day_scenario(slow, day), replications=6, seed=3, workers=1)
    fv, sv = fast_run.visits, slow_run.visits
    tax_f, tax_s = fv[fv.zone == "tax"], sv[sv.zone == "tax"]
    assert np.isclose((tax_s.end - tax_s.start).sum() / (tax_f.end - tax_f.start).sum(), 1.5, rtol=0.02)

    fast = verify_week(solved, "wait<=15@80%", replications=6, seed=3, workers=1, baseline=False)
    slower = verify_week(slow, "wait<=15@80%", replications=6, seed=3, workers=1, baseline=False)

    def level(check, zone):
        c = check.cells
        c = c[(c["zone"] == zone) & (c["kind"] == "service_level") & (c["status"] != "exempt")]
        return float(c["achieved"].mean())

    assert level(slower, "tax") < level(fast, "tax") - 0.05
    assert level(slower, "social") == level(fast, "social")   # nobody of social is slower (not pooled)
    assert slower.days["met"].sum() < fast.days["met"].sum()
