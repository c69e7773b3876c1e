"""The tour-scheduling integer program of a week (PuLP via ``optimize.roster_model``).

Which days and shifts each person works are decided per person; the lunch
start and the zone of every half hour are decided per **skill group** (people
with the same zones and speed factors), in counts, and handed to individuals
afterwards (:mod:`rosters.disaggregate`): within a group people are
interchangeable for coverage, so this loses nothing and keeps the program small.

Indices: i person, d open day, s shift pattern, v lunch variant of s on d,
g skill group, z zone, t period of d, w calendar week, p AB post.

    on[i, d, s]    0/1   person i works shift s on day d
    x[g, d, v]     int   people of group g on variant v (a lunch start)
    y[g, d, z, t]  int   people of a multi-zone group g at zone z in period t
    u[d, z, t]     >= 0  shortfall (soft coverage);  m[i, w] >= 0  hours below a minimum
    b[p, d]        >= 0  AB post p uncovered on day d
    e[i, w]        0/1   person i works the weekend of week w
    o[i, w, j]     0/1   person i is off the k consecutive days from day j of week w
    F[i, k], G[i, k] >= 0  person i's weekend days / late shifts beyond k

    lunch_g_d_s:   sum_v x[g, d, v] = sum_{i in g} on[i, d, s]
    place_g_d_t:   sum_z y[g, d, z, t] = sum_v a[v, t] x[g, d, v]   (everyone on duty is at a window)
    cover_d_z_t:   sum (1 / speed) * people at z + u[d, z, t] >= r[d, z, t]
    window_d_z_t:  people at z <= windows[z]
    one_i_d:       sum_s on[i, d, s] <= 1
    days_i_w, hours_i_w, minh_i_w:   contract per calendar week (days worked before the start
                                     in the same week, from worked_before, lower the days' cap)
    off_i_w_j, offany_i_w:           k consecutive days off (cyclic Mon-Sun) in every week whose
                                     seven days are known (the horizon and worked_before)
    wkend_i_w_d, wkmonth_i_m:        at most N weekends a month (less those worked before the start)
    run_i_a:       sum of work on M + 1 consecutive days <= M - days worked before the start among
                   them (at most M days in a row, across the start of the horizon)
    ab_p_d:        sum_{i in p} sum_s on[i, d, s] + b[p, d] >= 1   (AB岗: the backup works when the primary is off)
    fairwk_i_k, fairlate_i_k:        F[i, k] >= weekend days of i - k, G[i, k] >= late shifts of i - k
    minimise paid hours + weights . (u, b, m, F, G, preferences, speed)   (F, G: convex, so spread evenly)
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field

from optimize import roster_model as rm
from rosters.dates import week_start
from rosters.problem import WeekProblem, post_zones

__all__ = ["Solution", "solve_model"]


@dataclass(frozen=True)
class Solution:
    """Integer values read back from the solver, plus its verdict and the gap.

    *works* maps (person id, date) -> shift id; *lunch* maps (group key, date, shift
    id, lunch variant index) -> people; *placed* maps (group key, date, zone,
    period) -> people; *short* (date, zone, period) -> shortfall, where there is one.
    *gap* is (objective - bound) / objective.
    """

    status: str
    objective: float | None
    bound: float | None
    works: dict
    lunch: dict
    placed: dict
    groups: dict
    seconds: float
    size: dict
    short: dict = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        if abs(self.objective) < 1e-9:
            return 0.0
        return max(0.0, (self.objective - self.bound) / abs(self.objective))


def _weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


def solve_model(problem: WeekProblem, *, solver: str = rm.DEFAULT_SOLVER, time_limit: float | None = None,
                gap: float | None = 0.01, threads: int | None = None) -> Solution:
    """Build and solve the program for *problem*; see the module docstring.

    *gap*: relative MIP gap at which to stop (0.01 = 1%); *time_limit* in seconds.
    """
    started = time.perf_counter()
    w = problem.weights
    people = problem.staff
    days = problem.days
    prob = rm.new_problem("week_roster")
    groups: dict[tuple, list[int]] = {}
    for i, p in enumerate(people):
        groups.setdefault(p.skills, []).append(i)
    gkeys = list(groups)
    group_of = {i: gi for gi, key in enumerate(gkeys) for i in groups[key]}

    # --- who works which shift on which day -------------------------------------------------
    on_keys = [(i, di, pat.id) for i, p in enumerate(people) for di, d in enumerate(days)
               for pat in problem.shifts_for(p, d)]
    on = rm.binary_vars(prob, "on", on_keys)
    by_person_day: dict[tuple[int, int], list] = defaultdict(list)
    by_group_day_shift: dict[tuple[int, int, str], list] = defaultdict(list)
    for (i, di, sid), var in on.items():
        by_person_day[i, di].append((sid, var))
        by_group_day_shift[group_of[i], di, sid].append(var)
    paid = {(di, pat.id): pat.paid_minutes / 60 for di, d in enumerate(days) for pat in d.patterns}

    def work(i, di, coef=1.0):
        return [(var, coef) for _, var in by_person_day.get((i, di), [])]

    # --- lunches and zones per skill group --------------------------------------------------
    x_keys = [(gi, di, sid, vi) for (gi, di, sid) in by_group_day_shift
              for vi in range(len(days[di].variants[sid]))]
    x = rm.integer_vars(prob, "x", x_keys)
    multi = {gi for gi, key in enumerate(gkeys) if len(key) > 1}
    y_keys = [(gi, di, z, t) for gi in multi for di, d in enumerate(days)
              if any((gi, di, s.id) in by_group_day_shift for s in d.patterns)
              for z, _ in gkeys[gi] if z in d.zones for t in range(d.n)]
    y = rm.integer_vars(prob, "y", y_keys)
    heads: dict[tuple, list] = defaultdict(list)
    eff: dict[tuple, list] = defaultdict(list)
    objective = [(var, paid[di, sid]) for (i, di, sid), var in on.items()]
    duty: dict[tuple[int, int, int], list] = defaultdict(list)
    for (gi, di, sid, vi), var in x.items():
        d = days[di]
        cov = d.variants[sid][vi].coverage
        for t in range(d.n):
            if cov[t]:
                duty[gi, di, t].append((var, 1.0))
    for k, (gi, di, sid) in enumerate(by_group_day_shift):
        lunch = [(x[gi, di, sid, vi], 1.0) for vi in range(len(days[di].variants[sid]))]
        lunch += [(var, -1.0) for var in by_group_day_shift[gi, di, sid]]
        prob += (rm.affine(lunch) == 0, f"lunch_{k}")
    hours_of_period = {di: d.grid.period_minutes / 60 for di, d in enumerate(days)}
    for gi, key in enumerate(gkeys):
        for di, d in enumerate(days):
            if gi in multi:
                zones = [(z, sp) for z, sp in key if z in d.zones]
                for t in range(d.n):
                    if not zones or (gi, di, zones[0][0], t) not in y:
                        continue
                    terms = [(y[gi, di, z, t], 1.0) for z, _ in zones] + [(v, -c) for v, c in duty[gi, di, t]]
                    prob += (rm.affine(terms) == 0, f"place_{gi}_{di}_{t}")
                    for z, sp in zones:
                        heads[di, z, t].append((y[gi, di, z, t], 1.0))
                        eff[di, z, t].append((y[gi, di, z, t], 1.0 / sp))
                        if sp > 1:
                            objective.append((y[gi, di, z, t], w.speed * (sp - 1) * hours_of_period[di]))
            else:
                z, sp = key[0]
                if z not in d.zones:
                    continue
                for t in range(d.n):
                    for var, c in duty[gi, di, t]:
                        heads[di, z, t].append((var, c))
                        eff[di, z, t].append((var, c / sp))
                        if sp > 1:
                            objective.append((var, w.speed * (sp - 1) * hours_of_period[di]))
    cells = [(di, z, t) for di, d in enumerate(days) for z in d.zones for t in range(d.n)]
    short_cells = [c for c in cells if days[c[0]].required[c[1]][c[2]] > 0]
    u = rm.continuous_vars(prob, "short", short_cells)
    for di, z, t in cells:
        d = days[di]
        zi = d.zones.index(z)
        r = d.required[z][t]
        if r > 0:
            prob += (rm.affine(eff[di, z, t] + [(u[di, z, t], 1.0)]) >= r, f"cover_{di}_{zi}_{t}")
            objective.append((u[di, z, t], w.shortfall))
        if heads[di, z, t]:
            prob += (rm.affine(heads[di, z, t]) <= d.windows[z], f"window_{di}_{zi}_{t}")

    # --- each person: one shift a day, contract per week, days off, weekends ----------------
    weeks: dict[dt.date, list[int]] = defaultdict(list)
    for di, d in enumerate(days):
        weeks[d.date - dt.timedelta(days=d.date.weekday())].append(di)
    calendar_weeks = problem.calendar.weeks()
    start, end = problem.calendar.days[0].date, problem.calendar.days[-1].date
    open_index = {d.date: di for di, d in enumerate(days)}
    min_slack = {}
    for i, p in enumerate(people):
        history = p.history(start)   # the days just before the start: date -> worked
        worked_before = {day for day, worked in history.items() if worked}
        weekend_vars: dict[dt.date, object] = {}
        for di in range(len(days)):
            if (i, di) in by_person_day and len(by_person_day[i, di]) > 1:
                prob += (rm.affine(work(i, di)) <= 1, f"one_{i}_{di}")
        for wk, (monday, dis) in enumerate(weeks.items()):
            terms = [t for di in dis for t in work(i, di)]
            if not terms:
                continue
            cap = max(0, p.max_days - sum(1 for day in worked_before if week_start(day) == monday))
            if len({di for di in dis if (i, di) in by_person_day}) > cap:
                prob += (rm.affine(terms) <= cap, f"days_{i}_{wk}")
            hours = [(var, paid[di, sid]) for di in dis for sid, var in by_person_day.get((i, di), [])]
            prob += (rm.affine(hours) <= p.max_hours, f"hours_{i}_{wk}")
            in_week = calendar_weeks.get(monday, ())
            leave_days = sum(1 for day in in_week if day.date in p.leave)
            minimum = p.min_hours * max(0.0, 1 - leave_days / max(p.max_days, 1)) * len(in_week) / 7
            if minimum > 1e-9:
                m = rm.continuous_vars(prob, f"minh_{i}_{wk}", [0])[0]
                min_slack[i, wk] = m
                prob += (rm.affine(hours + [(m, 1.0)]) >= minimum, f"minh_{i}_{wk}")
                objective.append((m, w.min_hours))
            k = p.consecutive_off
            dates = [monday + dt.timedelta(days=j) for j in range(7)]
            known = {day.date for day in in_week} | set(history)
            if k and all(day in known for day in dates):
                # cyclic Mon..Sun: some run of k days with no work (days before the start as they were)
                index = {days[di].date: di for di in dis}
                runs: list[tuple[int, list[int]]] | None = []
                for j in range(7):
                    run = [dates[(j + q) % 7] for q in range(k)]
                    if any(day in worked_before for day in run):
                        continue     # worked before the start: this run cannot be off
                    worked = [index[day] for day in run if day in index and (i, index[day]) in by_person_day]
                    if not worked:
                        runs = None  # already off k days in a row: nothing to require
                        break
                    runs.append((j, worked))  # type: ignore[union-attr]  # None only after the break
                # no run at all: the days worked before the start leave none (diagnose reports it)
                if runs:
                    o = rm.binary_vars(prob, f"o_{i}_{wk}", [j for j, _ in runs])
                    for j, worked in runs:
                        for di in worked:
                            prob += (rm.affine(work(i, di) + [(o[j], 1.0)]) <= 1, f"off_{i}_{wk}_{j}_{di}")
                    prob += (rm.affine([(o[j], 1.0) for j, _ in runs]) >= 1, f"offany_{i}_{wk}")
            if p.max_weekends_per_month is not None:
                wk_days = [di for di in dis if _weekend(days[di].date) and (i, di) in by_person_day]
                if any(_weekend(day) and week_start(day) == monday for day in worked_before):
                    wk_days = []     # this weekend is worked already: more of it costs no weekend
                if wk_days:
                    e = rm.binary_vars(prob, f"e_{i}_{wk}", [0])[0]
                    weekend_vars[monday] = e
                    for di in wk_days:
                        prob += (rm.affine(work(i, di) + [(e, -1.0)]) <= 0, f"wkend_{i}_{wk}_{di}")
        if p.max_weekends_per_month is not None:
            months: dict[tuple[int, int], list] = defaultdict(list)
            for monday, e in weekend_vars.items():
                saturday = monday + dt.timedelta(days=5)
                months[saturday.year, saturday.month].append((e, 1.0))
            done: dict[tuple[int, int], int] = defaultdict(int)   # weekends worked before the start
            for monday in {week_start(day) for day in worked_before if _weekend(day)}:
                saturday = monday + dt.timedelta(days=5)
                done[saturday.year, saturday.month] += 1
            for mi, (month, terms) in enumerate(months.items()):
                cap = max(0, p.max_weekends_per_month - done[month])
                if len(terms) > cap:
                    prob += (rm.affine(terms) <= cap, f"wkmonth_{i}_{mi}")
        if p.max_consecutive is not None:
            # every M + 1 consecutive days from the first known one: at most M worked
            span, first = p.max_consecutive + 1, start - dt.timedelta(days=len(history))
            for a in range((end - first).days + 2 - span):
                window = [first + dt.timedelta(days=a + q) for q in range(span)]
                if window[-1] < start:
                    continue
                terms, fixed = [], 0
                for day in window:
                    if day < start:
                        if not history[day]:
                            break
                        fixed += 1
                    elif (i, open_index.get(day)) in by_person_day:
                        terms += work(i, open_index[day])
                    else:
                        break        # a day off (closed, leave, ...) in the window: it holds
                else:
                    prob += (rm.affine(terms) <= p.max_consecutive - fixed, f"run_{i}_{a}")
        for di, d in enumerate(days):
            if p.prefers_off(d.date):
                objective += work(i, di, w.preference)

    # --- AB posts ----------------------------------------------------------------------------
    index_of = {p.id: i for i, p in enumerate(people)}
    zone_of_post = post_zones(problem)
    b_keys = [(post, di) for post in problem.posts for di, d in enumerate(days)
              if zone_of_post[post] in d.open_zones]
    b = rm.continuous_vars(prob, "b", b_keys)
    for k, (post, di) in enumerate(b_keys):
        terms = [t for m in problem.posts[post] for t in work(index_of[m.id], di)] + [(b[post, di], 1.0)]
        prob += (rm.affine(terms) >= 1, f"ab_{k}")
        objective.append((b[post, di], w.post))

    # --- fairness: a convex charge on each person's weekend days and late shifts -----------
    # The k-th weekend day (late shift) of one person costs k-1 times the weight, so the
    # program spreads them evenly; unlike a min-max term this keeps the LP bound tight.
    for i in range(len(people)):
        weekend = [t for di, d in enumerate(days) if _weekend(d.date) for t in work(i, di)]
        late = [(var, 1.0) for di, d in enumerate(days) for sid, var in by_person_day.get((i, di), [])
                if sid in d.late]
        for name, terms, weight in (("fairwk", weekend, w.weekend), ("fairlate", late, w.late)):
            for k in range(1, len(terms)):
                extra = rm.continuous_vars(prob, f"{name}_{i}_{k}", [0])[0]
                prob += (rm.affine(terms + [(extra, -1.0)]) <= k, f"{name}_{i}_{k}")
                objective.append((extra, weight))
    prob += rm.affine(objective)

    size = {**rm.problem_size(prob), "people": len(people),
            "groups": len(gkeys), "days": len(days)}
    built = time.perf_counter()
    status = rm.solve(prob, solver, time_limit, gap, threads)
    size["build_seconds"] = built - started
    if status not in ("optimal", "feasible"):
        return Solution(status, None, None, {}, {}, {}, dict(enumerate(gkeys)), time.perf_counter() - started, size)
    works = {(people[i].id, days[di].date): sid for (i, di, sid), var in on.items() if rm.value(var) > 0.5}
    lunch_counts = {(gkeys[gi], days[di].date, sid, vi): round(rm.value(var)) for (gi, di, sid, vi), var in x.items()
             if rm.value(var) > 0.5}
    placed = {(gkeys[gi], days[di].date, z, t): round(rm.value(var)) for (gi, di, z, t), var in y.items()
              if rm.value(var) > 0.5}
    short = {(days[di].date, z, t): rm.value(var) for (di, z, t), var in u.items() if rm.value(var) > 1e-9}
    obj = rm.value(prob.objective)
    bound = rm.mip_bound(prob)
    if bound is None and status == "optimal":
        bound = obj
    return Solution(status, obj, bound, works, lunch_counts, placed, dict(enumerate(gkeys)),
                    time.perf_counter() - started, size, short)
