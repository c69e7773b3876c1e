"""Parameter sweeps: simulate a scenario at every point of a grid of what-if values.

Every point runs with the same seed, so points see the same visitors (common
random numbers): differences between neighbouring points come from the change,
not from a fresh draw of arrivals.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from typing import Any, Optional

import pandas as pd

from . import whatif
from .errors import InputError
from .progress import progress_bar
from .runner import default_workers, simulate, stop_pool, worker_pool
from .scenario import Scenario
from .scenario.limits import limit

SWEEP_GROUPINGS = ("overall", "zone", "service", "period")
MAX_PARAMETERS = 2


def sweep_points(scenario: Scenario, grid: Mapping[str, Sequence[Any]]) -> list[tuple[dict[str, Any], Scenario]]:
    """Every combination of *grid* values (cartesian product, first parameter slowest)
    with its scenario: ``[({path: value, ...}, scenario), ...]``.

    All scenarios are built and validated before anything is simulated, so a bad
    value fails at once. Raises ValueError for an empty grid, more than two
    parameters or an empty list of values; PathError or ScenarioError for a bad
    path or value.
    """
    if not isinstance(grid, Mapping) or not grid:
        raise ValueError("vary needs at least one parameter: {path: [values]}")
    if len(grid) > MAX_PARAMETERS:
        raise ValueError(f"vary takes one or two parameters, got {len(grid)}: {', '.join(grid)}")
    paths = list(grid)
    values = []
    for path in paths:
        vals = whatif._plain(grid[path])
        if isinstance(vals, (str, bytes)) or not isinstance(vals, list):
            vals = [vals]  # a single value is a one-point sweep
        if not vals:
            raise ValueError(f"vary {path}: needs at least one value")
        values.append(vals)
    total = math.prod(len(v) for v in values)
    if total > limit("SWEEP_POINTS"):
        raise InputError("--vary", "", f"{' x '.join(str(len(v)) for v in values)} = {total:,} sweep points, above the "
                                       f"limit of {limit('SWEEP_POINTS'):,} (set SERVICEHALL_MAX_SWEEP_POINTS to raise it)")
    points = []
    for combo in itertools.product(*values):
        changed = scenario
        for path, value in zip(paths, combo):
            changed = whatif.vary(changed, path, value)
        # Record the values as validated (4.0 given for staff is 4 in the scenario).
        points.append(({path: whatif.get_value(changed, path) for path in paths}, changed))
    return points


def sweep(
    scenario: Scenario,
    vary: Mapping[str, Sequence[Any]],
    replications: int = 30,
    seed: int = 0,
    by: str = "overall",
    target: Optional[float] = None,
    workers: Optional[int] = None,
    executor: Optional[Executor] = None,
    progress: Optional[bool] = None,
) -> pd.DataFrame:
    """KPIs with 95% intervals at every point of a one- or two-parameter grid.

    *vary* maps dotted field paths (see ``sim.whatif.vary``) to lists of values,
    e.g. ``{"demand_scale": [0.9, 1.0, 1.1], "zones.tax.staff": [5, 6, 7]}``;
    two parameters give their cartesian product. Every point is simulated with
    *replications* days from the same *seed* (common random numbers). *by* is
    ``overall``, ``zone``, ``service`` or ``period``; *target* is the
    service-level wait in minutes (default: each point's ``target_wait``).

    Returns a tidy DataFrame with one column per varied path, then ``group``
    (the zone, service or period; ``all`` for overall), ``kpi``, ``mean``,
    ``low``, ``high``, ``n``. ``frame.attrs["parameters"]`` lists the paths.
    """
    if by not in SWEEP_GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(SWEEP_GROUPINGS)}, got {by!r}")
    points = sweep_points(scenario, vary)
    parameters = list(vary)
    frames = []
    n_workers = default_workers() if workers is None else int(workers)
    if n_workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    # One pool for the whole sweep: starting a pool per point would cost more than
    # a small point takes to simulate. Results do not depend on where they ran.
    own_pool = executor is None and n_workers > 1 and replications > 1
    pool = worker_pool(n_workers) if own_pool else None
    bar = progress_bar(total=len(points), desc="sweep points", enabled=progress)
    try:
        for values, point in points:
            results = simulate(point, replications=replications, seed=seed, workers=n_workers,
                               executor=executor or pool, progress=False)
            frames.append(point_summary(results.summary(by, target), values, by))
            bar.update(1)
    except BaseException:
        if pool is not None:
            stop_pool(pool)  # an error or Ctrl-C: do not wait for running batches
            pool = None
        raise
    finally:
        bar.close()
        if pool is not None:
            pool.shutdown()
    frame = pd.concat(frames, ignore_index=True)
    frame.attrs["parameters"] = parameters
    frame.attrs["by"] = by
    frame.attrs["replications"] = replications
    frame.attrs["seed"] = seed
    frame.attrs["labels"] = _group_labels(scenario, by)
    return frame


def _group_labels(scenario: Scenario, by: str) -> dict[str, str]:
    if by == "zone":
        return {z.id: z.label for z in scenario.zones}
    if by == "service":
        return {s.id: s.label for s in scenario.services}
    return {}


def point_summary(summary: pd.DataFrame, values: Mapping[str, Any], by: str) -> pd.DataFrame:
    """One point's ``Results.summary`` with the varied values in front and its group
    column renamed to ``group``."""
    frame = summary.copy()
    if by == "overall":
        frame.insert(0, "group", "all")
    else:
        frame = frame.rename(columns={by: "group"})
        frame["group"] = frame["group"].astype(str)
    for i, (path, value) in enumerate(values.items()):
        frame.insert(i, path, [value] * len(frame))
    return frame[[*values, "group", "kpi", "mean", "low", "high", "n"]]


def sweep_parameters(frame: pd.DataFrame) -> list[str]:
    """The varied paths of a sweep frame (its columns before ``group``)."""
    params = frame.attrs.get("parameters")
    if params:
        return list(params)
    cols = list(frame.columns)
    if "group" not in cols:
        raise ValueError("not a sweep frame: no 'group' column")
    return cols[: cols.index("group")]
