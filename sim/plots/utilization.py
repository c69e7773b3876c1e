"""Utilization per zone: bars with confidence-interval error bars."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import numpy as np

from .canvas import figure_function, new_figure, scenario_title, text, zone_labels


@figure_function
def utilization_bars(results, zones: Optional[Sequence[str]] = None, level: float = 0.95, lang: str = "en"):
    """Busy share of staffed window time per zone (percent), with *level* intervals.

    One horizontal bar per zone (in scenario order, top to bottom) and the
    all-zones value as a dashed line; *lang*: ``en`` or ``zh`` for the texts. Returns a matplotlib Figure.
    """
    scenario = results.scenario
    per_zone = results.summary("zone", level=level)
    per_zone = per_zone[per_zone["kpi"] == "utilization"].assign(zone=lambda f: f["zone"].astype(str)).set_index("zone")
    overall = results.summary("overall", level=level).set_index("kpi").loc["utilization"]
    zones = list(zones) if zones is not None else [z.id for z in scenario.zones]
    per_zone = per_zone.reindex(zones)
    labels = zone_labels(scenario)
    mean = per_zone["mean"].to_numpy(float) * 100
    err = np.vstack([mean - per_zone["low"].to_numpy(float) * 100, per_zone["high"].to_numpy(float) * 100 - mean])
    err = np.nan_to_num(np.clip(err, 0, None))
    fig, ax = new_figure(7.0, max(2.2, 0.9 + 0.28 * len(zones)))
    y = np.arange(len(zones))
    ax.barh(y, mean, xerr=err, height=0.65, color="#56B4E9", ecolor="#333333", capsize=2, error_kw={"linewidth": 0.8})
    for yi, m, hi in zip(y, mean, mean + err[1]):
        if np.isfinite(m):
            ax.text(hi + 1, yi, f"{m:.0f}%", va="center", fontsize=7.5)
    ax.axvline(overall["mean"] * 100, color="#D55E00", linestyle="--", linewidth=1,
               label=text("plot.all_zones", lang, v=overall["mean"] * 100))
    ax.set_yticks(y, [labels.get(z, z) for z in zones])
    ax.invert_yaxis()
    ax.set_xlim(0, 110)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel(text("plot.utilization_axis", lang, level=level))
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    ax.set_title(text("plot.utilization_title", lang, name=scenario_title(scenario), n=results.replications),
                 loc="left")
    return fig
