"""Roster a week: build the problem, solve the program, hand the counts to people, diagnose."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd

from optimize import ShiftSpec
from optimize.roster_model import DEFAULT_SOLVER
from rosters.calendar import Calendar
from rosters.disaggregate import disaggregate
from rosters.model import solve_model
from rosters.polish import polish_zones
from rosters.problem import Weights, build_problem
from rosters.result import WeeklyRoster, coverage_tables, diagnose
from rosters.staff import StaffMember

__all__ = ["roster_week"]


def roster_week(calendar: Calendar, staff: Sequence[StaffMember], shifts: ShiftSpec,
                requirements: Mapping[dt.date, pd.DataFrame], *, min_staff: int | None = None,
                late_shifts: Sequence[str] | None = None, weights: Weights | None = None,
                gap: float = 0.01, time_limit: float | None = 120.0, solver: str = DEFAULT_SOLVER,
                threads: int | None = None) -> WeeklyRoster:
    """The cheapest week roster of named *staff* meeting *requirements* (date -> zone x period).

    Paid hours plus soft penalties (``Weights``): coverage and AB posts are soft, so a
    roster always comes back; what could not be met is in ``unmet`` and ``issues``,
    each with its reason. *gap*: stop at this proven relative gap (0.01 = 1%);
    *time_limit* in seconds. Then, with a switch weight above 0, the zones of
    multi-skilled people are polished for fewer zone switches (:mod:`rosters.polish`;
    at most a quarter of *time_limit* more, and never less coverage). Raises ValueError
    for inconsistent inputs.
    """
    problem = build_problem(calendar, staff, shifts, requirements, min_staff=min_staff,
                            late_shifts=late_shifts, weights=weights)
    solution = solve_model(problem, solver=solver, time_limit=time_limit, gap=gap, threads=threads)
    if solution.status in ("optimal", "feasible"):
        solution = polish_zones(problem, solution, solver=solver, threads=threads,
                                time_limit=None if time_limit is None else max(5.0, 0.25 * time_limit))
    if solution.status not in ("optimal", "feasible"):
        empty = pd.DataFrame()
        why = {"infeasible": "the solver proved the hard rules (windows, contracts, days off) cannot all hold",
               "not solved": "the time limit ran out before any roster was found"}
        return WeeklyRoster(problem, solution.status, solution.status, None, None, None, empty, empty, {},
                            pd.DataFrame(), (why.get(solution.status, f"solver status {solution.status}"),),
                            solution.seconds, solution.size)
    shift_rows, stints = disaggregate(problem, solution)
    unmet, issues = diagnose(problem, shift_rows, stints)
    status = "understaffed" if len(unmet) or issues else solution.status
    return WeeklyRoster(problem, status, solution.status, solution.objective, solution.bound, solution.gap,
                        shift_rows, stints, coverage_tables(problem, stints), unmet, tuple(issues),
                        solution.seconds, solution.size)
