"""The calibrated method: each zone's exact time-varying queue model, corrected by
simulating the hall, staffs every period; the roster is then made lean against the same
models, so that shift surplus in one period is credited to the next.

1. **Models.** Each zone with demand gets its exact model
   (:class:`~optimize.exact_staffing.ZoneEvaluator`: the forward Kolmogorov equations of
   M(t)/M/s(t)+M with the zone's expected arrival rates, mean service and patience from
   ``sim.flows``). It knows how each target in each period moves with the staff in that
   period and in the earlier ones (the backlog they leave) - and, for waits that run past
   a period's end, in the next ones. This is what makes the plan time-stable: a period is
   staffed for the people actually present, not for a stationary queue at its arrival rate.
2. **Plan.** Per zone, the forward plan (:func:`forward_plan`): period by period, the
   fewest staff for which the corrected model passes there, given the staff already set
   before it.
3. **Roster** (with shift patterns). The hall's roster program covers the plan
   (:func:`optimize.roster.solve_roster`: shifts with lunch choice, pools, windows,
   min_staff, headcount). Its coverage has surplus wherever shifts are longer than peaks;
   :func:`_lean_requirements` lowers, one zone-period at a time, the staff the model does
   not need given that surplus, and the roster is solved again; a cheaper roster is kept
   (it covers a plan the models pass, so it passes too), until nothing gets cheaper.
4. **Calibration.** The plan is simulated on fresh days (seed ``seed + 10 + i`` for the
   i-th simulation: independent of each other and of the verification's days). Each
   zone-period's estimate, set against the model's value under the same plan, is one
   observation of the model's error; :mod:`optimize.model_correction` pools them over all
   simulations at the same staff level, shrinks them towards each zone's common bias, and
   the corrections enter the models. Steps 2-4 repeat until a plan comes back that was
   already simulated (a fixed point) or *max_simulations*.

What the answer guarantees: every zone-period meets every target by its corrected model
(the point estimate, or *margin* posterior standard deviations better); the corrections'
posterior spread gives each zone-period's probability of truly missing, and their sum,
the expected number of zone-periods that truly miss, is reported for the whole plan. The
lower bound is the cheapest plan (roster) giving each period at least the staff the
corrected model needs there even with every other period at its windows: no plan the
models accept costs less. Zone-periods that miss even with every window staffed from
opening are *stuck*: staffed at every window, reported, and not counted.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from optimize.adaptive_effort import close_cells, lowerable_cells, parity_probes, probe_close_cells
from optimize.closed_loop import solved_roster
from optimize.demand import analytic_requirements, period_labels, serving_zones, zone_demand
from optimize.exact_staffing import ZoneEvaluator, solve_exact
from optimize.hall_master import hall_master
from optimize.methods import (
    DEFAULT_ADAPTIVE_ROUNDS,
    DEFAULT_BOUND_ITERATIONS,
    DEFAULT_MASTER_ITERATIONS,
    DEFAULT_MASTER_ROUNDS,
    MASTER_SAFETY_SECONDS,
    MAX_ADAPTIVE_ROUNDS,
    MAX_MASTER_ITERATIONS,
    MAX_MASTER_ROUNDS,
    MAX_SIMULATIONS,
)
from optimize.model_correction import Correction, CorrectionData
from optimize.roster_model import DEFAULT_SOLVER
from optimize.roster_result import RosterResult
from optimize.targets import parse_targets
from optimize.verify import cell_estimates, plan_array, plan_frame, simulate_plan
from optimize.zone_pool import ZonePool

__all__ = ["CALIBRATED_ITERATION_COLUMNS", "CalibratedStaffing", "Stuck", "calibrated_staffing", "forward_plan"]

CALIBRATED_ITERATION_COLUMNS = ["stage", "iteration", "staff_hours", "paid_hours", "cost", "lean_rounds",
                                "simulated_misses", "probes", "close_cells", "lowered_cells", "master_zones",
                                "proven_zones", "expected_misses",
                                "changed", "seconds"]
SEARCH_SEED_OFFSET = 10     # the i-th simulation uses seed + 10 + i: clear of the verification's seed + 2
PROBE_SEED_OFFSET = 60      # the probes use seed + 60 and seed + 61: fresh days of their own
ADAPTIVE_SEED_OFFSET = 100  # adaptive round r, parity p: seed + 100 + 2r + p


@dataclass(frozen=True)
class Stuck:
    """A zone-period where *target* misses even with every window staffed from opening:
    the best the corrected model gives there is *best* against *required*."""

    zone: str
    period: str
    target: str
    best: float
    required: float

    def why(self) -> str:
        return (f"{self.zone} {self.period}: {self.target} cannot hold even with every window staffed "
                f"from opening (at best {self.best:.3g} against {self.required:.3g})")


@dataclass(frozen=True)
class CalibratedStaffing:
    """What the calibrated method found.

    *requirements*: the staff per zone-period the models need (DataFrame zone x period
    ``"HH:MM"``); *plan*: staff on duty (the roster's coverage with shifts, else the
    requirements); *roster*: RosterResult or None; *cost*: the roster's cost, or
    staff-hours without shifts; *lower_bound*: no plan the corrected models accept costs
    less; *gap* = (cost - lower_bound) / cost; *miss_probability*: per zone-period, the
    posterior probability that some target truly misses; *expected_misses*: their sum;
    *iterations*: one row per simulation (``CALIBRATED_ITERATION_COLUMNS``);
    *simulations*: hall simulations run, of *replications* days each; *converged*: the
    final plan had been simulated (a fixed point); *stuck*: zone-periods beyond reach.
    """

    requirements: pd.DataFrame
    plan: pd.DataFrame
    roster: RosterResult | None
    cost: float
    lower_bound: float
    gap: float
    miss_probability: pd.DataFrame
    expected_misses: float
    iterations: pd.DataFrame
    simulations: int
    replications: int
    converged: bool
    stuck: tuple[Stuck, ...] = field(default=())
    corrections: dict = field(default_factory=dict, repr=False)


class _Models:
    """Each zone's (corrected) model, with the windows and the fewest staff allowed; the
    models live in a :class:`~optimize.zone_pool.ZonePool` (*workers* processes)."""

    def __init__(self, scenario, targets, caps, workers: int = 1):
        self.targets = targets
        demand = zone_demand(scenario)
        self.P = scenario.period_minutes
        self.caps = caps
        self.zones = list(scenario.zone_ids)
        self.labels = period_labels(scenario)
        self.rates = np.array([demand[zone].rates for zone in self.zones], dtype=float)
        self.least = np.minimum((self.rates > 0).astype(np.int64), caps)   # someone wherever visitors come
        specs = {z: dict(rates=list(demand[zone].rates), period_minutes=self.P,
                         mean_service=demand[zone].mean_service, targets=targets, windows=caps[z],
                         mean_patience=demand[zone].mean_patience, staff_decrease=scenario.staff_decrease)
                 for z, zone in enumerate(self.zones) if sum(demand[zone].rates) > 0 and caps[z].max() > 0}
        self.mean_service = {z: spec["mean_service"] for z, spec in specs.items()}
        self.pool = ZonePool(specs, workers)
        try:
            self.out_of_reach: dict[int, tuple[int, ...]] = self.pool.each(_out_of_reach)
        except BaseException:
            self.pool.close(at_once=True)
            raise

    def __enter__(self) -> _Models:
        return self

    def __exit__(self, kind, *exc) -> None:
        self.pool.close(at_once=kind is not None)

    def correct(self, correction: Correction | None, margin: float) -> None:
        """Apply *correction* (None: none), *margin* posterior sds on the safe side."""
        offsets: dict[int, tuple] = {}
        for z in self.pool.zones:
            offsets[z] = ({},)
            for target in self.targets:
                name = str(target)
                if correction is None:
                    offsets[z][0][name] = np.zeros(len(self.caps[z]))
                    continue
                sign = -1.0 if target.spec.higher_is_better else 1.0
                offsets[z][0][name] = correction.delta[name][z] + sign * margin * correction.sd[name][z]
        self.out_of_reach = self.pool.map(_correct, offsets)

    def floor(self) -> np.ndarray:
        """The fewest staff per zone-period: one wherever visitors come, every window where
        the target is out of reach (the most that can be done there)."""
        floor = self.least.copy()
        for z, late in self.out_of_reach.items():
            for t in late:
                floor[z, t] = self.caps[z, t]
        return floor

    def lowest(self) -> np.ndarray:
        """The fewest staff per zone-period any plan the models pass can have: the floor,
        raised to each zone model's proven lower bounds (every other period at its windows)."""
        need = self.floor()
        for z, lows in self.pool.each(_lower_bounds).items():
            need[z] = np.maximum(need[z], lows)
        return need

    def values(self, plan: np.ndarray) -> dict[int, np.ndarray]:
        return self.pool.map(_values, {z: (plan[z],) for z in self.pool.zones})

    def stuck(self, labels) -> tuple[Stuck, ...]:
        out: list[Stuck] = []
        late_zones = [z for z, late in self.out_of_reach.items() if late]
        best_of = self.pool.map(_corrected, {z: (self.caps[z],) for z in late_zones})
        for z in late_zones:
            best = best_of[z]
            for t in self.out_of_reach[z]:
                for i, target in enumerate(self.targets):
                    required = target.spec.required(target)
                    if not target.spec.meets(best[i, t], required):
                        out.append(Stuck(self.zones[z], labels[t], str(target), float(best[i, t]), required))
                        break
        return tuple(out)


