"""Layout search: which zones pool into comprehensive windows, how many windows each zone needs,
whether bundles get dedicated windows - ranked by the staff-hours the target needs.

Two stages. The screen (:mod:`planning.screen`) covers every way of pooling each group of zones
(exactly up to ``EXACT_ZONES`` zones a group) with analytic queues that know pooling, for every
bundle mode, and keeps the best few per number of windows. Then the *top* candidates under the
budget, and the departmental layout for reference, are each optimized by ``optimize_staffing``
(the hall simulated, every candidate with the same seeds: common random numbers) and simulated
once more with the optimized staffing; they are ranked by the optimized cost, then the windows the
plan uses, then the mean wait. The recommended layout is the best candidate whose plan meets the
target in every zone-period of the fresh simulation within the budget, written as a variant
that ``extends`` the base scenario.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planning.layout import Layout, PoolSpec
from planning.layout_screen import block_key, screen_layouts

__all__ = ["DEFAULT_MARGIN", "LayoutSearch", "search_layouts", "pareto_mask"]

SIMULATED_COLUMNS = ["candidate", "layout", "bundles", "pools", "windows_screen", "staff_hours_screen",
                     "staff_hours", "cost", "lower_bound", "windows_used", "mean_wait", "mean_wait_low",
                     "mean_wait_high", "service_level", "met", "borderline", "missed", "expected_misses",
                     "within_budget", "pareto", "recommended"]


DEFAULT_MARGIN = 1.0
"""Posterior standard deviations of safety the calibrated method keeps in every candidate's
plan. A layout is recommended only when its plan holds in every zone-period of its check;
plans at the point estimate (margin 0) put many zone-periods on the target, and on the
reference hall none of the four candidates then held (8 Dec, ``python3 bench/layout_search.py
--margin 0``); one deviation costs about 1% more staff-hours there."""


@dataclass(frozen=True, eq=False)
class LayoutSearch:
    """The outcome of :func:`search_layouts`.

    *screened*: the screen's candidates (one row each: ``candidate, layout, bundles, pools, windows,
    staff_hours, wait_per_visit`` (minutes), ``exact, within_budget, frontier, simulated``);
    *simulated*: the optimized candidates (:data:`SIMULATED_COLUMNS`; staff-hours a day, waits in
    minutes, ``service_level`` the share called within the target wait); *layouts* and
    *scenarios* (each candidate's hall with its optimized staffing) by candidate id; *best* the
    recommended candidate id; *covered* how many layouts the screen compared (see ``LayoutScreen``);
    *blocks_scored* the analytic evaluations that took; *seconds* per stage.
    """

    scenario: Any
    targets: tuple
    budget_windows: int | None
    screened: pd.DataFrame
    simulated: pd.DataFrame
    layouts: dict[str, Layout]
    scenarios: dict[str, Any]
    best: str
    covered: int
    blocks_scored: int
    exact: bool
    replications: int
    seed: int
    seconds: dict = field(default_factory=dict)

    @property
    def recommended(self):
        """The recommended hall: the best candidate's scenario with its optimized staffing."""
        return self.scenarios[self.best]

    def pareto(self) -> pd.DataFrame:
        """The simulated candidates no other beats on windows used, staff-hours and mean wait together."""
        return self.simulated[self.simulated["pareto"]].reset_index(drop=True)

    def recommended_overrides(self) -> dict[str, Any]:
        """The recommended layout as changes to the base scenario (windows as used, staff as optimized)."""
        layout = self.layouts[self.best]
        hall = self.scenarios[self.best]
        back = {v: k for k, v in layout.pool_ids(set(self.scenario.zone_ids)).items()}
        staff = {back.get(z.id, z.id): hall.staff_per_period(z.id) for z in hall.zones}
        windows = {k: max(v) if len(v) else 0 for k, v in staff.items()}
        sized = Layout(layout.pools, {**layout.windows, **windows}, layout.bundles, layout.bundle_reduction)
        return sized.overrides(self.scenario, staff={k: list(v) for k, v in staff.items()})

    def variant_yaml(self, extends: str) -> str:
        """The recommended layout as a scenario file that ``extends`` *extends* (a path, as written)."""
        from sim.yamlio import dump_yaml

        row = self.simulated.set_index("candidate").loc[self.best]
        head = (f"# Layout search: {row['layout']}\n"
                f"# {row['staff_hours']:.1f} staff-hours a day, {int(row['windows_used'])} windows used, mean wait "
                f"{row['mean_wait']:.1f} min; targets {', '.join(map(str, self.targets))}; {self.replications} days, "
                f"seed {self.seed}.\n")
        doc = {"extends": extends, "name": f"{self.scenario.name} - layout {row['layout']}",
               **self.recommended_overrides()}
        return head + dump_yaml(doc)

    def table(self) -> pd.DataFrame:
        """The optimized candidates for people: text columns, best first (``*`` recommended, ``p`` on
        the Pareto front of windows, cost and mean wait)."""
        s = self.simulated
        return pd.DataFrame({
            "": np.where(s["recommended"], "*", np.where(s["pareto"], "p", "")),
            "layout": s["layout"],
            "windows": s["windows_used"].map("{:d}".format),
            "staff-h/day": s["staff_hours"].map("{:.1f}".format),
            "lower bound": s["lower_bound"].map(lambda v: f"{v:.1f}" if np.isfinite(v) else "-"),
            "mean wait": [f"{m:.1f} [{lo:.1f}, {hi:.1f}]" for m, lo, hi in
                          zip(s["mean_wait"], s["mean_wait_low"], s["mean_wait_high"])],
            "within target": s["service_level"].map("{:.1%}".format),
            "missed": s["missed"].map("{:d}".format),
        })

    def __str__(self) -> str:
        return self.table().to_string(index=False)


def pareto_mask(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """True for rows no other row beats (lower or equal in every column, lower in one)."""
    values = frame[columns].to_numpy(float)
    keep = np.ones(len(values), bool)
    for i, v in enumerate(values):
        others = np.delete(values, i, axis=0)
        keep[i] = not np.any(np.all(others <= v, axis=1) & np.any(others < v, axis=1))
    return keep


def search_layouts(scenario, targets, *, pool_by: str = "category", groups=None, speed: float = 1.15,
                   budget_windows: int | None = None, floor_area: float | None = None,
                   window_footprint: float | None = None, bundles: bool = True, bundle_reduction: float = 1.0,
                   top: int = 3, method: str = "calibrated", replications: int = 30, seed: int = 0,
                   margin: float | None = None, workers=None, headroom: float = 0.25, keep: int = 3,
                   progress=None) -> LayoutSearch:
    """Search layouts of *scenario* (a ``sim.Scenario``) for the cheapest staffing meeting *targets*.

    *pool_by* / *groups*: which zones may pool (:func:`planning.pooling_groups`); *speed*: the
    service-time multiplier at comprehensive windows (1.15 = generalists 15% slower); the budget is
    *budget_windows*, or *floor_area* / *window_footprint* (m², whole windows); *bundles*: also try
    the other bundle modes (dedicated bundle windows or none; *bundle_reduction* is a dedicated
    window's combined time as a share of the parts'); *top*: candidates to optimize besides the
    departmental one, with *method* (``optimize_staffing``), *replications* days and *seed* (the
    same for every candidate) and, for the calibrated method, *margin* posterior standard
    deviations of safety (None: :data:`DEFAULT_MARGIN`); *headroom*: spare windows a candidate gets while optimized (a
    share of its analytic peak, at least one) so that the optimizer is not capped by the screen;
    *keep*: screen candidates kept per number of windows; *progress*: True for a bar on stderr.
    Raises ValueError for a bad option or a zone the scenario does not have.
    """
    from optimize import optimize_staffing

    clock = time.perf_counter()
    if top < 1:
        raise ValueError(f"top must be >= 1, got {top}")
    screen = screen_layouts(scenario, targets, pool_by=pool_by, groups=groups, speed=speed,
                            budget_windows=budget_windows, floor_area=floor_area, window_footprint=window_footprint,
                            bundles=bundles, bundle_reduction=bundle_reduction, keep=keep)
    targets, budget, screened, requirement = screen.targets, screen.budget_windows, screen.frame, screen.requirement
    seconds = {"screen": time.perf_counter() - clock}

    clock = time.perf_counter()
    chosen = _choose(screened, top)
    layouts: dict[str, Layout] = {}
    halls: dict[str, Any] = {}
    rows = []
    bar = _bar(len(chosen), progress)
    for cid in chosen:
        row = screened.set_index("candidate").loc[cid]
        mode, blocks = row["bundles"], row["blocks"]
        layout = _layout(blocks, mode, speed, bundle_reduction, requirement, headroom)
        hall = layout.apply(scenario, staff={block_key(b): list(requirement[(mode, b)]) for b in blocks},
                            label=f"layout {cid}")
        found = optimize_staffing(hall, targets, method=method, seed=seed, replications=replications,
                                  margin=DEFAULT_MARGIN if margin is None else margin, baselines=False,
                                  workers=workers)
        planned = sim_apply(hall, found.plan)
        results = _simulate(planned, replications, seed + 2, workers)
        overall = results.summary(by="overall").set_index("kpi")
        c = found.compliance()
        used = int(found.plan.max(axis=1).sum())
        rows.append({"candidate": cid, "layout": row["layout"], "bundles": mode, "pools": row["pools"],
                     "windows_screen": int(row["windows"]), "staff_hours_screen": float(row["staff_hours"]),
                     "staff_hours": found.staff_hours, "cost": found.cost, "lower_bound": found.lower_bound,
                     "windows_used": used, "mean_wait": overall.loc["mean_wait", "mean"],
                     "mean_wait_low": overall.loc["mean_wait", "low"], "mean_wait_high": overall.loc["mean_wait", "high"],
                     "service_level": overall.loc["service_level", "mean"], "met": c["met"],
                     "borderline": c["borderline"], "missed": c["missed"], "expected_misses": found.expected_misses,
                     "within_budget": budget is None or used <= budget})
        layouts[cid], halls[cid] = layout, planned
        bar.update(1)
    bar.close()
    simulated = pd.DataFrame(rows)
    simulated["pareto"] = pareto_mask(simulated, ["windows_used", "cost", "mean_wait"])
    holds = simulated[simulated["missed"] == 0]
    ok = holds[holds["within_budget"]]
    pool = ok if len(ok) else holds if len(holds) else simulated  # within budget and holding, else holding
    best = str(pool.sort_values(["cost", "windows_used", "mean_wait"]).iloc[0]["candidate"])
    simulated["recommended"] = simulated["candidate"] == best
    simulated = simulated.sort_values(["cost", "windows_used", "mean_wait"]).reset_index(drop=True)[SIMULATED_COLUMNS]
    screened = screened.assign(simulated=screened["candidate"].isin(chosen)).drop(columns=["blocks"])
    seconds["simulate"] = time.perf_counter() - clock
    return LayoutSearch(scenario, targets, budget, screened, simulated, layouts, halls, best, screen.covered,
                        screen.blocks_scored, screen.exact, replications, seed, seconds)


# -- pieces ------------------------------------------------------------------------------

def _choose(screened: pd.DataFrame, top: int) -> list[str]:
    ranked = screened[screened["within_budget"]]
    if not len(ranked):
        ranked = screened.sort_values(["windows", "staff_hours"])
    chosen = list(ranked["candidate"].head(top))
    departmental = screened[(screened["pools"] == "") & (screened["bundles"] == "as_is")]
    if len(departmental) and departmental.iloc[0]["candidate"] not in chosen:
        chosen.append(str(departmental.iloc[0]["candidate"]))
    return chosen


def _layout(blocks, mode, speed, reduction, requirement, headroom) -> Layout:
    windows = {}
    for b in blocks:
        peak = max(requirement[(mode, b)], default=0)
        windows[block_key(b)] = peak + max(1, math.ceil(headroom * peak)) if peak > 0 else 0
    pools = tuple(PoolSpec(b, speed) for b in blocks if len(b) > 1)
    return Layout(pools, windows, mode, reduction)


def sim_apply(hall, plan: pd.DataFrame):
    """*hall* staffed with *plan* (zone x period)."""
    import sim

    return sim.apply_staffing(hall, {z: [int(v) for v in plan.loc[z]] for z in hall.zone_ids})


def _simulate(hall, replications, seed, workers):
    import sim

    return sim.simulate(hall, replications=replications, seed=seed, workers=workers)


def _bar(total: int, progress):
    import sys

    from tqdm.auto import tqdm

    disable = not (progress is True or (progress is None and sys.stderr.isatty()))
    return tqdm(total=total, desc="layouts", unit="layout", disable=disable, file=sys.stderr)
