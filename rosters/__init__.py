"""Weekly rosters for named people: a calendar of day types, a staff file, tour scheduling
by integer programming (PuLP + HiGHS via ``optimize.roster_model``), an independent
rule checker and day-by-day verification by simulation.

Built on the public APIs of ``sim`` and ``optimize``. Times in minutes since midnight
unless said; hours are paid hours::

    import sim, optimize, rosters
    hall = sim.load_scenario("scenarios/lanling.yaml")
    week = rosters.load_calendar("scenarios/week/lanling_newyear.yaml", hall)
    shifts = optimize.load_shift_file(week.shifts, grid=week.union_grid())
    staff = rosters.read_staff_csv("scenarios/week/lanling_staff.csv", zones=hall.zone_ids,
                                   shifts=[p.id for p in shifts.patterns])
    need = rosters.week_requirements(week, "wait<=15@80%", "sipp")
    roster = rosters.roster_week(week, staff, shifts, need)
    rosters.check_roster(roster)             # [] when every rule holds
"""

from rosters.calendar import Calendar, Day, load_calendar, parse_calendar
from rosters.checker import Violation, check_roster
from rosters.errors import CalendarError, RequirementsError, StaffFileError
from rosters.generate import generate_staff, staff_csv_text
from rosters.problem import WeekProblem, Weights, build_problem, week_requirements
from rosters.result import WeeklyRoster
from rosters.solve import roster_week
from rosters.staff import StaffMember, parse_staff_rows, read_staff_csv

__all__ = [
    "Calendar",
    "CalendarError",
    "Day",
    "RequirementsError",
    "StaffFileError",
    "StaffMember",
    "Violation",
    "WeekProblem",
    "WeeklyRoster",
    "Weights",
    "build_problem",
    "check_roster",
    "generate_staff",
    "load_calendar",
    "parse_calendar",
    "parse_staff_rows",
    "read_staff_csv",
    "roster_week",
    "staff_csv_text",
    "week_requirements",
]
