"""Queue length through the day per zone, with a confidence band across replications."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import numpy as np
import pandas as pd
from scipy import stats

from .canvas import clock_axis, figure_function, hide_unused, scenario_title, text, zone_panels


def queue_bands(results, level: float = 0.95) -> pd.DataFrame:
    """Mean queue per zone and period across replications with a Student-t interval.

    Columns ``zone, period, start`` (minutes since midnight), ``mean, low, high, n``;
    the ``after_close`` row of the levels table is left out.
    """
    lv = results.levels
    lv = lv[lv["period"].astype(str) != "after_close"]
    g = lv.groupby(["zone", "period"], observed=True, sort=False)["mean_queue"]
    out = pd.DataFrame({"mean": g.mean(), "sd": g.std(ddof=1), "n": g.count()}).reset_index()
    half = stats.t.ppf(0.5 + level / 2, np.maximum(out["n"] - 1, 1)) * out["sd"] / np.sqrt(out["n"])
    half = np.where(out["n"] > 1, half, np.nan)
    out["low"] = np.maximum(out["mean"] - half, 0.0)  # a queue length is never negative
    out["high"] = out["mean"] + half
    out["zone"] = out["zone"].astype(str)
    out["period"] = out["period"].astype(str)
    starts = {p: int(p[:2]) * 60 + int(p[3:5]) for p in out["period"].unique()}
    out["start"] = out["period"].map(starts)
    return out[["zone", "period", "start", "mean", "low", "high", "n"]]


@figure_function
def queue_over_day(results, zones: Optional[Sequence[str]] = None, ncols: int = 4, level: float = 0.95,
                   alarm: Optional[float] = None, lang: str = "en"):
    """Mean number waiting in each zone through the day, one small panel per zone.

    The line is the time-average queue per period (people) averaged over
    replications; the band is its *level* confidence interval. *zones* limits
    and orders the panels; *alarm* draws a dashed line at that queue length
    (e.g. 20, the published alarm level); *lang*: ``en`` or ``zh`` for the texts. Returns a
    matplotlib Figure.
    """
    scenario = results.scenario
    bands = queue_bands(results, level)
    zones, labels, fig, axes = zone_panels(scenario, zones, ncols)
    open_m, close_m = scenario.open_minute, scenario.close_minute
    step = scenario.period_minutes
    for ax, zone in zip(axes, zones):
        b = bands[bands["zone"] == zone].sort_values("start")
        # Each value holds for its whole period: draw steps up to closing time.
        x = np.append(b["start"].to_numpy(float), close_m)

        def ext(col, b=b):
            v = b[col].to_numpy(float)
            return np.append(v, v[-1] if len(v) else np.nan)
        ax.fill_between(x, ext("low"), ext("high"), step="post", alpha=0.25, linewidth=0,
                        label=text("plot.interval", lang, level=level))
        ax.step(x, ext("mean"), where="post", linewidth=1.4, label=text("plot.mean_queue", lang))
        if alarm is not None:
            ax.axhline(alarm, color="#D55E00", linestyle="--", linewidth=0.8, label=text("plot.alarm", lang, n=alarm))
        ax.set_title(labels.get(zone, zone), fontsize=9, loc="left")
        ax.set_ylim(bottom=0)
        clock_axis(ax, open_m, close_m, every=max(step, 120 if close_m - open_m > 6 * 60 else 60))
    hide_unused(axes, len(zones))
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=3)
    fig.suptitle(text("plot.queue_title", lang, name=scenario_title(scenario), step=step, n=results.replications),
                 x=0.01, ha="left", fontsize=10)
    fig.supylabel(text("plot.people_waiting", lang), fontsize=9)
    return fig