# what the models are asked, run where each zone's model lives (module-level: they pickle)
def _out_of_reach(ev: ZoneEvaluator) -> tuple[int, ...]:
    return ev.out_of_reach


def _correct(ev: ZoneEvaluator, offsets: dict) -> tuple[int, ...]:
    ev.correct(offsets)
    return ev.out_of_reach


def _values(ev: ZoneEvaluator, row) -> np.ndarray:
    return ev.values(row)


def _corrected(ev: ZoneEvaluator, row) -> np.ndarray:
    return ev.corrected(row)


def _lower_bounds(ev: ZoneEvaluator) -> np.ndarray:
    return np.asarray(ev.lower_bounds())


def forward_plan(ev: ZoneEvaluator, guess, upper, floor) -> np.ndarray:
    """One zone's forward plan: period by period, the fewest staff (within *floor* and
    *upper*) for which *ev* passes there, given the staff already set before it and *guess*
    after it (only the next periods matter, when a wait runs past a period's end); repeated
    with the later periods as set until nothing changes, then whatever a later period's
    choice broke earlier is raised again."""
    g = np.clip(np.asarray(guess, dtype=np.int64), floor, upper)
    T = len(g)
    for _ in range(3):            # again with the later periods as set: they may allow fewer
        before = g.copy()
        for t in range(T):
            if ev.check(g, t):
                while g[t] > floor[t]:
                    g[t] -= 1
                    if not ev.check(g, t):
                        g[t] += 1
                        break
            else:
                while g[t] < upper[t] and not ev.check(g, t):
                    g[t] += 1
        if np.array_equal(before, g):
            break
    for _ in range(T):
        failing = np.nonzero(~ev(g) & (g < upper))[0]
        if not len(failing):
            break
        g[failing[0]] += 1
    return g


