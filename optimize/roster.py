"""The full roster integer program: shifts with lunch choice, zones, pools.

Indices: v a shift variant (pattern + lunch start), g a staffing group (a zone
with dedicated staff, or a pool), z a zone, t a period.

    x[v, g]    integer  people working variant v in group g
    y[p, z, t] integer  people of pool p placed in zone z in period t
    u[z, t]    >= 0     shortfall (soft coverage only)

    on_duty[z, t] = sum_v a[v, t] x[v, z] + sum_{p contains z} y[p, z, t]
    pool_{p}_{t}:   sum_z y[p, z, t] <= sum_v a[v, t] x[v, p]
    cover_{z}_{t}:  on_duty[z, t] + u[z, t] >= r[z, t]
    window_{z}_{t}: on_duty[z, t] <= windows[z, t]
    min_{z}_{t}:    on_duty[z, t] >= min_staff[z]         (open periods)
    headcount:      sum x <= headcount
    minimise        sum cost[v] x[v, g] + penalty sum u[z, t]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from optimize import roster_model as rm
from optimize.patterns import Pool, ShiftPattern, ShiftSpec
from optimize.periods import PeriodGrid, format_clock
from optimize.roster_inputs import per_zone_ints, requirements_table
from optimize.roster_model import DEFAULT_SOLVER
from optimize.roster_result import RosterResult, Unmet

__all__ = ["RosterProgram", "roster_program", "solve_roster"]


def _spans(periods: list[int], grid: PeriodGrid) -> str:
    """Consecutive periods as clock ranges: "08:00-09:30, 12:00-12:30"."""
    runs, start = [], None
    for i, t in enumerate(periods):
        if start is None:
            start = t
        if i + 1 == len(periods) or periods[i + 1] != t + 1:
            runs.append(f"{format_clock(grid.starts[start])}-"
                        f"{format_clock(grid.starts[t] + grid.period_minutes)}")
            start = None
    return ", ".join(runs)


def _diagnose(zones, grid, variants, minimum, windows, headcount, is_open) -> list[str]:
    """Hard conflicts visible before solving, one line per zone and reason."""
    problems = []
    n = grid.n_periods
    worked = [any(v.coverage[t] for v in variants) for t in range(n)]
    for z in zones:
        need = [minimum[z][t] if is_open[z][t] else 0 for t in range(n)]
        over = [t for t in range(n) if need[t] and windows[z][t] is not None
                and need[t] > windows[z][t]]
        if over:
            most, fewest = max(need[t] for t in over), min(windows[z][t] for t in over)
            problems.append(f"zone {z!r}: min_staff {most} exceeds its windows ({fewest}) "
                            f"at {_spans(over, grid)}")
        idle = [t for t in range(n) if need[t] and not worked[t]]
        if idle:
            problems.append(f"zone {z!r}: min_staff needs someone at {_spans(idle, grid)} "
                            "but no shift works then")
    if headcount is not None:
        totals = [sum(minimum[z][t] for z in zones if is_open[z][t]) for t in range(n)]
        short = [t for t in range(n) if totals[t] > headcount]
        if short:
            problems.append(f"min_staff over all open zones needs {max(totals)} people at "
                            f"{_spans(short, grid)}, headcount is {headcount}")
    return problems


def _open_mask(open_periods, zones, n_periods) -> dict[str, list[bool]]:
    if open_periods is None:
        return {z: [True] * n_periods for z in zones}
    mask = {}
    for z in zones:
        row = list(open_periods.get(z, [True] * n_periods))
        if len(row) != n_periods:
            raise ValueError(f"open_periods[{z!r}] has {len(row)} periods, the grid has "
                             f"{n_periods}")
        mask[z] = [bool(v) for v in row]
    return mask


@dataclass
class RosterProgram:
    """The roster integer program before its coverage rows and objective: the variables,
    ``on_duty(z, t)`` as an expression, the shared rows (pools, windows, min_staff,
    headcount) and what reading a solution back needs; :func:`solve_roster` adds the
    coverage of requirements and the objective. *problems*: hard conflicts found before
    solving (then no model is built)."""

    zones: list[str]
    labels: tuple[str, ...]
    reqs: dict[str, list[int]]
    req_frame: pd.DataFrame
    variants: list
    pools: tuple[Pool, ...]
    problems: list[str]
    times: Mapping[str, tuple[str, str]]
    lunch_minutes: Mapping[str, int]
    prob: object = None
    x: dict = field(default_factory=dict)
    y: dict = field(default_factory=dict)
    groups: list[str] = field(default_factory=list)
    pooled: set = field(default_factory=set)
    is_open: dict = field(default_factory=dict)

    def working(self, g: str, t: int):
        """People of group *g* (a zone with its own staff, or a pool) working in period *t*."""
        return rm.linear_sum([self.x[i, g] for i, v in enumerate(self.variants) if v.coverage[t]])

    def on_duty(self, z: str, t: int):
        """Staff on duty in zone *z* in period *t*: its own plus those pools place there."""
        own = self.working(z, t) if z not in self.pooled else 0
        return own + rm.linear_sum([self.y[p.id, z, t] for p in self.pools
                                    if z in p.zones and (p.id, z, t) in self.y])

    def paid_cost(self):
        """The shifts' cost: sum over variants and groups of cost x people."""
        return rm.linear_sum([self.variants[i].cost * var for (i, _), var in self.x.items()])

    def failed(self, status: str, why: list[str]) -> RosterResult:
        """The RosterResult of a problem that could not be solved."""
        empty = pd.DataFrame(0, index=pd.Index(self.zones, name="zone"),
                             columns=pd.Index(self.labels, name="period"))
        return RosterResult(status, status, 0.0, 0.0, MappingProxyType({}), empty, self.req_frame,
                            pd.DataFrame(), (), tuple(why), self.times)

    def read(self, solver_status: str) -> RosterResult:
        """The solved roster (after the program was solved with *solver_status*)."""
        return _result(solver_status, self.variants, self.groups, self.pools, self.zones, self.labels,
                       self.reqs, self.x, self.y, self.pooled, self.req_frame, self.times, self.lunch_minutes)


