"""Plots of an alarm tuning: the objective and the moves a day against the threshold, and the help policies.

Figures are built on ``matplotlib.figure.Figure`` with the Agg canvas (no pyplot, nothing
global changes); text uses the fonts ``sim.plots`` finds, so a Chinese scenario name shows.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from .alarm_tuning import HALF_YEAR_DAYS, AlarmTuning

__all__ = ["help_policy_plot", "save_plots", "threshold_plot"]

COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def _figure(width: float, height: float, nrows: int = 1):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.subplots(nrows, 1, sharex=True, squeeze=False)[:, 0]


def _style() -> dict:
    import sim.plots

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        families = sim.plots.font_families()
    return {"font.family": families, "font.size": 9, "axes.spines.top": False, "axes.spines.right": False}


def _unit(tuning: AlarmTuning) -> str:
    return "mean wait of all visits, min" if tuning.objective == "wait" else f"staff-hours meeting {tuning.targets}"


def threshold_plot(tuning: AlarmTuning):
    """The objective, its paired difference from the current policy and the staff moves a day
    against the alarm threshold, with 95% bands.

    One line per switch time and help policy evaluated at two or more thresholds; the
    current threshold dotted, the best policy starred, alarm off dashed when evaluated.
    The paired band (common random numbers) is the one that tells policies apart; the
    objective's own band also holds the day-to-day variation all policies share.
    Returns a matplotlib Figure.
    """
    import matplotlib

    t = tuning.table
    with matplotlib.rc_context(_style()):
        fig, (top, middle, bottom) = _figure(7.5, 8.0, 3)
        lines = t[t["help"] != "none"].groupby(["help", "switch_minutes"], sort=False)
        drawn = [(key, g.sort_values("threshold")) for key, g in lines if g["threshold"].nunique() > 1]
        for k, ((help_, switch), g) in enumerate(drawn):
            color = COLORS[k % len(COLORS)]
            x = g["threshold"].to_numpy(float)
            for ax, (col, low, high) in ((top, ("value", "value_low", "value_high")),
                                         (middle, ("vs_current", "vs_current_low", "vs_current_high")),
                                         (bottom, ("moves_per_day", "moves_low", "moves_high"))):
                ax.plot(x, g[col], marker="o", markersize=3, color=color, label=f"help {help_}, switch {switch:g} min")
                if g[low].notna().any():
                    ax.fill_between(x, g[low].to_numpy(float), g[high].to_numpy(float), color=color, alpha=0.15,
                                    linewidth=0)
        off = t[t["help"] == "none"]
        if len(off):
            top.axhline(float(off["value"].iloc[0]), color="#777777", linestyle="--", linewidth=1, label="alarm off")
            middle.axhline(float(off["vs_current"].iloc[0]), color="#777777", linestyle="--", linewidth=1)
        middle.axhline(0.0, color="#000000", linewidth=0.6)
        best = tuning.best_row
        if tuning.best.help != "none":
            top.plot([best["threshold"]], [best["value"]], marker="*", markersize=14, color="#000000",
                     linestyle="none", label="best", zorder=5)
        if tuning.current.threshold is not None:
            for ax in (top, middle, bottom):
                ax.axvline(tuning.current.threshold, color="#999999", linestyle=":", linewidth=1)
            top.annotate(f"current {tuning.current.threshold}", (tuning.current.threshold, 1.0),
                         xycoords=("data", "axes fraction"), fontsize=8, color="#555555", ha="left", va="top")
        top.set_ylabel(_unit(tuning))
        top.set_title(f"{tuning.scenario.name}: alarm threshold, {tuning.replications} replications, "
                      f"seed {tuning.seed} (95% bands)", fontsize=9, loc="left")
        top.legend(fontsize=7, frameon=False)
        middle.set_ylabel("policy - current" + (" (paired)" if tuning.objective == "wait" else ""))
        bottom.set_ylabel("staff moves a day")
        bottom.set_xlabel("alarm threshold (people waiting in a zone)")
        bottom.set_ylim(bottom=0)
        from matplotlib.ticker import MaxNLocator

        bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
        half = bottom.secondary_yaxis("right", functions=(lambda v: v * HALF_YEAR_DAYS, lambda v: v / HALF_YEAR_DAYS))
        half.set_ylabel(f"moves in half a year ({HALF_YEAR_DAYS} days)")
    return fig


def help_policy_plot(tuning: AlarmTuning):
    """The objective of each help policy at the best threshold and switch time (and alarm off),
    with 95% error bars. Returns a matplotlib Figure."""
    import matplotlib

    t = tuning.table
    b = tuning.best
    if b.help == "none":
        rows = t.drop_duplicates("help", keep="first")
    else:
        rows = t[((t["threshold"] == b.threshold) & (t["switch_minutes"] == b.switch_minutes)) | (t["help"] == "none")]
    rows = rows.drop_duplicates("help")
    with matplotlib.rc_context(_style()):
        fig, (ax,) = _figure(max(4.0, 1.1 * len(rows) + 2), 3.6)
        x = np.arange(len(rows))
        v = rows["value"].to_numpy(float)
        err = np.vstack([v - rows["value_low"].to_numpy(float), rows["value_high"].to_numpy(float) - v])
        colors = ["#000000" if r else "#0072B2" for r in rows["best"]]
        ax.bar(x, v, color=colors, alpha=0.8, yerr=None if np.isnan(err).all() else err, capsize=3)
        for xi, m in enumerate(rows["moves_per_day"]):
            ax.annotate(f"{m:.2f} moves/day", (xi, 0), ha="center", va="bottom", fontsize=7, color="white",
                        xytext=(0, 3), textcoords="offset points")
        ax.set_xticks(x)
        ax.set_xticklabels(["alarm off" if h == "none" else h for h in rows["help"]], fontsize=8)
        ax.set_ylabel(_unit(tuning))
        where = "" if b.help == "none" else f" at threshold {b.threshold}, switch {b.switch_minutes:g} min"
        ax.set_title(f"who may help whom{where} (best in black)", fontsize=9, loc="left")
    return fig


def save_plots(tuning: AlarmTuning, directory) -> list[Path]:
    """Write ``threshold.png`` and ``help_policies.png`` into *directory*, together or not at all."""
    from sim.atomic import atomic_dir
    from sim.plots import png_bytes

    directory = Path(directory)
    builders = {"threshold": threshold_plot, "help_policies": help_policy_plot}
    with atomic_dir(directory) as stage:
        for stem, build in builders.items():
            (stage / f"{stem}.png").write_bytes(png_bytes(build(tuning)))
    return [directory / f"{stem}.png" for stem in builders]