def _lean_requirements(models: _Models, coverage: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Lower the roster's *coverage* one zone-period at a time, wherever every zone's model
    still passes after it: the staff the models need, given the surplus the shifts bring."""
    lean = coverage.copy()
    rows = models.pool.map(_lean_zone, {z: (coverage[z], floor[z], _reach(models, z)) for z in models.pool.zones})
    for z, row in rows.items():
        lean[z] = row
    return lean


def _lean_zone(ev: ZoneEvaluator, coverage, floor, reach: int) -> np.ndarray:
    """One zone's part of :func:`_lean_requirements`: its *coverage* lowered period by
    period while the model passes within *reach* periods after; the coverage itself if
    lowering broke something further on."""
    g = np.array(coverage, dtype=np.int64)
    for t in range(len(g)):
        while g[t] > floor[t]:
            g[t] -= 1
            if not all(ev.check(g, u) for u in range(t, min(len(g), t + reach + 1))):
                g[t] += 1
                break
    return g if ev(g).all() else np.array(coverage, dtype=np.int64)


def _roster(scenario, requirements, shifts, solver, time_limit) -> tuple[RosterResult, np.ndarray]:
    """The cheapest roster covering *requirements* and its staff on duty (zones x periods)."""
    roster = solved_roster(scenario, requirements, shifts, solver=solver, time_limit=time_limit)
    return roster, plan_array(scenario, roster.on_duty.reindex(list(scenario.zone_ids)))


def _lean_roster(scenario, models, reqs, floor, shifts, solver, time_limit, max_rounds: int = 6):
    """The cheapest roster found covering a plan the models pass: (roster, coverage,
    requirements, rounds)."""
    roster, coverage = _roster(scenario, reqs, shifts, solver, time_limit)
    rounds = 0
    while rounds < max_rounds:
        rounds += 1
        lean = _lean_requirements(models, coverage, floor)
        if np.array_equal(lean, reqs) or np.array_equal(lean, coverage):
            break
        better, better_coverage = _roster(scenario, lean, shifts, solver, time_limit)
        if better.cost >= roster.cost - 1e-9 or better.unmet:
            break
        roster, coverage, reqs = better, better_coverage, lean
    return roster, coverage, reqs, rounds


def _adaptive_plan(scenario, models: _Models, plan, reqs, close, shifts, solver, time_limit):
    """The plan once the close cells' evidence is in the models (corrected by it): without
    shifts, each close cell one lower where every model still passes (no other cell is raised
    for it, so the plan stays as searched elsewhere); with shifts, the lean roster again from
    *reqs*. Returns (plan on duty, requirements, roster or None, lean rounds)."""
    floor = models.floor()
    if shifts is None:
        lowered = plan.copy()
        rows = models.pool.map(_lower_close, {z: (plan[z], close[z] & (plan[z] > floor[z]), _reach(models, z))
                                              for z in models.pool.zones if close[z].any()})
        for z, row in rows.items():
            lowered[z] = row
        return lowered, lowered.copy(), None, 0
    roster, coverage, reqs, rounds = _lean_roster(scenario, models, reqs, floor, shifts, solver, time_limit)
    return coverage, reqs, roster, rounds


def _served_by(scenario, models: _Models) -> dict[int, list[int]]:
    """Zone index -> the modelled zones whose windows serve its visitors, for the zones
    without a model of their own (no windows: their load is handed to the pools that serve
    them, as ``sim.flows.zone_loads`` does). Their zone-periods are where the simulation
    judges the pools' work, so their estimates correct the pools' models."""
    index = {zone: z for z, zone in enumerate(models.zones)}
    return {index[zone]: [index[y] for y in servers if index[y] in models.pool.zones]
            for zone, servers in serving_zones(scenario).items()
            if index[zone] not in models.pool.zones and servers}


def _reach(models: _Models, z: int) -> int:
    """Periods after a change of staff in zone *z* that its backlog can still touch."""
    return 3 + math.ceil(2 * models.mean_service[z] / models.P)


def _lower_close(ev: ZoneEvaluator, plan, close, reach: int) -> np.ndarray:
    """One zone's *plan* with each *close* period (in order) one lower where the model then
    passes there and breaks nothing within *reach* periods after that passed before."""
    g = np.array(plan, dtype=np.int64)
    passed = ev(g)
    for t in (int(t) for t in np.nonzero(close)[0]):
        g[t] -= 1
        if not ev.check(g, t) or not all(ev.check(g, u) or not passed[u] for u in range(t + 1, min(len(g), t + reach + 1))):
            g[t] += 1
    return g


def _miss_probability(models: _Models, plan, correction: Correction, min_visitors: float) -> np.ndarray:
    """Per zone-period, the posterior probability that some target truly misses (0 where
    fewer than *min_visitors* come a day or the target is out of reach)."""
    Z, T = plan.shape
    miss = np.zeros((Z, T))
    for z, values in models.values(plan).items():
        hold = np.ones(T)
        for i, target in enumerate(models.targets):
            name = str(target)
            pred = values[i] + correction.delta[name][z]
            sd = correction.sd[name][z]
            required = target.spec.required(target)
            room = target.spec.room(pred, required)
            with np.errstate(divide="ignore", invalid="ignore"):
                p = np.where(sd > 0, stats.norm.cdf(-room / np.where(sd > 0, sd, 1)), (room < -1e-9).astype(float))
            hold *= 1 - np.nan_to_num(p)
        miss[z] = 1 - hold
        for late in models.out_of_reach[z]:
            miss[z, late] = 0.0
    return np.where(models.rates * models.P >= min_visitors, miss, 0.0)


def _probe_plans(models: _Models, plan: np.ndarray, floor: np.ndarray) -> list[np.ndarray]:
    """Two plans that tell the models' error one staff lower: *plan* with every cell above
    its floor (within reach, with visitors) one lower in the even periods, then in the odd
    ones (a lowered cell's neighbours keep the plan's staff, as when the plan is searched)."""
    return [probe for _, _, probe in parity_probes(plan, lowerable_cells(models, plan, floor))]


def _zone_rosters_apart(shifts) -> bool:
    """Do the zones' rosters not interact (no pools, headcount or minimum staff linking them)?
    Then the hall's cheapest roster is each zone's cheapest roster, one master per zone."""
    return shifts is not None and not shifts.pools and shifts.headcount is None and not shifts.min_staff


def _zone_master(ev: ZoneEvaluator, floor, shifts, grid, incumbent, iterations: int,
                 seconds: float = MASTER_SAFETY_SECONDS, bound_only: bool = False):
    """One zone's roster master (:func:`optimize.exact_staffing.solve_exact`): the shift
    integer program, with cuts from this zone's corrected model wherever its answer fails,
    re-solved until its answer passes everywhere, for at most *iterations* solves (or
    *seconds*, a safety limit); starts from *incumbent* (cost, coverage). Returns (status,
    coverage, cost, lower bound); status ``optimal``, ``best_found`` (a model with
    abandonment: nothing proven) or ``limit``. *bound_only*: only the bound is wanted, so a
    model that is not monotone gets one solve (its cuts prove nothing: the first, cut-free
    solve's bound is all there is)."""
    if bound_only and not ev.monotone:
        iterations = 1
    lower = np.maximum(ev.lower_bounds(), floor)
    found = solve_exact(ev, ev.windows, lower=lower, shifts=shifts, grid=grid, check=ev.check, horizon=ev.horizon,
                        monotone=ev.monotone, max_iterations=iterations, time_limit=seconds,
                        incumbent=(incumbent[0], incumbent[1], {}))
    return found.status, np.asarray(found.plan, dtype=np.int64), float(found.cost), float(found.lower_bound)


def _zone_costs(roster: RosterResult, zones, shifts) -> np.ndarray:
    """The roster's cost per zone (no pools: every person belongs to one zone)."""
    cost = {p.id: p.effective_cost for p in shifts.patterns}
    out = np.zeros(len(zones))
    index = {zone: z for z, zone in enumerate(zones)}
    for (pattern, _, group), n in roster.counts.items():
        out[index[group]] += n * cost[pattern]
    return out


def _master_rosters(scenario, models: _Models, plan, roster: RosterResult, shifts, solver, time_limit,
                    iterations: int, seconds: float = MASTER_SAFETY_SECONDS):
    """Each zone's roster master, started from the lean roster: (roster, plan on duty,
    requirements, lower bound, zones whose master proved its roster optimal). The hall's
    roster is re-solved over the zones' answers and kept when cheaper; the bound is the sum of
    the masters' proven bounds. When the zones share staff (pools, headcount, minimum staff)
    one master for the hall (:func:`optimize.hall_master.hall_master`) takes their place, and
    every zone counts as proven when it is."""
    if not _zone_rosters_apart(shifts):       # shared staff: one master for the hall
        answer = hall_master(scenario, models.pool, models.lowest(), (roster.cost, plan), shifts, solver=solver,
                             time_limit=time_limit, iterations=iterations, seconds=seconds)
        proven_zones = len(models.pool.zones) if answer.proven else 0
        if answer.cost < roster.cost - 1e-9:
            better, coverage = _roster(scenario, answer.coverage, shifts, solver, time_limit)
            if better.cost < roster.cost - 1e-9 and not better.unmet:
                return better, coverage, answer.coverage.copy(), answer.lower_bound, proven_zones
        return roster, plan, plan.copy(), answer.lower_bound, proven_zones
    answers, costs, bound = _zone_masters(scenario, models, plan, roster, shifts, iterations, seconds)
    proven = sum(status == "optimal" for status, _, _, _ in answers.values())
    need = plan.copy()
    for z, (_, coverage, cost, _) in answers.items():
        if cost < costs[z] - 1e-9:
            need[z] = coverage
    if np.array_equal(need, plan):
        return roster, plan, plan.copy(), bound, proven
    better, coverage = _roster(scenario, need, shifts, solver, time_limit)
    if better.cost < roster.cost - 1e-9 and not better.unmet:
        return better, coverage, need, bound, proven
    return roster, plan, plan.copy(), bound, proven


def _zone_masters(scenario, models: _Models, plan, roster: RosterResult, shifts, iterations: int,
                  seconds: float = MASTER_SAFETY_SECONDS, bound_only: bool = False):
    """Each zone's roster master (zones apart), started from its part of *roster*: (answers
    by zone, each zone's cost in *roster*, the lower bound: the sum of the masters' bounds,
    and the roster's own cost for the zones without a model). *bound_only*: see
    :func:`_zone_master`."""
    floor = models.floor()
    grid = (scenario.open_minute, scenario.close_minute, scenario.period_minutes)
    costs = _zone_costs(roster, models.zones, shifts)
    answers = models.pool.map(_zone_master, {z: (floor[z], shifts, grid, (costs[z], plan[z]), iterations, seconds,
                                                 bound_only) for z in models.pool.zones})
    bound = float(sum(low for _, _, _, low in answers.values())
                  + sum(costs[z] for z in range(len(models.zones)) if z not in answers))
    return answers, costs, bound


def _lower_bound(scenario, models: _Models, shifts, solver, time_limit) -> float:
    """The cost of the cheapest plan (roster) giving each zone-period at least the staff its
    corrected model needs there with every other period at its windows."""
    need = models.lowest()
    if shifts is None:
        return float(need.sum() * scenario.period_minutes / 60)
    roster, _ = _roster(scenario, need, shifts, solver, time_limit)
    return float(roster.cost)


def calibrated_staffing(scenario, targets, shifts=None, *, seed: int = 0, replications: int = 30,
                        max_simulations: int = 4, confidence: float = 0.95, min_visitors: float = 1.0,
                        margin: float = 0.0, bound: bool = True, probes: bool = False,
                        adaptive_rounds: int = DEFAULT_ADAPTIVE_ROUNDS,
                        master_iterations: int = DEFAULT_MASTER_ITERATIONS,
                        master_rounds: int = DEFAULT_MASTER_ROUNDS,
                        bound_iterations: int = DEFAULT_BOUND_ITERATIONS, workers=None, executor=None,
                        solver: str = DEFAULT_SOLVER, time_limit: float | None = 120,
                        on_iteration=None, on_probe=None) -> CalibratedStaffing:
    """The cheapest plan (with *shifts*: roster) found that the calibrated models say meets
    *targets* in every zone-period; see the module docstring.

    *scenario*: a ``sim.Scenario`` (its own staffing ignored); *targets*: text or Target
    objects; *shifts*: a ShiftSpec or None (a per-period plan, cost in staff-hours);
    *replications*: days per simulation; at most *max_simulations* (>= 1) simulations;
    *margin*: posterior standard deviations kept between each corrected estimate and its
    target (0: the point estimate); *bound*: compute the lower bound (a few seconds);
    *time_limit* (seconds) per roster solve; *on_iteration* gets each iteration's row;
    *adaptive_rounds*: after the search, the zone-periods where one staff fewer is a close
    call are simulated one lower, in at most this many rounds of two probe simulations
    (:mod:`optimize.adaptive_effort`; 0: none); *on_probe* is called after each of them;
    *master_iterations*: with shifts, each zone's roster master (:func:`_zone_master`: the
    shift IP with cuts from the zone's corrected model), or one master for the hall when the
    zones share staff (pools, headcount, minimum staff: :mod:`optimize.hall_master`), may
    solve its IP this many times (0: no masters); it starts from the lean roster, so it can
    only make it cheaper, and its proven bounds give the lower bound; *master_rounds*: then
    the masters' roster is simulated, the models corrected there and the masters run again,
    at most this many times; *bound_iterations*: without masters, with shifts whose zones'
    rosters do not interact, each zone's master runs this many solves for the lower bound
    only (the roster is not changed; 0: the bound from the models' per-period bounds alone);
    *probes*: after the first simulation, simulate two probe plans (:func:`_probe_plans`,
    one simulation each, counted in ``simulations``) so that the models know their error
    one staff below the plan, where the plan's own cells say little, and correct the
    models per staff level (``CorrectionData.correction_table``). Off by default: on
    the reference hall they made the per-period plan 2.6% leaner and its small zones
    less biased against a brute force (9 above, 7 below instead of 15 and 2) but no more
    often equal to it (91.4% against 90.9%), with more zone-periods truly short.
    """
    if not 1 <= max_simulations <= MAX_SIMULATIONS:
        raise ValueError(f"max_simulations must be 1 .. {MAX_SIMULATIONS}, got {max_simulations}")
    if not 0 <= adaptive_rounds <= MAX_ADAPTIVE_ROUNDS:
        raise ValueError(f"adaptive_rounds must be 0 .. {MAX_ADAPTIVE_ROUNDS}, got {adaptive_rounds}")
    if not 0 <= master_iterations <= MAX_MASTER_ITERATIONS:
        raise ValueError(f"master_iterations must be 0 .. {MAX_MASTER_ITERATIONS}, got {master_iterations}")
    if master_iterations and shifts is None:
        raise ValueError("master_iterations needs shifts: the masters cut the shift integer program")
    if not 0 <= master_rounds <= MAX_MASTER_ROUNDS:
        raise ValueError(f"master_rounds must be 0 .. {MAX_MASTER_ROUNDS}, got {master_rounds}")
    if not 0 <= bound_iterations <= MAX_MASTER_ITERATIONS:
        raise ValueError(f"bound_iterations must be 0 .. {MAX_MASTER_ITERATIONS}, got {bound_iterations}")
    targets = parse_targets(targets)
    zones, labels = list(scenario.zone_ids), period_labels(scenario)
    T = scenario.n_periods
    caps = np.array([[z.windows] * T for z in scenario.zones], dtype=np.int64)
    hours = scenario.period_minutes / 60
    import sim

    n_workers = sim.default_workers() if workers is None else max(1, int(workers))
    levels = int(caps.max()) + 1
    with _Models(scenario, targets, caps, n_workers) as models:
        data = CorrectionData(targets, zones, labels, confidence, served_by=_served_by(scenario, models))
        reqs = np.minimum(analytic_requirements(scenario, targets, "sipp").to_numpy(np.int64), caps)
        rows: list[dict] = []
        estimates_of: dict[bytes, pd.DataFrame] = {}      # each simulated plan's cell estimates
        correction: Correction | None = None
        plan: np.ndarray | None = None
        roster: RosterResult | None = None
        converged = False

        def record(row: dict) -> None:
            rows.append(row)
            if on_iteration is not None:
                on_iteration(dict(row))

        def learned(plan, seed_offset: int) -> pd.DataFrame:
            """*plan* simulated on seed + *seed_offset*: its cell estimates, added to the
            corrections' data."""
            estimates = cell_estimates(simulate_plan(scenario, plan, replications=replications,
                                                     seed=seed + seed_offset, workers=workers, executor=executor),
                                       targets, confidence=confidence, min_visitors=min_visitors)
            data.add(estimates, plan, models.values(plan), replications)
            return estimates

        def searched(correction, reqs):
            """(plan on duty, requirements, roster, lean rounds, floor) under *correction*."""
            models.correct(correction, margin)
            floor = models.floor()
            reqs = reqs.copy()
            for z, row in models.pool.map(forward_plan, {z: (reqs[z], caps[z], floor[z])
                                                          for z in models.pool.zones}).items():
                reqs[z] = row
            if shifts is None:
                return reqs.copy(), reqs, None, 0, floor
            roster, new_plan, reqs, rounds = _lean_roster(scenario, models, reqs, floor, shifts, solver, time_limit)
            return new_plan, reqs, roster, rounds, floor

        for iteration in range(1, max_simulations + 2):
            clock = time.perf_counter()
            new_plan, reqs, roster, rounds, floor = searched(correction, reqs)
            changed = plan is None or not np.array_equal(plan, new_plan)
            plan = new_plan
            if plan.tobytes() in estimates_of:
                converged = True
                break
            if iteration > max_simulations:
                break
            estimates = estimates_of[plan.tobytes()] = learned(plan, SEARCH_SEED_OFFSET + iteration)
            probed = 0
            if probes and iteration == 1:
                for i, probe in enumerate(_probe_plans(models, plan, floor)):
                    learned(probe, PROBE_SEED_OFFSET + i)
                    probed += 1
            plan_correction = data.correction(plan)
            # by staff level only with probes: without them the method stays the measured one
            correction = data.correction_table(plan, levels, plan_correction) if probes else plan_correction
            row = _row("search", iteration, plan, roster, rounds, hours, changed, clock,
                       simulated_misses=_below_target(estimates), probes=probed,
                       expected_misses=float(_miss_probability(models, plan, plan_correction, min_visitors).sum()))
            record(row)
        assert plan is not None             # the loop runs at least once
        final = data.correction(plan)
        if adaptive_rounds and not probes:
            clock = time.perf_counter()
            models.correct(final, margin)
            floor = models.floor()
            close = close_cells(models, plan, floor, final, estimates_of.get(plan.tobytes(), estimates),
                                replications, confidence)
            evidence = probe_close_cells(scenario, models, plan, close, rounds=adaptive_rounds,
                                         seed=seed + ADAPTIVE_SEED_OFFSET, replications=replications,
                                         confidence=confidence, min_visitors=min_visitors, workers=workers,
                                         executor=executor, on_simulation=on_probe)
            if evidence.simulations:
                for probe, probe_estimates in evidence.probes:     # the cells not probed: more days at the plan
                    data.add(probe_estimates, probe, models.values(probe), replications)
                final = evidence.correction_table(data.correction(plan), levels)
                models.correct(final, margin)
                new_plan, reqs, roster, rounds = _adaptive_plan(scenario, models, plan, reqs, close, shifts, solver,
                                                                time_limit)
                changed = not np.array_equal(plan, new_plan)
                lowered = int((new_plan < plan).sum())
                plan = new_plan
                record(_row("adaptive", len(rows) + 1, plan, roster, rounds, hours, changed, clock,
                            simulated_misses=None, probes=evidence.simulations,
                            expected_misses=float(_miss_probability(models, plan, final.at_levels(plan),
                                                                    min_visitors).sum()),
                            close_cells=int(close.sum()), lowered_cells=lowered))
        lower = math.nan
        if roster is not None and master_iterations > 0:
            # the masters' plan puts staff at levels no simulation has tried, where the models'
            # corrections are extrapolated: it is simulated, the models corrected there, and the
            # masters run again from the lean roster under the new corrections, until they answer
            # a plan already simulated or *master_rounds* simulations are spent
            clock = time.perf_counter()
            for master_round in range(master_rounds + 1):
                lean_cost = roster.cost
                roster, plan, reqs, lower, proven = _master_rosters(scenario, models, plan, roster, shifts, solver,
                                                                    time_limit, master_iterations)
                row = _row("master", len(rows) + 1, plan, roster, 0, hours, roster.cost < lean_cost, clock,
                           simulated_misses=None, probes=0, proven_zones=proven, master_zones=len(models.pool.zones),
                           expected_misses=float(_miss_probability(models, plan, final.at_levels(plan),
                                                                   min_visitors).sum()))
                if plan.tobytes() in estimates_of or master_round == master_rounds:
                    converged = plan.tobytes() in estimates_of
                    record(row)
                    break
                # the search's seeds continue: the k-th plan simulated gets seed + 10 + k
                estimates = estimates_of[plan.tobytes()] = learned(plan, SEARCH_SEED_OFFSET + len(estimates_of) + 1)
                final = data.correction(plan)
                row["simulated_misses"] = _below_target(estimates)
                record(row)
                clock = time.perf_counter()                         # the next row's time includes this
                plan, reqs, roster, _, _ = searched(final, reqs)    # a lean roster the new models pass
        final = final.at_levels(plan)
        misses = _miss_probability(models, plan, final, min_visitors)
        cost = float(roster.cost) if roster is not None else float(plan.sum() * hours)
        if bound and bound_iterations and not master_iterations and roster is not None \
                and _zone_rosters_apart(shifts):
            # the masters' bound for the lean roster, which they do not change
            _, _, lower = _zone_masters(scenario, models, plan, roster, shifts, bound_iterations, bound_only=True)
        if bound:
            lower = max(_lower_bound(scenario, models, shifts, solver, time_limit),
                        lower if math.isfinite(lower) else -math.inf)
        else:
            lower = math.nan
        gap = max(0.0, (cost - lower) / cost) if cost > 0 and math.isfinite(lower) else math.nan
        return CalibratedStaffing(
            requirements=plan_frame(scenario, reqs), plan=plan_frame(scenario, plan), roster=roster, cost=cost,
            lower_bound=lower, gap=gap, miss_probability=plan_frame(scenario, np.zeros_like(plan)).astype(float) + misses,
            expected_misses=float(misses.sum()), iterations=pd.DataFrame(rows, columns=CALIBRATED_ITERATION_COLUMNS),
            simulations=len(estimates_of) + sum(r["probes"] for r in rows),
            replications=replications, converged=converged, stuck=models.stuck(labels),
            corrections={k: v.copy() for k, v in final.delta.items()})


def _below_target(estimates: pd.DataFrame) -> int:
    """Zone-periods whose simulated estimate misses some target (borderline or missed)."""
    judged = estimates[(estimates["status"] != "exempt") & (estimates["status"] != "met")]
    return int(judged[["zone", "start"]].drop_duplicates().shape[0])


def _row(stage: str, iteration: int, plan, roster, rounds: int, hours: float, changed: bool, clock: float,
         **measured) -> dict:
    """One row of ``iterations`` (``CALIBRATED_ITERATION_COLUMNS``)."""
    staff_hours = float(plan.sum() * hours)
    return {"stage": stage, "iteration": iteration, "staff_hours": staff_hours,
            "paid_hours": roster.staff_hours if roster is not None else staff_hours,
            "cost": roster.cost if roster is not None else staff_hours, "lean_rounds": rounds,
            "close_cells": None, "lowered_cells": None, "master_zones": None, "proven_zones": None, **measured,
            "changed": changed, "seconds": round(time.perf_counter() - clock, 3)}
