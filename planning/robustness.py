"""Robustness: a staffing plan (or a layout with its staffing) over a set of demand scenarios, and
the plan that holds in a chosen share of them.

Every demand scenario is simulated with the same seed (common random numbers: the differences
between scenarios are the demand's, not the dice's) and every zone-period judged by
``optimize.verify`` (met, borderline, missed, exempt). A zone-period **holds** in a scenario when
its estimate meets the target (``met``) or it has (almost) no visitors there (``exempt``);
``confident`` counts the scenarios where the one-sided 95% bound meets it too. The guarantee is
per zone-period over the given scenario set, on the simulated days: it says nothing of demand
outside the set.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planning.demand_set import DemandScenario

__all__ = ["ChancePlan", "Robustness", "chance_constrained_plan", "robustness"]

HOLDS = ("met", "exempt")


@dataclass(frozen=True, eq=False)
class Robustness:
    """The outcome of :func:`robustness`.

    *cells*: one row per (scenario, zone, period, target) from ``optimize.verify.cell_estimates``
    plus ``scenario``; *holds* and *confident*: zone x period, in how many of the *scenarios* the
    cell holds (met or exempt) and holds with confidence; *per_scenario*: one row per scenario
    (``scenario, description, met, borderline, missed, exempt, share_held, worst`` - the lowest
    service level achieved in a judged zone-period).
    """

    scenario: Any
    plan: pd.DataFrame
    scenarios: tuple[DemandScenario, ...]
    targets: tuple
    cells: pd.DataFrame
    holds: pd.DataFrame
    confident: pd.DataFrame
    per_scenario: pd.DataFrame
    replications: int
    seed: int
    extra: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.scenarios)

    def zone_table(self) -> pd.DataFrame:
        """Per zone: scenarios in which it holds in every period, the fewest scenarios any of its
        periods holds in, and that period."""
        rows = []
        for zone, counts in self.holds.iterrows():
            judged = self.cells[(self.cells["zone"] == zone)]
            whole = judged.groupby("scenario")["status"].apply(lambda s: s.isin(HOLDS).all())
            worst = counts.idxmin()
            rows.append({"zone": zone, "all_periods": int(whole.sum()), "fewest": int(counts.min()),
                         "worst_period": worst, "of": self.n})
        return pd.DataFrame(rows)

    def __str__(self) -> str:
        return self.zone_table().to_string(index=False)


def _plan_of(scenario, plan) -> pd.DataFrame:
    from optimize.verify import plan_frame

    if plan is None:
        return plan_frame(scenario, np.array([scenario.staff_per_period(z) for z in scenario.zone_ids], float))
    return plan


def robustness(scenario, plan, demands: Sequence[DemandScenario], targets, *, replications: int = 30,
               seed: int = 0, workers=None, confidence: float = 0.95, progress=None) -> Robustness:
    """How *plan* (zone x period staff; None: *scenario*'s own staffing) holds over *demands*.

    *targets* as for ``optimize_staffing``; every scenario is simulated for *replications* days
    with *seed* (common random numbers); *progress*: True for a bar on stderr.
    """
    import sys

    from tqdm.auto import tqdm

    from optimize import parse_targets
    from optimize.verify import compliance, verify_plan

    targets = parse_targets(targets)
    plan = _plan_of(scenario, plan)
    frames, rows = [], []
    disable = not (progress is True or (progress is None and sys.stderr.isatty()))
    for demand in tqdm(demands, desc="demand scenarios", unit="scenario", disable=disable, file=sys.stderr):
        cells = verify_plan(demand.apply(scenario), plan, targets, replications=replications, seed=seed,
                            confidence=confidence, workers=workers)
        frames.append(cells.assign(scenario=demand.name))
        c = compliance(cells)
        judged = cells[(cells["status"] != "exempt") & (cells["kind"] == "service_level")]["achieved"]
        rows.append({"scenario": demand.name, "description": demand.description,
                     **{k: c[k] for k in ("met", "borderline", "missed", "exempt")},
                     "share_held": float(cells["status"].isin(HOLDS).mean()),
                     "worst": float(judged.min()) if len(judged) else math.nan})
    cells = pd.concat(frames, ignore_index=True)
    # a cell holds in a scenario when it holds for every target
    per = cells.assign(ok=cells["status"].isin(HOLDS), sure=cells["confident"] | (cells["status"] == "exempt"))
    per = per.groupby(["scenario", "zone", "start"], sort=False)[["ok", "sure"]].all().reset_index()
    zones, periods = list(scenario.zone_ids), list(plan.columns)

    def count(column: str) -> pd.DataFrame:
        table = per.groupby(["zone", "start"])[column].sum().unstack("start")
        return table.reindex(index=zones, columns=periods).fillna(0).astype(int)

    return Robustness(scenario, plan, tuple(demands), targets, cells, count("ok"), count("sure"),
                      pd.DataFrame(rows), replications, seed)


@dataclass(frozen=True, eq=False)
class ChancePlan:
    """A plan meeting the targets in at least *share* of the demand scenarios in every zone-period
    (by the analytic requirements), beside the nominal plan: *plan* and *nominal* zone x period,
    their staff-hours a day, *requirements* per scenario, and *uncovered* zone-periods the windows
    cannot cover (zone, period, staff needed)."""

    plan: pd.DataFrame
    nominal: pd.DataFrame
    share: float
    covered: int
    staff_hours: float
    nominal_staff_hours: float
    requirements: dict[str, pd.DataFrame]
    uncovered: tuple[tuple[str, str, int], ...]

    @property
    def extra_cost(self) -> float:
        """Staff-hours a day the chance-constrained plan costs over the nominal one."""
        return self.staff_hours - self.nominal_staff_hours


def chance_constrained_plan(scenario, targets, demands: Sequence[DemandScenario], share: float, *,
                            method: str = "sipp") -> ChancePlan:
    """The cheapest per-period plan whose analytic requirement (*method*: ``sipp``, ``lag``, ``mol``)
    is met in at least ceil(*share* x scenarios) of *demands* in every zone-period, capped at the
    windows; and the nominal plan (the requirement of *scenario* itself) for its cost.
    Raises ValueError for a share outside (0, 1].
    """
    from optimize import analytic_requirements, parse_targets

    if isinstance(share, bool) or not (0 < share <= 1):
        raise ValueError(f"share must be in (0, 1], got {share!r}")
    targets = parse_targets(targets)
    need = {d.name: analytic_requirements(d.apply(scenario), targets) for d in demands}
    stack = np.stack([f.to_numpy(float) for f in need.values()])  # scenario x zone x period
    k = math.ceil(share * len(demands) - 1e-9)
    plan_values = np.sort(stack, axis=0)[k - 1]  # covers the k scenarios needing least
    windows = np.array([[scenario.zone(z).windows] for z in scenario.zone_ids], float)
    frame = next(iter(need.values()))
    uncovered = tuple((z, p, int(plan_values[i, j])) for i, z in enumerate(scenario.zone_ids)
                      for j, p in enumerate(frame.columns) if plan_values[i, j] > windows[i, 0])
    plan = pd.DataFrame(np.minimum(plan_values, windows).astype(int), index=frame.index, columns=frame.columns)
    nominal = analytic_requirements(scenario, targets).clip(upper=pd.Series(windows[:, 0], index=frame.index),
                                                            axis=0).astype(int)
    hours = scenario.period_minutes / 60
    return ChancePlan(plan, nominal, share, k, float(plan.to_numpy().sum() * hours),
                      float(nominal.to_numpy().sum() * hours), need, uncovered)