def roster_program(requirements, shifts: ShiftSpec | Sequence[ShiftPattern], grid, *,
                   windows=None, pools: Sequence[Pool] | None = None,
                   headcount: int | None = None, min_staff=None,
                   open_periods: Mapping[str, Sequence[bool]] | None = None) -> RosterProgram:
    """The roster program of :func:`solve_roster` without coverage rows or objective.

    Same inputs as :func:`solve_roster` (*requirements* give the zones and, for
    :func:`solve_roster`, what to cover). Raises ValueError for malformed input; hard
    conflicts are listed in ``problems`` (and no model is built).
    """
    grid = PeriodGrid.coerce(grid)
    if isinstance(shifts, ShiftSpec):
        if shifts.period_minutes is not None and shifts.period_minutes != grid.period_minutes:
            raise ValueError(f"the shifts are for {shifts.period_minutes}-minute periods, the "
                             f"grid has {grid.period_minutes}")
        pools = shifts.pools if pools is None else pools
        headcount = shifts.headcount if headcount is None else headcount
        min_staff = shifts.min_staff if min_staff is None else min_staff
        patterns = shifts.patterns
    else:
        patterns = tuple(shifts)
    pools = tuple(pools or ())
    if not patterns:
        raise ValueError("give at least one shift pattern")
    ids = [p.id for p in patterns] + [p.id for p in pools]
    if len(set(ids)) != len(ids):
        raise ValueError(f"shift and pool ids must be unique, got {ids}")

    n, labels = grid.n_periods, grid.labels
    reqs = requirements_table(requirements, n)
    zones = list(reqs)
    for pool in pools:
        missing = [z for z in pool.zones if z not in reqs]
        if missing:
            raise ValueError(f"pool {pool.id!r} names zones without requirements: {missing}")
    caps = per_zone_ints(windows, zones, n, "windows", None)
    minimum = per_zone_ints(min_staff, zones, n, "min_staff", 0)
    is_open = _open_mask(open_periods, zones, n)
    for z in zones:
        for t in range(n):
            if reqs[z][t] and not is_open[z][t]:
                raise ValueError(f"zone {z!r} has requirement {reqs[z][t]} at {labels[t]} "
                                 "but is closed then")
    variants = [v for p in patterns for v in p.variants(grid)]
    if headcount is not None and (int(headcount) != headcount or headcount < 0):
        raise ValueError(f"headcount must be a whole number >= 0, got {headcount!r}")

    req_frame = pd.DataFrame.from_dict(reqs, orient="index", columns=list(labels))
    req_frame.index.name, req_frame.columns.name = "zone", "period"
    lunch_minutes = MappingProxyType({p.id: p.lunch.minutes for p in patterns if p.lunch is not None})
    times = MappingProxyType({p.id: (format_clock(p.start), format_clock(p.end))
                              for p in patterns})
    program = RosterProgram(zones, tuple(labels), reqs, req_frame, variants, pools,
                            _diagnose(zones, grid, variants, minimum, caps, headcount, is_open),
                            times, lunch_minutes, is_open=is_open)
    if program.problems:
        return program

    program.pooled = {z for p in pools if p.exclusive for z in p.zones}
    program.groups = [z for z in zones if z not in program.pooled] + [p.id for p in pools]
    pool_zone_t = [(p.id, z, t) for p in pools for z in p.zones for t in range(n)
                   if is_open[z][t]]
    prob = program.prob = rm.new_problem("roster")
    program.x = rm.integer_vars(prob, "x", [(i, g) for i in range(len(variants)) for g in program.groups])
    program.y = rm.integer_vars(prob, "y", pool_zone_t)
    for pi, pool in enumerate(pools):
        for t in range(n):
            placed = rm.linear_sum([program.y[pool.id, z, t] for z in pool.zones
                                    if (pool.id, z, t) in program.y])
            prob += (placed <= program.working(pool.id, t), f"pool_{pi}_{t}")
    for zi, z in enumerate(zones):
        for t in range(n):
            duty = program.on_duty(z, t)
            if caps[z][t] is not None:
                prob += (duty <= caps[z][t], f"window_{zi}_{t}")
            if minimum[z][t] and is_open[z][t]:
                prob += (duty >= minimum[z][t], f"min_{zi}_{t}")
    if headcount is not None:
        prob += (rm.linear_sum(program.x.values()) <= headcount, "headcount")
    return program


