"""Stage one of the layout search: every pooling of every group screened analytically
(:mod:`planning.screen`), for every bundle mode, the best few kept per number of windows."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from planning.candidates import bell_number, fixed_zones, pooling_groups
from planning.layout import BUNDLE_MODES, Layout, PoolSpec, bundle_changes
from planning.screen import Screen, Screened, combine

__all__ = ["LayoutScreen", "block_key", "screen_layouts"]


@dataclass(frozen=True, eq=False)
class LayoutScreen:
    """The screen's outcome: *frame* one row per kept layout, best first (``candidate, layout, bundles,
    pools, windows, staff_hours`` (a day), ``wait_per_visit`` (minutes), ``blocks, within_budget,
    frontier``); *requirement* each scored block's analytic staff per period, by (bundle mode, zones);
    *covered* the layouts the screen compared (every partition of an exact group, the merge path of
    a greedy one); *blocks_scored* its analytic evaluations; *exact* whether every group was split
    exactly."""

    scenario: Any
    targets: tuple
    budget_windows: int | None
    frame: pd.DataFrame
    requirement: dict
    covered: int
    blocks_scored: int
    exact: bool


def screen_layouts(scenario, targets, *, pool_by: str = "category", groups=None, speed: float = 1.15,
                   budget_windows: int | None = None, floor_area: float | None = None,
                   window_footprint: float | None = None, bundles: bool = True, bundle_reduction: float = 1.0,
                   keep: int = 3) -> LayoutScreen:
    """Screen the layouts of *scenario*; the options are :func:`planning.search_layouts`'.

    Raises ValueError for a bad option, a zone the scenario does not have or a zone whose target no
    staffing meets.
    """
    from optimize import parse_targets

    targets = parse_targets(targets)
    budget = _budget(budget_windows, floor_area, window_footprint)
    if not speed > 0:
        raise ValueError(f"speed must be > 0, got {speed!r}")
    modes = [m for m in BUNDLE_MODES if m == "as_is" or (bundles and bundle_changes(scenario, m, bundle_reduction))]
    entries: list[tuple[str, Screened]] = []
    requirement: dict[tuple[str, tuple[str, ...]], tuple[int, ...]] = {}
    covered, scored, exact = 0, 0, True
    for mode in modes:
        changes = bundle_changes(scenario, mode, bundle_reduction)
        variant = scenario if not changes else _with(scenario, changes, mode)
        screen = Screen(variant, targets, speed=speed)
        fixed = fixed_zones(variant)
        pool_groups = pooling_groups(variant, pool_by, groups)
        grouped = {z for g in pool_groups for z in g}
        parts = [_fixed_part(screen, variant, fixed)]
        parts += [_single(screen, z, targets) for z in variant.zone_ids if z not in fixed and z not in grouped]
        if mode == "as_is":  # the departmental layout is always a candidate, for reference
            departmental = parts + [_single(screen, z, targets) for g in pool_groups for z in g]
            entries += [(mode, s) for options in combine(departmental, 1).values() for s in options]
        mode_covered = 1
        for g in pool_groups:
            best, is_exact = screen.best_partitions(g, keep)
            exact &= is_exact
            parts.append(best)
            # exact: every partition of the group; greedy: the partitions on its merge path
            mode_covered *= bell_number(len(g)) if is_exact else len(g)
        covered += mode_covered
        for options in combine(parts, keep).values():
            entries += [(mode, s) for s in options]
        for block, score in screen.scores().items():
            requirement[(mode, block)] = score.requirement
        scored += screen.blocks_scored
    hours = scenario.period_minutes / 60
    visits = _visits_per_day(scenario)
    frame = _screen_table(entries, scenario, budget, hours, visits)
    return LayoutScreen(scenario, targets, budget, frame, requirement, covered, scored, exact)


def _budget(windows, area, footprint) -> int | None:
    if windows is not None and area is not None:
        raise ValueError("give a windows budget or a floor area, not both")
    if windows is not None:
        if isinstance(windows, bool) or int(windows) != windows or windows < 1:
            raise ValueError(f"budget_windows must be a whole number >= 1, got {windows!r}")
        return int(windows)
    if area is None:
        if footprint is not None:
            raise ValueError("window_footprint needs floor_area")
        return None
    if footprint is None or not footprint > 0 or not area > 0 or not math.isfinite(area / footprint):
        raise ValueError(f"floor_area and window_footprint must be numbers > 0, got {area!r} and {footprint!r}")
    return int(area // footprint)


def _with(scenario, changes, mode):
    from sim.whatif import with_changes

    return with_changes(scenario, changes, label=f"bundles {mode}")


def _fixed_part(screen: Screen, variant, fixed: dict[str, str]) -> dict[int, list[Screened]]:
    staff, wait = 0, 0.0
    for z in fixed:
        score = screen.score([z])
        if score is not None:
            staff += score.staff_periods
            wait += score.wait
    windows = sum(variant.zone(z).windows for z in fixed)
    return {windows: [Screened(staff, windows, wait, ())]}


def _single(screen: Screen, zone: str, targets) -> dict[int, list[Screened]]:
    score = screen.score([zone])
    if score is None:
        raise ValueError(f"zone {zone!r}: no staffing meets {', '.join(map(str, targets))} analytically")
    return {score.windows: [Screened(score.staff_periods, score.windows, score.wait, (score.zones,))]}


def _visits_per_day(scenario) -> float:
    from sim.flows import expected_visits

    return max(expected_visits(scenario), 1e-12)


def _screen_table(entries, scenario, budget, hours, visits) -> pd.DataFrame:
    names = {z.id: z.name or z.id for z in scenario.zones}
    seen: dict[tuple, dict] = {}
    for mode, s in entries:
        blocks = tuple(sorted(s.blocks))
        key = (mode, blocks)
        if key in seen:
            continue
        layout = Layout(tuple(PoolSpec(b) for b in blocks if len(b) > 1), {}, mode)
        seen[key] = {"layout": layout.label(names), "bundles": mode,
                     "pools": "; ".join("+".join(b) for b in blocks if len(b) > 1),
                     "windows": s.windows, "staff_hours": s.staff_periods * hours,
                     "wait_per_visit": s.wait / visits, "blocks": blocks}
    frame = pd.DataFrame(list(seen.values()))
    frame = frame.sort_values(["staff_hours", "windows", "wait_per_visit"]).reset_index(drop=True)
    frame.insert(0, "candidate", [f"L{k + 1}" for k in range(len(frame))])
    frame["within_budget"] = True if budget is None else frame["windows"] <= budget
    best_by_windows = frame.sort_values("windows")["staff_hours"].cummin()
    frame["frontier"] = frame["staff_hours"] <= best_by_windows.reindex(frame.index) + 1e-9
    frame["frontier"] &= ~frame.duplicated(["windows", "staff_hours"])
    return frame


def block_key(block: tuple[str, ...]) -> str:
    return block[0] if len(block) == 1 else "+".join(block)


