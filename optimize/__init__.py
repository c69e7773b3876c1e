"""Staffing optimizer for service halls: queueing formulas, requirements, rosters.

Units: times in minutes, arrival rates per minute, offered load in Erlangs.
"""

from optimize.errors import ShiftFileError
from optimize.patterns import Lunch, Pool, ShiftPattern, ShiftSpec, ShiftVariant
from optimize.periods import PeriodGrid, format_clock, parse_clock
from optimize.queueing.erlang import (
    erlang_b,
    erlang_c,
    erlang_c_mean_wait,
    erlang_c_service_level,
)
from optimize.queueing.erlang_a import (
    ErlangA,
    erlang_a,
    erlang_a_abandon_probability,
    erlang_a_mean_wait,
    erlang_a_service_level,
    erlang_a_wait_probability,
)
from optimize.queueing.offered_load import lagged_rates, offered_load, period_offered_loads
from optimize.queueing.qed import (
    garnett_beta,
    garnett_delay_probability,
    garnett_staffing,
    halfin_whitt_beta,
    halfin_whitt_delay_probability,
    halfin_whitt_staffing,
)
from optimize.queueing.staffing import min_servers_erlang_a, min_servers_erlang_c
from optimize.requirements import min_servers, requirements_by_zone, staffing_requirements
from optimize.roster import solve_roster
from optimize.roster_result import RosterResult, Unmet
from optimize.schedule import ShiftSchedule, schedule_shifts
from optimize.shift_file import load_shift_file, parse_shift_spec
from optimize.targets import Target, parse_target, parse_targets

__all__ = [
    "ErlangA",
    "Lunch",
    "PeriodGrid",
    "Pool",
    "RosterResult",
    "ShiftFileError",
    "ShiftPattern",
    "ShiftSchedule",
    "ShiftSpec",
    "ShiftVariant",
    "Target",
    "Unmet",
    "erlang_a",
    "erlang_a_abandon_probability",
    "erlang_a_mean_wait",
    "erlang_a_service_level",
    "erlang_a_wait_probability",
    "erlang_b",
    "erlang_c",
    "erlang_c_mean_wait",
    "erlang_c_service_level",
    "format_clock",
    "garnett_beta",
    "garnett_delay_probability",
    "garnett_staffing",
    "halfin_whitt_beta",
    "halfin_whitt_delay_probability",
    "halfin_whitt_staffing",
    "lagged_rates",
    "load_shift_file",
    "min_servers",
    "min_servers_erlang_a",
    "min_servers_erlang_c",
    "offered_load",
    "parse_clock",
    "parse_shift_spec",
    "parse_target",
    "parse_targets",
    "period_offered_loads",
    "requirements_by_zone",
    "schedule_shifts",
    "solve_roster",
    "staffing_requirements",
]
