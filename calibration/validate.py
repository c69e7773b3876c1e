"""Does a scenario reproduce a log?  Observed vs simulated KPIs per period.

Both sides are measured by the same code from tidy visit tables: a KPI is
computed per day (observed) or per replication (simulated) and summarised by
its mean and a 95% Student-t interval across days or replications.  Days of a
log are treated as independent (a day-of-week pattern widens the observed
intervals rather than biasing them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.clock import format_clock
from sim.kpis import kpi
from sim.stats import mean_ci

from .arrivals import period_grid

__all__ = ["KPIS", "unit_kpis", "compare_kpis", "validate_scenario"]

KPIS = ("visitors", "mean_wait", "abandonment_rate", "service_level")
"""The KPIs compared, as the engine's KPI registry (``sim.kpis``) defines them, for the
visitors arriving in each period (waits in minutes)."""


def unit_kpis(visits: pd.DataFrame, unit: str, open_minute: int, close_minute: int, period_minutes: int,
              target: float) -> pd.DataFrame:
    """KPIs per *unit* (``date`` or ``replication``) and period, plus period ``"all"`` (whole day).

    *visits* needs ``arrival``, ``wait`` and ``outcome`` (served / abandoned /
    balked); arrivals outside the hours are left out.  Every unit present in
    *visits* gets a row for every period (a period without visitors has 0
    visitors and NaN for the other KPIs).
    """
    starts = period_grid(open_minute, close_minute, period_minutes)
    units = pd.unique(visits[unit])
    inside = visits[(visits["arrival"] >= open_minute) & (visits["arrival"] < close_minute)]
    outcome = inside["outcome"].astype(str)
    frame = pd.DataFrame({
        "unit": inside[unit].to_numpy(),
        "period": ((inside["arrival"] - open_minute) // period_minutes).astype(int).to_numpy(),
        "wait": inside["wait"].to_numpy(dtype=float),
        "served": (outcome == "served").to_numpy(),
        "abandoned": (outcome == "abandoned").to_numpy(),
        "balked": (outcome == "balked").to_numpy(),
        "met": ((outcome == "served") & (inside["wait"] <= target + 1e-9)).to_numpy(),
    })

    def summarise(groups) -> pd.DataFrame:
        out = groups.agg(visitors=("wait", "size"), mean_wait=("wait", "mean"), served=("served", "sum"),
                         abandoned=("abandoned", "sum"), balked=("balked", "sum"), met=("met", "sum"))
        out["visits"] = out["visitors"]  # one call, one queue: a visitor is a visit
        out["joined"] = out["served"] + out["abandoned"]
        for name in KPIS:
            if kpi(name).ratio is not None:  # the registry's definition, as for simulated results
                num, den = kpi(name).ratio or ("", "")
                out[name] = (out[num] / out[den].where(out[den] > 0)).astype(float)
        return out[list(KPIS)]

    per_period = summarise(frame.groupby(["unit", "period"]))
    full = pd.MultiIndex.from_product([units, range(len(starts))], names=["unit", "period"])
    per_period = per_period.reindex(full)
    per_period["visitors"] = per_period["visitors"].fillna(0)
    per_period = per_period.reset_index()
    per_period["period"] = [format_clock(starts[p]) for p in per_period["period"]]
    whole = summarise(frame.groupby("unit")).reindex(units)
    whole["visitors"] = whole["visitors"].fillna(0)
    whole = whole.rename_axis("unit").reset_index().assign(period="all")
    return pd.concat([per_period, whole], ignore_index=True)


def compare_kpis(observed: pd.DataFrame, simulated: pd.DataFrame) -> pd.DataFrame:
    """One row per period and KPI: ``obs_mean, obs_low, obs_high, obs_n, sim_mean, sim_low,
    sim_high, sim_n, overlap`` (whether the two 95% intervals overlap)."""
    rows = []
    periods = list(dict.fromkeys(observed["period"]))
    for period in periods:
        obs = observed[observed["period"] == period]
        sim = simulated[simulated["period"] == period]
        for name in KPIS:
            o, s = mean_ci(obs[name].to_numpy(float)), mean_ci(sim[name].to_numpy(float))
            overlap = bool(o[1] <= s[2] and s[1] <= o[2]) if not np.isnan([o[1], s[1]]).any() else None
            rows.append((period, name, *o, *s, overlap))
    return pd.DataFrame(rows, columns=["period", "kpi", "obs_mean", "obs_low", "obs_high", "obs_n",
                                       "sim_mean", "sim_low", "sim_high", "sim_n", "overlap"])


def validate_scenario(scenario, visits: pd.DataFrame, *, replications: int = 30, seed: int = 0,
                      target: float | None = None, workers: int | None = None, executor=None):
    """Simulate *scenario* (an engine Scenario) and compare it with the observed *visits* (tidy log).

    Periods and hours are the scenario's; *target* defaults to its
    ``target_wait``.  Returns (comparison table from :func:`compare_kpis`, results).
    """
    from sim import simulate  # the engine; imported here so reading logs does not need it

    target = scenario.target_wait if target is None else target
    hours = (scenario.open_minute, scenario.close_minute, scenario.period_minutes)
    results = simulate(scenario, replications=replications, seed=seed, workers=workers, executor=executor)
    observed = unit_kpis(visits, "date", *hours, target)
    simulated = unit_kpis(results.visits, "replication", *hours, target)
    return compare_kpis(observed, simulated), results
