"""Verify a week roster by simulation, day by day, with the people as rostered.

Each open day's scenario gets ``people:`` entries built from the roster (one per
person and spell at a zone, the lunch fixed where the roster put it) and is
simulated with ``sim.simulate``; every zone and period is judged against the
targets by ``optimize.cell_estimates`` (met / borderline / missed / exempt, with
95% intervals). Beside it, on the same simulated visitors (common random
numbers), the requirement-only plan: the day's requirement per zone and period
staffed as it is (``optimize.verify_plan``), with no shifts, lunches or people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

import optimize
import sim

__all__ = ["WeekVerification", "day_scenario", "verify_week"]

DAY_COLUMNS = ["date", "day_type", "plan", "staff_hours", "people", "met", "borderline", "missed", "exempt",
               "confident", "share_met", "worst"]


def day_scenario(roster, date: dt.date) -> sim.Scenario:
    """The scenario of *date* staffed by the roster's people (validated)."""
    day = roster.problem.day(date).day
    data = sim.scenario_to_dict(day.scenario)
    data["zones"] = [{k: v for k, v in z.items() if k != "staff"} for z in data["zones"]]
    data["people"] = roster.people_entries(date)
    data["name"] = f"{day.scenario.name}, {day.label}, as rostered"
    return sim.scenario_from_dict(data, source=f"roster of {day.label}")


@dataclass(frozen=True, eq=False)
class WeekVerification:
    """*cells*: every zone, period and target of every day (``optimize.cell_estimates``
    columns plus ``date`` and ``plan``); *days*: one row per day and plan."""

    cells: pd.DataFrame
    days: pd.DataFrame

    def all_met(self, plan: str = "roster") -> bool:
        """True when no zone-period of any day is missed or borderline under *plan*."""
        rows = self.days[self.days["plan"] == plan]
        return bool(len(rows)) and int(rows["missed"].sum() + rows["borderline"].sum()) == 0


def _day_row(date, kind, plan, estimates, staff_hours, people) -> dict:
    c = optimize.compliance(estimates)
    judged = estimates[(estimates["status"] != "exempt") & (estimates["kind"] == "service_level")]
    worst = float(judged["achieved"].min()) if len(judged) else float("nan")
    return {"date": date.isoformat(), "day_type": kind, "plan": plan, "staff_hours": staff_hours, "people": people,
            "met": c["met"], "borderline": c["borderline"], "missed": c["missed"], "exempt": c["exempt"],
            "confident": c["confident"], "share_met": c["share_met"], "worst": worst}


def verify_week(roster, targets, *, replications: int = 30, seed: int = 0, baseline: bool = True,
                workers=None, confidence: float = 0.95) -> WeekVerification:
    """Simulate every open day with the rostered people (and the requirement-only plan).

    Day k of the horizon uses seed ``seed + k``; the baseline the same seed (common
    random numbers). *staff_hours* of the roster are paid hours, of the baseline the
    requirement's staffed hours.
    """
    targets = optimize.parse_targets(targets)
    cells, days = [], []
    for k, d in enumerate(roster.problem.days):
        scenario = day_scenario(roster, d.date)
        results = sim.simulate(scenario, replications=replications, seed=seed + k, workers=workers)
        est = optimize.cell_estimates(results, targets, confidence=confidence)
        paid = float(roster.shifts.loc[roster.shifts["date"] == d.date.isoformat(), "paid_hours"].sum())
        people = int(roster.shifts.loc[roster.shifts["date"] == d.date.isoformat(), "person"].nunique())
        cells.append(est.assign(date=d.date.isoformat(), plan="roster"))
        days.append(_day_row(d.date, d.day.kind, "roster", est, paid, people))
        if baseline:
            plan = roster.requirements(d.date)
            base = optimize.verify_plan(d.day.scenario, plan, targets, replications=replications, seed=seed + k,
                                        confidence=confidence, workers=workers)
            hours = float(np.asarray(plan, float).sum()) * d.grid.period_minutes / 60
            cells.append(base.assign(date=d.date.isoformat(), plan="requirement only"))
            days.append(_day_row(d.date, d.day.kind, "requirement only", base, hours, 0))
    cells_frame = pd.concat(cells, ignore_index=True) if cells else pd.DataFrame()
    if len(cells_frame):
        cells_frame = cells_frame[["date", "plan"] + [c for c in cells_frame.columns if c not in ("date", "plan")]]
    return WeekVerification(cells_frame, pd.DataFrame(days, columns=DAY_COLUMNS))