def solve_roster(requirements, shifts: ShiftSpec | Sequence[ShiftPattern], grid, *,
                 windows=None, pools: Sequence[Pool] | None = None,
                 headcount: int | None = None, min_staff=None,
                 open_periods: Mapping[str, Sequence[bool]] | None = None,
                 soft: bool = True, shortfall_penalty: float | None = None,
                 solver: str = DEFAULT_SOLVER, time_limit: float | None = None) -> RosterResult:
    """Cheapest roster covering *requirements* per zone and period.

    *requirements*: DataFrame zone x period, (zone, period) Series or dict
    zone -> list of ints, one per period of *grid* (a PeriodGrid or
    (open minute, close minute, period minutes)). *shifts*: a ShiftSpec (its
    pools, headcount and min_staff are defaults for the keywords) or patterns.
    *windows*: physical windows, an int or dict zone -> int or per-period list
    (None: no cap). *min_staff*: int or dict zone -> int, while a zone is open
    (*open_periods*, default always). With *soft* (default) unmet requirements
    cost *shortfall_penalty* per person-period (default 1000 x the largest
    shift cost) instead of making the problem infeasible. *time_limit* in seconds.
    Raises ValueError for malformed input; hard conflicts give status ``infeasible``.
    """
    program = roster_program(requirements, shifts, grid, windows=windows, pools=pools, headcount=headcount,
                             min_staff=min_staff, open_periods=open_periods)
    if program.problems:
        return program.failed("infeasible", program.problems)
    prob, reqs = program.prob, program.reqs
    cells = [(z, t) for z in program.zones for t in range(len(program.labels))]
    u = rm.continuous_vars(prob, "short", cells) if soft else {}
    penalty = shortfall_penalty if shortfall_penalty is not None else 1000 * max(
        [1.0, *(v.cost for v in program.variants)])
    prob += program.paid_cost() + penalty * rm.linear_sum(u.values())
    for zi, z in enumerate(program.zones):
        for t in range(len(program.labels)):
            prob += (program.on_duty(z, t) + (u[z, t] if soft else 0) >= reqs[z][t], f"cover_{zi}_{t}")

    solver_status = rm.solve(prob, solver, time_limit)
    if solver_status not in ("optimal", "feasible"):
        why = {"infeasible": "the solver proved that windows, min_staff and headcount cannot "
                             "all hold with these shifts",
               "not solved": "the time limit ran out before any roster was found"}
        return program.failed(solver_status, [why.get(solver_status, f"solver status {solver_status}")])
    return program.read(solver_status)


