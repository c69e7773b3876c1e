"""Robustness: a staffing plan (or a layout with its staffing) over a set of demand scenarios, and
the plan that holds in a chosen share of them.

Every demand scenario (:mod:`planning.demand_set`) is simulated for the same days from the same
seed (common random numbers: the differences between scenarios are the demand's, not the
dice's) and every zone-period judged by ``optimize.verify`` (``met``, ``borderline``,
``missed``, ``exempt``; a zone-period takes its worst target). A zone-period **holds** in a
scenario when its estimate meets every target (``met``) or it has fewer than *min_visitors*
visitors a day there (``exempt``: nothing is required); a ``borderline`` cell - estimate short,
interval still reaching the target - does not hold. ``confident`` counts the scenarios where
the one-sided bound at *confidence* meets every target as well. A count is per zone-period,
over the given scenario set and the simulated days; it says nothing of demand outside the set.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from optimize.methods import DEFAULT_SOLVER
from planning.demand_set import DemandScenario

__all__ = ["HOLDS", "ChancePlan", "Robustness", "chance_constrained_plan", "robustness"]

HOLDS = ("met", "exempt")
"""The verdicts that count as holding."""
SCENARIO_COLUMNS = ["scenario", "description", "visitors", "met", "borderline", "missed", "exempt", "confident",
                    "share_held", "share_met", "worst_level", "worst_cell", "mean_wait", "service_level"]
CELL_COLUMNS = ["scenario", "zone", "start", "status", "holds", "confident", "visitors", "staff"]


@dataclass(frozen=True, eq=False)
class Robustness:
    """The outcome of :func:`robustness`.

    *staff*: zone x period staff evaluated (time-averaged where people on shifts staff the hall);
    *cells*: one row per (scenario, zone, period): ``status`` (worst target), ``holds``,
    ``confident``, ``visitors`` a day, ``staff``; *estimates*: every target's row of
    ``optimize.verify.cell_estimates`` with ``scenario``; *per_scenario*: one row per scenario
    (:data:`SCENARIO_COLUMNS`: zone-periods ``met`` ... ``exempt``, ``share_held`` of all
    zone-periods, ``share_met`` = met / judged, ``worst_level`` the lowest service level of a
    judged zone-period at ``worst_cell``, the hall's ``mean_wait`` in minutes, ``service_level``
    at the scenario's target wait and ``visitors`` a day).
    """

    scenario: Any
    staff: pd.DataFrame
    scenarios: tuple[DemandScenario, ...]
    targets: tuple
    cells: pd.DataFrame
    estimates: pd.DataFrame
    per_scenario: pd.DataFrame
    replications: int
    seed: int
    confidence: float

    @property
    def n(self) -> int:
        """Demand scenarios evaluated."""
        return len(self.scenarios)

    def count(self, what: str = "holds") -> pd.DataFrame:
        """Zone x period: in how many scenarios the cell ``holds``, is ``confident``, or has the
        verdict *what* (``met``, ``borderline``, ``missed``, ``exempt``)."""
        flag = self.cells[what] if what in ("holds", "confident") else self.cells["status"] == what
        table = flag.groupby([self.cells["zone"], self.cells["start"]]).sum().unstack("start")
        return table.reindex(index=self.staff.index, columns=self.staff.columns).fillna(0).astype(int)

    @cached_property
    def holds(self) -> pd.DataFrame:
        """Zone x period: scenarios (of :attr:`n`) in which the zone-period holds."""
        return self.count("holds")

    @cached_property
    def confident(self) -> pd.DataFrame:
        """Zone x period: scenarios in which it holds with the stated confidence."""
        return self.count("confident")

    def holding_in(self, k: int) -> int:
        """Zone-periods holding in at least *k* scenarios."""
        return int((self.holds.to_numpy() >= k).sum())

    def zone_table(self) -> pd.DataFrame:
        """Per zone: ``every_period`` - scenarios in which it holds in every period; ``fewest`` -
        the fewest scenarios any of its periods holds in, at ``worst_period``; ``always`` - its
        periods holding in every scenario, of ``periods``."""
        whole = self.cells.groupby(["zone", "scenario"], sort=False)["holds"].all().groupby(level="zone").sum()
        rows = [{"zone": z, "name": self.scenario.zone(z).label, "every_period": int(whole.get(z, 0)),
                 "fewest": int(c.min()), "worst_period": str(c.idxmin()), "always": int((c == self.n).sum()),
                 "periods": len(c), "of": self.n} for z, c in self.holds.iterrows()]
        return pd.DataFrame(rows)

    def table(self) -> str:
        """The zone table and the per-scenario table, for people."""
        targets = ", ".join(map(str, self.targets))
        scenarios = self.per_scenario.assign(
            share_held=lambda f: (100 * f["share_held"]).round(1), share_met=lambda f: (100 * f["share_met"]).round(1),
            worst_level=lambda f: (100 * f["worst_level"]).round(1),
            mean_wait=lambda f: f["mean_wait"].round(2))
        with pd.option_context("display.unicode.east_asian_width", True, "display.width", 200):
            return (f"{self.scenario.name}: {targets} over {self.n} demand scenarios, {self.replications} days "
                    f"each, seed {self.seed} for all; a zone-period holds when its estimate meets every target "
                    "(shares and levels in %, waits in minutes)\n"
                    f"{self.zone_table().to_string(index=False)}\n\n"
                    f"{scenarios.drop(columns=['description', 'service_level']).to_string(index=False)}")

    def __str__(self) -> str:
        return self.table()


def _staff(scenario) -> pd.DataFrame:
    from optimize.demand import period_labels

    return pd.DataFrame([scenario.staff_per_period(z) for z in scenario.zone_ids],
                        index=pd.Index(scenario.zone_ids, name="zone"),
                        columns=pd.Index(period_labels(scenario), name="period"))


def _ticker(progress, total: int) -> tuple[Callable[[str], None], Callable[[], None]]:
    """(tick after a scenario, close): a bar on stderr for True (None: on a terminal), or
    ``progress(done, total)`` for a callable."""
    if callable(progress):
        done = [0]

        def call(_name: str) -> None:
            done[0] += 1
            progress(done[0], total)
        return call, lambda: None
    from tqdm.auto import tqdm

    on = progress is True or (progress is None and sys.stderr.isatty())
    bar = tqdm(total=total, desc="demand scenarios", unit="scenario", disable=not on, leave=False, file=sys.stderr)

    def tick(name: str) -> None:
        bar.set_postfix_str(name)
        bar.update(1)
    return tick, bar.close


def _scenario_row(demand: DemandScenario, results, estimates: pd.DataFrame, cells: pd.DataFrame) -> dict:
    from optimize.verify import compliance

    c = compliance(estimates)
    judged = estimates[(estimates["status"] != "exempt") & (estimates["kind"] == "service_level")]
    worst = judged.loc[judged["achieved"].idxmin()] if len(judged) and judged["achieved"].notna().any() else None
    overall = results.summary("overall").set_index("kpi")["mean"]
    return {"scenario": demand.name, "description": demand.description, "visitors": float(overall["visitors"]),
            **{k: c[k] for k in ("met", "borderline", "missed", "exempt", "confident")},
            "share_held": float(cells["holds"].mean()), "share_met": c["share_met"],
            "worst_level": float(worst["achieved"]) if worst is not None else math.nan,
            "worst_cell": f"{worst['zone']} {worst['start']}" if worst is not None else "",
            "mean_wait": float(overall["mean_wait"]), "service_level": float(overall["service_level"])}


def robustness(scenario, plan, demands: Sequence[DemandScenario], targets, *, replications: int = 30, seed: int = 0,
               workers: int | None = None, confidence: float = 0.95, min_visitors: float = 1.0, executor=None,
               progress=None) -> Robustness:
    """How *plan* holds over *demands*: every scenario simulated for *replications* days from *seed*.

    *scenario*: the base ``sim.Scenario`` (a layout is a scenario); *plan*: zone x period staff
    (a DataFrame as ``optimize_staffing(...).plan``, a dict zone -> list or an array) or None for
    the scenario's own staffing (``staff``, or ``people`` on shifts, e.g. from
    ``sim.read_staffing_file``); *targets*: text (``"wait<=15@80%"``) or Target objects; *workers*
    (default every core) and *executor* change where days run, never the counts; *progress*: True
    for a bar on stderr, a callable ``progress(done, total)`` after each scenario. Raises
    ValueError for fewer than 2 replications or no scenarios, ScenarioError for a scenario the
    plan or a demand does not fit (all are built before any is simulated).
    """
    import sim
    from optimize import parse_targets
    from optimize.verify import MIN_REPLICATIONS, cell_estimates, cell_status, plan_array

    targets = tuple(parse_targets(targets))
    demands = tuple(demands)
    if not demands:
        raise ValueError("robustness needs at least one demand scenario")
    if replications < MIN_REPLICATIONS:
        raise ValueError(f"a verdict needs at least {MIN_REPLICATIONS} replications per scenario, got {replications}")
    staffed = scenario if plan is None else sim.apply_staffing(
        scenario, {z: [int(v) for v in row] for z, row in zip(scenario.zone_ids, plan_array(scenario, plan))})
    variants = [d.apply(staffed) for d in demands]
    n_workers = sim.default_workers() if workers is None else int(workers)
    pool = sim.worker_pool(n_workers) if executor is None and n_workers > 1 else None  # one pool for every scenario
    tick, close = _ticker(progress, len(demands))
    cells, estimates, rows = [], [], []
    try:
        for demand, variant in zip(demands, variants):
            results = sim.simulate(variant, replications=replications, seed=seed, workers=n_workers,
                                   executor=executor or pool, progress=False)
            est = cell_estimates(results, targets, confidence=confidence, min_visitors=min_visitors)
            keys = [est["zone"], est["start"]]
            sure = (est["confident"] | (est["status"] == "exempt")).groupby(keys, sort=False).all()
            first = est.groupby(keys, sort=False)[["visitors", "staff"]].first()
            cell = pd.DataFrame({"status": cell_status(est), "confident": sure, **first}).reset_index()
            cell.insert(0, "scenario", demand.name)
            cell["holds"] = cell["status"].isin(HOLDS)
            cells.append(cell[CELL_COLUMNS])
            estimates.append(est.assign(scenario=demand.name))
            rows.append(_scenario_row(demand, results, est, cell))
            tick(demand.name)
    except BaseException:
        if pool is not None:
            sim.stop_pool(pool)  # an error or Ctrl-C: do not wait for running days
            pool = None
        raise
    finally:
        close()
        if pool is not None:
            pool.shutdown()
    frame = pd.concat(estimates, ignore_index=True)
    return Robustness(scenario, _staff(staffed), demands, targets, pd.concat(cells, ignore_index=True),
                      frame[["scenario"] + [c for c in frame.columns if c != "scenario"]],
                      pd.DataFrame(rows, columns=SCENARIO_COLUMNS), replications, seed, confidence)


# -- the chance-constrained plan -------------------------------------------------------------

ANALYTIC = ("sipp", "lag", "mol")


@dataclass(frozen=True, eq=False)
class ChancePlan:
    """A plan whose requirement is met in at least *needed* = ceil(*share* x K) of the K demand
    scenarios in every zone-period the windows allow, beside the nominal plan (the same method
    for the nominal scenario alone).

    *requirement*: zone x period, the smallest staff meeting the requirement of *needed*
    scenarios, capped at the windows; *plan*: the staff on duty (the roster's coverage with
    shifts, else *requirement*); *nominal_requirement*, *nominal*: the same for the nominal
    plan; *requirements*: each scenario's uncapped requirement by name; *uncovered*: zone-periods
    the windows cannot cover (``zone, start, needed, windows, covered`` - the scenarios covered
    at the windows); *roster*, *nominal_roster*: RosterResults or None; *evaluation*,
    *nominal_evaluation*: :class:`Robustness` of both over the scenarios (None unless simulated).
    """

    scenario: Any
    method: str
    share: float
    needed: int
    requirement: pd.DataFrame
    plan: pd.DataFrame
    nominal_requirement: pd.DataFrame
    nominal: pd.DataFrame
    requirements: dict[str, pd.DataFrame]
    uncovered: pd.DataFrame
    roster: Any = None
    nominal_roster: Any = None
    evaluation: Robustness | None = None
    nominal_evaluation: Robustness | None = None

    def covered(self, plan: str = "chance") -> pd.DataFrame:
        """Zone x period: scenarios whose requirement the *plan* (``chance`` or ``nominal``) covers."""
        staff = (self.plan if plan == "chance" else self.nominal).to_numpy()
        stack = np.stack([r.to_numpy() for r in self.requirements.values()])
        return pd.DataFrame((stack <= staff[None]).sum(axis=0), index=self.plan.index, columns=self.plan.columns)

    def costs(self) -> pd.DataFrame:
        """One row per plan (``chance``, ``nominal``): ``staff_hours`` on duty a day, ``paid_hours``
        and ``cost`` (the roster's; the staff-hours without shifts), ``covering`` - zone-periods whose
        requirement is covered in at least *needed* scenarios - and, when simulated, ``holding``
        (zone-periods holding in at least *needed* scenarios) and ``every_scenario``."""
        rows = []
        for name, plan, roster, ev in (("chance", self.plan, self.roster, self.evaluation),
                                       ("nominal", self.nominal, self.nominal_roster, self.nominal_evaluation)):
            hours = float(plan.to_numpy().sum() * self.scenario.period_minutes / 60)
            rows.append({"plan": name, "staff_hours": hours,
                         "paid_hours": float(roster.staff_hours) if roster is not None else hours,
                         "cost": float(roster.cost) if roster is not None else hours,
                         "covering": int((self.covered(name).to_numpy() >= self.needed).sum()),
                         "holding": ev.holding_in(self.needed) if ev is not None else None,
                         "every_scenario": ev.holding_in(ev.n) if ev is not None else None,
                         "zone_periods": int(plan.size)})
        return pd.DataFrame(rows)

    @property
    def extra_cost(self) -> float:
        """What the chance-constrained plan costs over the nominal one (cost; staff-hours without shifts)."""
        c = self.costs().set_index("plan")["cost"]
        return float(c["chance"] - c["nominal"])

    def __str__(self) -> str:
        c = self.costs().set_index("plan")
        k, n = self.needed, len(self.requirements)
        text = (f"plan for {self.share:g} of the scenarios ({k} of {n}) in every zone-period ({self.method}): cost "
                f"{c.loc['chance', 'cost']:.1f}, {self.extra_cost:+.1f} over the nominal plan "
                f"({c.loc['nominal', 'cost']:.1f})")
        if len(self.uncovered):
            text += f"; {len(self.uncovered)} zone-periods need more staff than windows"
        return text


def _requirement_function(method, targets, options: dict) -> Callable:
    if callable(method):
        return lambda s: method(s, targets)
    if method in ANALYTIC:
        from optimize import analytic_requirements

        return lambda s: analytic_requirements(s, targets, method)
    from optimize.methods import METHODS

    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)} or a function, got {method!r}")
    from optimize import optimize_staffing

    return lambda s: optimize_staffing(s, targets, method=method, baselines=False, **options).plan


def _rostered(scenario, requirement: pd.DataFrame, shifts, solver: str):
    """(staff on duty, RosterResult or None) for *requirement*."""
    if shifts is None:
        return requirement, None
    from optimize import PeriodGrid, RosterError, solve_roster

    grid = PeriodGrid(scenario.open_minute, scenario.close_minute, scenario.period_minutes)
    roster = solve_roster(requirement, shifts, grid, windows={z.id: z.windows for z in scenario.zones}, solver=solver)
    if not roster.solved:
        raise RosterError("no roster covers the requirements with these shifts: "
                          + "; ".join(roster.diagnosis or (roster.status,)))
    return roster.on_duty.reindex(index=requirement.index, columns=requirement.columns).astype(int), roster


def chance_constrained_plan(scenario, targets, demands: Sequence[DemandScenario], share: float, *, shifts=None,
                            method: str | Callable = "sipp", replications: int | None = None, seed: int = 0,
                            workers: int | None = None, executor=None, solver: str = DEFAULT_SOLVER,
                            optimizer_options: dict | None = None, progress=None) -> ChancePlan:
    """The cheapest plan meeting each scenario's requirement in at least ceil(*share* x K) of the K
    *demands*, in every zone-period, capped at the windows; and the nominal plan beside it.

    Requirements per scenario: *method* ``sipp``, ``lag`` or ``mol`` (``optimize.analytic_requirements``),
    an optimizer method (``calibrated``, ``simulation``: ``optimize_staffing(...).plan`` with
    *optimizer_options*, slow: a search per scenario), or a function ``(scenario, targets) ->
    DataFrame zone x period``. Per cell the plan takes the ceil(share x K)-th smallest requirement.
    With *shifts* (a ShiftSpec) both plans are rostered (``optimize.solve_roster``, *solver*).
    With *replications* both are simulated over *demands* (:func:`robustness`, *seed*, *workers*,
    *executor*).
    Raises ValueError for a share outside (0, 1], RosterError when no roster covers a plan.
    """
    from optimize import parse_targets
    from optimize.verify import plan_frame

    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], got {share!r}")
    targets = tuple(parse_targets(targets))
    demands = tuple(demands)
    if not demands:
        raise ValueError("a chance-constrained plan needs at least one demand scenario")
    required = _requirement_function(method, targets, optimizer_options or {})
    zones = list(scenario.zone_ids)
    frames = {d.name: plan_frame(scenario, required(d.apply(scenario)).reindex(zones).to_numpy()) for d in demands}
    stack = np.stack([f.to_numpy() for f in frames.values()])  # scenario x zone x period
    needed = math.ceil(share * len(demands) - 1e-9)
    quantile = np.sort(stack, axis=0)[needed - 1]  # the needed-th smallest: covers that many scenarios
    windows = np.array([[scenario.zone(z).windows] for z in zones])
    over = np.argwhere(quantile > windows)
    labels = list(next(iter(frames.values())).columns)
    uncovered = pd.DataFrame([{"zone": zones[i], "start": labels[j], "needed": int(quantile[i, j]),
                               "windows": int(windows[i, 0]), "covered": int((stack[:, i, j] <= windows[i, 0]).sum())}
                              for i, j in over], columns=["zone", "start", "needed", "windows", "covered"])
    requirement = plan_frame(scenario, np.minimum(quantile, windows))
    base = required(scenario) if "nominal" not in frames else frames["nominal"]
    nominal_requirement = plan_frame(scenario, np.minimum(plan_frame(scenario, base.reindex(zones).to_numpy())
                                                          .to_numpy(), windows))
    plan, roster = _rostered(scenario, requirement, shifts, solver)
    nominal, nominal_roster = _rostered(scenario, nominal_requirement, shifts, solver)
    evaluation = nominal_evaluation = None
    if replications is not None:
        run = dict(replications=replications, seed=seed, workers=workers, executor=executor, progress=progress)
        evaluation = robustness(scenario, plan, demands, targets, **run)
        nominal_evaluation = robustness(scenario, nominal, demands, targets, **run)
    name = method if isinstance(method, str) else getattr(method, "__name__", "function")
    return ChancePlan(scenario, name, float(share), needed, requirement, plan, nominal_requirement, nominal, frames,
                      uncovered, roster, nominal_roster, evaluation, nominal_evaluation)
