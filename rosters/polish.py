"""Fewer zone switches: a second, small program over the zones of multi-skilled people.

The tour program (:mod:`rosters.model`) decides who works which shift, each skill
group's lunch starts, and how many people of each multi-zone group are at each zone in
each period. Its objective has no term for people changing zone, so among equally good
rosters the counts may flicker from period to period, and every flicker moves someone.
Rather than grow the tour program (a switch bound per group and period made it about a
third slower at county scale), this polish keeps every shift and lunch count and
re-decides only the zone counts ``y`` of the groups with two or more zones open that day,
all days in one program:

    minimise   sum w.switch * sw  +  w.speed * (speed - 1) * hours * y  +  w.shortfall * u
    place:     sum_z y[g,d,z,t] = people of g on the floor at t          (as the tour program)
    lunch:     sum_z L[g,d,z,t] = people of g at lunch at t,  L >= 0 integer
    cover:     sum people / speed + u[d,z,t] >= required,  u[d,z,t] <= the tour program's shortfall there
    window:    people at z <= windows
    switch:    sw[g,d,t] >= Y[g,d,z,t] - Y[g,d,z,t-1] - starting[g,d,t],   Y = y + L
               (each zone of a two-zone group; with more zones through inc[z] >= the rise of Y at z:
               sw >= sum_z inc - starting)

``Y`` counts people at their zone, or at lunch at the zone they left (``L``): a person
back from lunch at another zone has switched too. People starting their shift fill rises
freely, so ``sw`` is a lower bound on the switches of any hand-out of these counts (the
hand-out met it on every week tried). The tour program's own counts are a solution,
so the polish never leaves a zone-period less covered, and its terms never cost more than
those counts with their switches; the hand-out (:mod:`rosters.disaggregate`) then
realises the fewest switches the counts allow.
The roster's objective is the tour program's with these terms as polished (the switch
cost included); its bound stays the tour program's, a lower bound for that too.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import replace

from optimize import roster_model as rm
from rosters.model import Solution
from rosters.problem import WeekProblem

__all__ = ["fixed_coverage", "polish_zones"]


def fixed_coverage(problem: WeekProblem, solution: Solution) -> tuple[dict, dict]:
    """People on the floor (and their speed-weighted count) per (date, zone, period) of the
    groups with a single zone open that day: the coverage the polish does not move."""
    days = {d.date: d for d in problem.days}
    heads: dict[tuple, float] = defaultdict(float)
    eff: dict[tuple, float] = defaultdict(float)
    for (key, date, sid, vi), n in solution.lunch.items():
        d = days[date]
        zones = [(z, sp) for z, sp in key if z in d.zones]
        if len(zones) != 1:
            continue
        z, sp = zones[0]
        for t, c in enumerate(d.variants[sid][vi].coverage):
            if c:
                heads[date, z, t] += n
                eff[date, z, t] += n / sp
    return heads, eff


def polish_zones(problem: WeekProblem, solution: Solution, *, solver: str = rm.DEFAULT_SOLVER,
                 time_limit: float | None = 30.0, threads: int | None = None) -> Solution:
    """*solution* with the zone counts of multi-zone groups re-decided for fewer switches
    (see the module docstring); *solution* itself when there is nothing to polish, the
    switch weight is 0 or the polish finds no solution in *time_limit* seconds."""
    w = problem.weights
    if w.switch <= 0 or solution.objective is None:
        return solution
    started = time.perf_counter()
    days = {d.date: d for d in problem.days}
    floor: dict[tuple, list[int]] = {}    # (group key, date) -> people on the floor per period
    lunch: dict[tuple, list[int]] = {}    # ... at lunch per period
    starting: dict[tuple, list[int]] = {}  # ... whose shift starts at the period
    staying: dict[tuple, list[int]] = {}   # ... on shift at t - 1 and t
    for (key, date, sid, vi), n in solution.lunch.items():
        d = days[date]
        if len([z for z, _ in key if z in d.zones]) < 2:
            continue
        variant = d.variants[sid][vi]
        pattern = next(p for p in d.patterns if p.id == sid)
        shift = pattern.shift.coverage(d.grid.starts, d.grid.period_minutes)
        for table in (floor, lunch, starting, staying):
            table.setdefault((key, date), [0] * d.n)
        for t in range(d.n):
            floor[key, date][t] += n * variant.coverage[t]
            lunch[key, date][t] += n * (shift[t] - variant.coverage[t])
            if shift[t] and not (t and shift[t - 1]):
                starting[key, date][t] += n
            if t and shift[t] and shift[t - 1]:
                staying[key, date][t] += n
    if not floor:
        return solution

    prob = rm.new_problem("zone_polish")
    y_keys = [(key, date, z, t) for (key, date), f in floor.items() for z, _ in key if z in days[date].zones
              for t in range(days[date].n) if f[t]]
    y = rm.integer_vars(prob, "y", y_keys)
    l_keys = [(key, date, z, t) for (key, date), f in lunch.items() for z, _ in key if z in days[date].zones
              for t in range(days[date].n) if f[t]]
    lv = rm.integer_vars(prob, "L", l_keys)
    sw_keys = [(key, date, t) for (key, date), f in staying.items() for t in range(1, days[date].n) if f[t]]
    sw = rm.continuous_vars(prob, "sw", sw_keys)
    objective: list = [(sw[k], w.switch) for k in sw_keys]
    old = 0.0   # the tour program's value of the terms re-decided here
    by_group = defaultdict(list)
    for key, date, z, t in y_keys:
        by_group[key, date, t].append(y[key, date, z, t])
    for k, ((key, date, t), vars_) in enumerate(by_group.items()):
        prob += (rm.affine([(v, 1.0) for v in vars_]) == floor[key, date][t], f"place_{k}")
    lunch_group = defaultdict(list)
    for key, date, z, t in l_keys:
        lunch_group[key, date, t].append(lv[key, date, z, t])
    for k, ((key, date, t), vars_) in enumerate(lunch_group.items()):
        prob += (rm.affine([(v, 1.0) for v in vars_]) == lunch[key, date][t], f"lunch_{k}")

    # coverage: the polished groups' people plus everyone else as the tour program placed them
    heads: dict[tuple, list] = defaultdict(list)
    eff: dict[tuple, list] = defaultdict(list)
    fixed_heads, fixed_eff = fixed_coverage(problem, solution)
    for key, date, z, t in y_keys:
        sp = dict(key)[z]
        heads[date, z, t].append((y[key, date, z, t], 1.0))
        eff[date, z, t].append((y[key, date, z, t], 1.0 / sp))
        if sp > 1:
            cost = w.speed * (sp - 1) * days[date].grid.period_minutes / 60
            objective.append((y[key, date, z, t], cost))
            old += cost * solution.placed.get((key, date, z, t), 0)
    cells = sorted(heads, key=lambda c: (c[0], c[1], c[2]))
    u_keys = [c for c in cells if days[c[0]].required[c[1]][c[2]] > 0]
    u = rm.continuous_vars(prob, "short", u_keys)
    for k, (date, z, t) in enumerate(cells):
        d = days[date]
        r = d.required[z][t]
        if r > 0:
            before = solution.short.get((date, z, t), 0.0)
            prob += (rm.affine(eff[date, z, t] + [(u[date, z, t], 1.0)]) >= r - fixed_eff[date, z, t], f"cover_{k}")
            prob += (rm.affine([(u[date, z, t], 1.0)]) <= before + 1e-6, f"nowhere_worse_{k}")
            objective.append((u[date, z, t], w.shortfall))
            old += w.shortfall * before
        prob += (rm.affine(heads[date, z, t]) <= d.windows[z] - fixed_heads[date, z, t], f"window_{k}")

    def level(key, date, z, t) -> list:
        out = []
        if (key, date, z, t) in y:
            out.append((y[key, date, z, t], 1.0))
        if (key, date, z, t) in lv:
            out.append((lv[key, date, z, t], 1.0))
        return out

    for k, (key, date, t) in enumerate(sw_keys):
        zones = [z for z, _ in key if z in days[date].zones]
        if len(zones) == 2:   # a rise at one zone beyond the starters is a fall at the other
            rises = [level(key, date, z, t) + [(v, -c) for v, c in level(key, date, z, t - 1)] for z in zones]
        else:
            inc = rm.continuous_vars(prob, f"inc_{k}", zones)
            for z in zones:
                rise = level(key, date, z, t) + [(v, -c) for v, c in level(key, date, z, t - 1)]
                prob += (rm.affine([(inc[z], 1.0)] + [(v, -c) for v, c in rise]) >= 0, f"inc_{k}_{z}")
            rises = [[(inc[z], 1.0) for z in zones]]
        for j, rise in enumerate(rises):
            prob += (rm.affine([(sw[key, date, t], 1.0)] + [(v, -c) for v, c in rise])
                     >= -starting[key, date][t], f"switch_{k}_{j}")
    prob += rm.affine(objective)
    status = rm.solve(prob, solver, time_limit, 1e-6, threads)
    seconds = time.perf_counter() - started
    size = {**solution.size, "polish_seconds": seconds, "polish_status": status,
            "polish_variables": rm.problem_size(prob)["variables"]}
    if status not in ("optimal", "feasible"):
        return replace(solution, size=size, seconds=solution.seconds + seconds)
    placed = {k: v for k, v in solution.placed.items()
              if len([q for q, _ in k[0] if q in days[k[1]].zones]) < 2}
    placed.update({k: round(rm.value(var)) for k, var in y.items() if rm.value(var) > 0.5})
    short = {k: v for k, v in solution.short.items() if k not in u}
    short.update({k: rm.value(var) for k, var in u.items() if rm.value(var) > 1e-9})
    new = rm.value(prob.objective)
    size["switch_bound"] = round(sum(rm.value(v) for v in sw.values()), 6)
    assert solution.objective is not None
    return replace(solution, placed=placed, short=short, objective=solution.objective - old + new,
                   seconds=solution.seconds + seconds, size=size)