def _result(solver_status, variants, groups, pools, zones, labels, reqs, x, y, pooled,
            req_frame, times, lunch_minutes) -> RosterResult:
    """Read integer values back and recompute coverage exactly from them."""
    n = len(labels)
    counts: dict[tuple[str, str, str], int] = {}
    for (i, g), var in x.items():
        v = variants[i]
        key = (v.pattern, v.lunch_label, g)
        counts[key] = counts.get(key, 0) + round(rm.value(var))
    placed = {key: round(rm.value(var)) for key, var in y.items()}
    # numpy, not a DataFrame row per variable: reading back cost as much as solving
    row = {z: zi for zi, z in enumerate(zones)}
    duty_array = np.zeros((len(zones), n), dtype=np.int64)
    for (i, g), var in x.items():
        if g in reqs and g not in pooled:
            people = round(rm.value(var))
            if people:
                duty_array[row[g]] += people * np.asarray(variants[i].coverage, dtype=np.int64)
    for (_, z, t), k in placed.items():
        duty_array[row[z], t] += k
    duty = pd.DataFrame(duty_array, index=pd.Index(zones, name="zone"), columns=pd.Index(labels, name="period"))
    assign_keys = [(p.id, z) for p in pools for z in p.zones]
    assign_array = np.zeros((len(assign_keys), n), dtype=np.int64)
    assign_row = {key: r for r, key in enumerate(assign_keys)}
    for (p, z, t), k in placed.items():
        assign_array[assign_row[p, z], t] = k
    assignment = pd.DataFrame(assign_array, index=pd.MultiIndex.from_tuples(assign_keys, names=["pool", "zone"]),
                              columns=pd.Index(labels, name="period"))
    unmet = tuple(Unmet(z, labels[t], reqs[z][t] - int(duty_array[zi, t]))
                  for zi, z in enumerate(zones) for t in range(n)
                  if duty_array[zi, t] < reqs[z][t])
    cost = sum(variants[i].cost * round(rm.value(var)) for (i, _), var in x.items())
    hours = sum(variants[i].paid_minutes * round(rm.value(var)) for (i, _), var in x.items())
    return RosterResult(
        status="understaffed" if unmet else solver_status, solver_status=solver_status,
        cost=float(cost), staff_hours=hours / 60, counts=MappingProxyType(counts),
        on_duty=duty, requirements=req_frame, pool_assignment=assignment, unmet=unmet,
        diagnosis=(), shift_times=times, lunch_minutes=lunch_minutes)
