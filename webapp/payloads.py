"""What the page receives: plain JSON-ready dicts built from the session and its runs.

Every KPI value travels as ``[mean, low, high]`` (the 95% interval), ``None`` where
there is no value (a period nobody arrived in); numbers are rounded for the wire.
"""

from __future__ import annotations

import math
from typing import Optional

import pandas as pd

import sim
from sim.kpis import REGISTRY, kpi

from .session import HallSession, Run

HEATMAP_KPIS = ("mean_wait", "p90_wait", "service_level", "mean_queue", "max_queue", "utilization",
                "abandonment_rate", "visitors")
ZONE_KPIS = ("visitors", "mean_wait", "p90_wait", "service_level", "abandonment_rate", "utilization",
             "mean_queue", "max_queue", "overtime", "moves")
COMPARE_KPIS = ("mean_wait", "p90_wait", "service_level", "abandonment_rate", "utilization", "max_queue")
PERCENT = tuple(name for name, k in REGISTRY.items() if k.percent)  # shown as %, from the KPI registry


def num(x) -> Optional[float]:
    """*x* as a rounded float, None for NaN or None."""
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else round(x, 4)


def triple(row) -> list:
    return [num(row["mean"]), num(row["low"]), num(row["high"])]


def by_kpi(frame, kpis) -> dict:
    """``{kpi: [mean, low, high]}`` from a summary frame of one group."""
    f = frame.set_index("kpi")
    return {k: triple(f.loc[k]) for k in kpis if k in f.index}


def by_zone(frame, kpis) -> dict:
    """``{zone: {kpi: [mean, low, high]}}`` from a per-zone summary or difference frame."""
    return {str(z): by_kpi(g, kpis) for z, g in frame.groupby("zone", sort=False, observed=True)}


def hall_payload(session: HallSession) -> dict:
    """The hall as the page draws it: zones by floor, periods, the grid, the alarm threshold."""
    s = session.scenario
    return {
        "name": s.name,
        "source": session.source,
        "description": s.description or "",
        "open": s.hours.open,
        "close": s.hours.close,
        "period_minutes": s.period_minutes,
        "periods": session.periods,
        "target_wait": s.target_wait,
        "alarm": None if s.alarm is None else {"threshold": s.alarm.threshold},
        "people": s.people is not None,
        "zones": [{"id": z.id, "label": z.label, "floor": z.floor, "windows": z.windows} for z in s.zones],
        "staffing": session.staffing,
        "original": session.original,
        "lunch_rules": {z: r.as_dict() for z, r in session.lunch_rules.items()},
        "staff_hours": session.staff_hours(),
        "stale": session.stale,
        "has_run": session.last is not None,
        "baseline": run_info(session.baseline),
    }


def run_info(run: Optional[Run]) -> Optional[dict]:
    if run is None:
        return None
    r = run.results
    return {"name": r.scenario.name, "replications": r.replications, "seed": r.seed,
            "seconds": round(run.seconds, 2), "finished": run.finished}


def results_payload(session: HallSession) -> Optional[dict]:
    """KPIs of the last run: the whole hall, per zone, and per zone and period (heatmap)."""
    run = session.last
    if run is None:
        return None
    if "results" not in run.cache:
        run.cache["results"] = results_core(run, session.periods)
    return {**run.cache["results"], "stale": session.stale}


def results_core(run: Run, periods: list[str]) -> dict:
    """The part of :func:`results_payload` that depends on the run only (built once per run)."""
    r = run.results
    zones = list(r.scenario.zone_ids)
    zp = r.summary(by="zone_period")
    keys = [zp[c].astype(str) for c in ("kpi", "zone", "period")]
    # One reindex onto the full kpi x zone x period grid (missing cells NaN), not a loop over groups.
    full = pd.MultiIndex.from_product([HEATMAP_KPIS, zones, periods])
    cube = (zp[["mean", "low", "high"]].set_axis(pd.MultiIndex.from_arrays(keys), axis=0).reindex(full)
            .to_numpy(dtype=float).round(4).reshape(len(HEATMAP_KPIS), len(zones), len(periods), 3))
    heat = {k: {z: [[None if v != v else v for v in cell] for cell in cube[i, j].tolist()]
                for j, z in enumerate(zones)} for i, k in enumerate(HEATMAP_KPIS)}
    return {
        "info": run_info(run),
        "target_wait": r.scenario.target_wait,
        "overall": by_kpi(r.summary(by="overall"), ZONE_KPIS),
        "zones": by_zone(r.summary(by="zone"), ZONE_KPIS),
        "heatmap": heat,
        "percent": list(PERCENT),
    }


def direction(name: str, low: Optional[float], high: Optional[float]) -> str:
    """``better``/``worse`` for visitors when the interval of a difference excludes zero, else ''
    (the registry's rule: volumes and utilization are neither)."""
    return kpi(name).direction(low, high)


def compare_payload(session: HallSession) -> dict:
    """The last run against the baseline: paired differences (last - baseline) with intervals."""
    base, last = session.baseline, session.last
    if base is None or last is None:
        return {"ready": False, "reason": "no_baseline" if base is None else "need_run"}
    if base.settings != last.settings:
        return {"ready": False, "reason": "mismatch",
                "baseline": run_info(base), "current": run_info(last)}
    cached = last.cache.get("compare")
    if cached is not None and cached[0] is base:  # the page asks again at every redraw
        return cached[1]
    payload = _compare(session, base, last)
    last.cache["compare"] = (base, payload)
    return payload


def _compare(session: HallSession, base: Run, last: Run) -> dict:
    comparison = sim.compare(base.results, last.results)
    zones = comparison.differences("zone")
    overall = comparison.differences("overall")

    def mark(values: dict) -> dict:
        return {k: v + [direction(k, v[1], v[2])] for k, v in values.items()}

    changed = [(z, k) for z, row in last.staffing.items() for k, v in enumerate(row)
               if base.staffing.get(z, row)[k] != v]
    return {
        "ready": True,
        "baseline": run_info(base),
        "current": run_info(last),
        "same_run": base is last,
        "overall": mark(by_kpi(overall, COMPARE_KPIS)),
        "zones": {z: mark(v) for z, v in by_zone(zones, COMPARE_KPIS).items()},
        "a": by_zone(base.results.summary(by="zone"), COMPARE_KPIS),
        "b": by_zone(last.results.summary(by="zone"), COMPARE_KPIS),
        "changed_cells": len(changed),
        "changed_hours": session.staff_hours(last.staffing) - session.staff_hours(base.staffing),
        "percent": list(PERCENT),
    }


def optimize_payload(session: HallSession) -> Optional[dict]:
    """The last optimizer result: its plan as a grid, staff-hours and compliance."""
    result = session.optimized
    if result is None:
        return None
    plan = result.plan.reindex(list(session.scenario.zone_ids))
    grid = {str(z): [int(v) for v in row] for z, row in plan.iterrows()}
    return {
        "method": result.method,
        "targets": [str(t) for t in result.targets],
        "plan": grid,
        "staff_hours": session.staff_hours(grid),
        "current_hours": session.staff_hours(),
        "compliance": {k: (num(v) if isinstance(v, float) else v) for k, v in result.compliance().items()},
        "converged": bool(result.converged),
        "seconds": result.seconds,
    }
