"""Staffed windows against offered load, per zone and period (from the scenario alone)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import numpy as np
import pandas as pd

from ..flows import zone_loads
from .canvas import clock_axis, figure_function, hide_unused, scenario_title, text, zone_panels


def offered_load(scenario) -> pd.DataFrame:
    """Offered load and staff per zone and period: columns ``zone, start`` (minutes
    since midnight), ``load`` (busy windows needed on average, Erlangs: the zone's
    expected visits per minute x their mean service time, from every mechanic's flows -
    bundles, kiosks, the guide desk, pick-ups, visitors sent on - see ``sim.flows``),
    ``staff``, ``windows``."""
    starts = scenario.period_starts
    loads = zone_loads(scenario)
    rows = []
    for zone in scenario.zones:
        load = loads[zone.id].offered_load
        staff = scenario.staff_per_period(zone.id)
        for k, start in enumerate(starts):
            rows.append((zone.id, start, float(load[k]), staff[k], zone.windows))
    return pd.DataFrame(rows, columns=["zone", "start", "load", "staff", "windows"])


@figure_function
def staffing_vs_demand(source, zones: Optional[Sequence[str]] = None, ncols: int = 4, lang: str = "en"):
    """Staffed windows per period against the offered load, one small panel per zone.

    *source* is a Scenario or Results. Where the load line reaches the staff
    line the zone is at (or over) capacity in that period and queues grow.
    *lang*: ``en`` or ``zh`` for the texts. Returns a matplotlib Figure.
    """
    scenario = getattr(source, "scenario", source)
    data = offered_load(scenario)
    zones, labels, fig, axes = zone_panels(scenario, zones, ncols)
    open_m, close_m = scenario.open_minute, scenario.close_minute
    for ax, zone in zip(axes, zones):
        d = data[data["zone"] == zone].sort_values("start")
        x = np.append(d["start"].to_numpy(float), close_m)
        staff = np.append(d["staff"].to_numpy(float), d["staff"].iloc[-1])
        load = np.append(d["load"].to_numpy(float), d["load"].iloc[-1])
        ax.fill_between(x, 0, load, step="post", alpha=0.3, color="#E69F00", linewidth=0)
        ax.step(x, load, where="post", color="#E69F00", linewidth=1.2, label=text("plot.offered_load", lang))
        ax.step(x, staff, where="post", color="#0072B2", linewidth=1.6, label=text("plot.staffed", lang))
        ax.axhline(d["windows"].iloc[0], color="#999999", linestyle=":", linewidth=1,
                   label=text("plot.physical", lang))
        ax.set_ylim(0, max(d["windows"].iloc[0], float(np.nanmax(load))) * 1.12 + 0.5)
        ax.set_title(labels.get(zone, zone), fontsize=9, loc="left")
        clock_axis(ax, open_m, close_m, every=120 if close_m - open_m > 6 * 60 else 60)
    hide_unused(axes, len(zones))
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=3)
    fig.suptitle(text("plot.staffing_title", lang, name=scenario_title(scenario)), x=0.01, ha="left", fontsize=10)
    fig.supylabel(text("plot.windows", lang), fontsize=9)
    return fig
