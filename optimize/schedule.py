"""Low-level shift scheduling: the classic set-covering integer program.

    minimise   sum_s cost_s x_s  (+ penalty sum_t u_t when soft)
    subject to sum_s a_{s,t} x_s (+ u_t) >= r_t   for every period t  (cover_t)
               x_s >= 0 integer,  u_t >= 0

x_s = staff on shift s, a_{s,t} = 1 if shift s works period t, r_t the
requirement and u_t the shortfall (only with ``soft=True``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from optimize import roster_model as rm
from optimize.roster_model import DEFAULT_SOLVER

__all__ = ["ShiftSchedule", "schedule_shifts"]


@dataclass(frozen=True)
class ShiftSchedule:
    """Result of :func:`schedule_shifts`.

    *counts*: shift name -> staff; *cost*: shift cost only (no penalty);
    *status*: ``optimal``, ``feasible`` (time limit hit with an incumbent),
    ``understaffed`` (soft and some shortfall), ``infeasible`` or ``not solved``;
    *solver_status*: the status before the shortfall check; *shortfall*: per
    period (soft only, else None).
    """

    counts: Mapping[str, int]
    cost: float
    status: str
    solver_status: str
    shortfall: tuple[int, ...] | None = None

    @property
    def total_staff(self) -> int:
        return sum(self.counts.values())


def _check(requirements, coverage, costs) -> list[int]:
    reqs = []
    for t, r in enumerate(requirements):
        if int(r) != r or r < 0:
            raise ValueError(f"requirements[{t}] must be a whole number >= 0, got {r!r}")
        reqs.append(int(r))
    for name, cover in coverage.items():
        if len(cover) != len(reqs):
            raise ValueError(f"coverage[{name!r}] has {len(cover)} periods, requirements "
                             f"have {len(reqs)}")
        if any(c not in (0, 1) for c in cover):
            raise ValueError(f"coverage[{name!r}] must hold only 0 and 1, got {list(cover)}")
        if name not in costs:
            raise ValueError(f"costs has no entry for shift {name!r}")
        if not costs[name] >= 0:
            raise ValueError(f"costs[{name!r}] must be >= 0, got {costs[name]!r}")
    extra = set(costs) - set(coverage)
    if extra:
        raise ValueError(f"costs names shifts without coverage: {sorted(extra)}")
    return reqs


def schedule_shifts(requirements: Sequence[int], coverage: Mapping[str, Sequence[int]],
                    costs: Mapping[str, float], *, solver: str = DEFAULT_SOLVER,
                    time_limit: float | None = None, soft: bool = False,
                    shortfall_penalty: float | None = None) -> ShiftSchedule:
    """Cheapest integer staff per shift covering *requirements* (one int per period).

    *coverage* maps a shift name to 0/1 per period, *costs* a shift name to its
    cost. *solver* is ``"HiGHS"`` (default) or ``"CBC"``; *time_limit* in
    seconds. With *soft*, shortfall is allowed at *shortfall_penalty* per
    person-period (default 1000 x the largest cost, at least 1000).
    Raises ValueError for malformed input.
    """
    reqs = _check(requirements, coverage, costs)
    names = list(coverage)
    periods = range(len(reqs))
    prob = rm.new_problem("shifts")
    x = rm.integer_vars(prob, "x", names)
    u = rm.continuous_vars(prob, "short", periods) if soft else {}
    penalty = shortfall_penalty if shortfall_penalty is not None else 1000 * max(
        [1.0, *map(float, costs.values())])
    prob += rm.linear_sum([costs[s] * x[s] for s in names]) + penalty * rm.linear_sum(u.values())
    for t in periods:
        covered = rm.linear_sum([x[s] for s in names if coverage[s][t]])
        prob += (covered + (u[t] if soft else 0) >= reqs[t], f"cover_{t}")
    solver_status = rm.solve(prob, solver, time_limit)
    if solver_status not in ("optimal", "feasible"):
        return ShiftSchedule(MappingProxyType({}), 0.0, solver_status, solver_status, None)
    counts = {s: round(rm.value(x[s])) for s in names}
    shortfall = None
    status = solver_status
    if soft:
        # recomputed from the integer counts, so it is exact whatever the LP tolerances
        shortfall = tuple(max(0, reqs[t] - sum(counts[s] for s in names if coverage[s][t]))
                          for t in periods)
        if any(shortfall):
            status = "understaffed"
    return ShiftSchedule(
        counts=MappingProxyType(counts),
        cost=float(sum(costs[s] * counts[s] for s in names)),
        status=status, solver_status=solver_status, shortfall=shortfall)
