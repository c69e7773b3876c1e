"""Staffing optimizer for service halls: queueing formulas, requirements, rosters,
and the simulation-based optimizer that checks and repairs them with ``sim``
(through its public API: scenarios, ``sim.simulate``, results, the hall topology
and the analytic flows).

Units: times in minutes, arrival rates per minute, offered load in Erlangs.
The parts that simulate (``optimize_staffing``, ``simulation_requirements``,
``run_closed_loop``, ``verify_plan`` ...) load ``sim`` on first use, so
``import optimize`` stays light.
"""

import importlib

from optimize.demand import analytic_requirements, serving_zones, zone_demand
from optimize.errors import RosterError, ShiftFileError, TargetError
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
from optimize.queueing.min_servers import min_servers_erlang_a, min_servers_erlang_c
from optimize.queueing.offered_load import lagged_rates, offered_load, period_offered_loads
from optimize.queueing.qed import (
    garnett_beta,
    garnett_delay_probability,
    garnett_staffing,
    halfin_whitt_beta,
    halfin_whitt_delay_probability,
    halfin_whitt_staffing,
)
from optimize.requirements import min_servers, requirements_by_zone, staffing_requirements
from optimize.roster import solve_roster
from optimize.roster_result import RosterResult, Unmet
from optimize.schedule import ShiftSchedule, schedule_shifts
from optimize.shift_file import load_shift_file, parse_shift_spec
from optimize.targets import Target, parse_target, parse_targets

# Names whose modules import ``sim``: loaded on first use.
_LAZY = {
    "ZoneDemand": "optimize.demand",
    "LoopResult": "optimize.closed_loop",
    "SimulationStaffing": "optimize.simulation_method",
    "StaffingResult": "optimize.optimizer",
    "cell_estimates": "optimize.verify",
    "compliance": "optimize.verify",
    "flat_plan": "optimize.baselines",
    "optimize_staffing": "optimize.optimizer",
    "run_closed_loop": "optimize.closed_loop",
    "simulation_requirements": "optimize.simulation_method",
    "sipp_plan": "optimize.baselines",
    "verify_plan": "optimize.verify",
}

__all__ = [
    "ErlangA",
    "LoopResult",
    "Lunch",
    "PeriodGrid",
    "Pool",
    "RosterError",
    "RosterResult",
    "ShiftFileError",
    "ShiftPattern",
    "ShiftSchedule",
    "ShiftSpec",
    "ShiftVariant",
    "SimulationStaffing",
    "StaffingResult",
    "Target",
    "TargetError",
    "Unmet",
    "ZoneDemand",
    "analytic_requirements",
    "cell_estimates",
    "compliance",
    "erlang_a",
    "erlang_a_abandon_probability",
    "erlang_a_mean_wait",
    "erlang_a_service_level",
    "erlang_a_wait_probability",
    "erlang_b",
    "erlang_c",
    "erlang_c_mean_wait",
    "erlang_c_service_level",
    "flat_plan",
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
    "optimize_staffing",
    "parse_clock",
    "parse_shift_spec",
    "parse_target",
    "parse_targets",
    "period_offered_loads",
    "requirements_by_zone",
    "run_closed_loop",
    "schedule_shifts",
    "serving_zones",
    "simulation_requirements",
    "sipp_plan",
    "solve_roster",
    "staffing_requirements",
    "verify_plan",
    "zone_demand",
]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
