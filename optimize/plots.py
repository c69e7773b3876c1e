"""Plots of an optimized plan: requirement against coverage, and the verification heatmap.

Figures are built on ``matplotlib.figure.Figure`` with the Agg canvas (no
pyplot); Chinese zone names use the CJK font that ``sim.plots`` finds, or the
zone ids when none is installed.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from optimize.targets import KINDS

__all__ = ["requirement_coverage", "save_plots", "verification_heatmap"]

STATUS_COLORS = {"met": "#009E73", "borderline": "#E69F00", "missed": "#D55E00", "exempt": "#DDDDDD"}


def _fonts_and_labels(scenario) -> tuple[list[str], dict[str, str]]:
    """sim.plots' font families, and each zone's name where those fonts can draw it, else its id."""
    import warnings

    import sim.plots

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        families = sim.plots.font_families()
        return families, {z.id: sim.plots.label(z.name, z.id) for z in scenario.zones}


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def requirement_coverage(result, ncols: int = 5):
    """Per zone: the requirement, the staff on duty under the plan (the roster's
    coverage) and the SIPP plan, period by period; the windows as a ceiling.
    *result* is a StaffingResult. Returns a matplotlib Figure."""
    import matplotlib

    scenario = result.scenario
    families, labels = _fonts_and_labels(scenario)
    zones = list(scenario.zone_ids)
    ncols = min(ncols, len(zones))
    nrows = math.ceil(len(zones) / ncols)
    with matplotlib.rc_context({"font.family": families, "font.size": 8, "axes.spines.top": False,
                                "axes.spines.right": False}):
        fig = _figure(2.6 * ncols + 0.4, 1.8 * nrows + 0.8)
        axes = np.atleast_1d(fig.subplots(nrows, ncols, sharex=True, squeeze=False)).ravel()
        x = np.arange(scenario.n_periods + 1)
        sipp = result.baseline_plans.get("SIPP")
        for ax, zone in zip(axes, zones):
            req = result.requirements.loc[zone].to_numpy(float)
            duty = result.plan.loc[zone].to_numpy(float)
            ax.step(x, np.append(duty, duty[-1]), where="post", color="#0072B2", linewidth=1.6,
                    label="on duty (plan)")
            ax.step(x, np.append(req, req[-1]), where="post", color="#D55E00", linewidth=1.1, linestyle="--",
                    label="requirement")
            if sipp is not None:
                s = sipp.loc[zone].to_numpy(float)
                ax.step(x, np.append(s, s[-1]), where="post", color="#999999", linewidth=0.9, linestyle=":",
                        label="SIPP")
            windows = scenario.zone(zone).windows
            ax.axhline(windows, color="#BBBBBB", linewidth=0.8)
            ax.set_ylim(0, windows * 1.1 + 0.5)
            ax.set_title(labels[zone], fontsize=8, loc="left")
            ticks = list(range(0, scenario.n_periods + 1, 4))
            ax.set_xticks(ticks)
            ax.set_xticklabels([_clock(scenario.open_minute + k * scenario.period_minutes) for k in ticks],
                               fontsize=7)
        for ax in axes[len(zones):]:
            ax.set_visible(False)
        handles, names = axes[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside lower center", ncols=3, frameon=False)
        fig.suptitle(f"{scenario.name}: requirement and coverage per zone (grey line: windows)",
                     x=0.01, ha="left", fontsize=10)
    return fig


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def verification_heatmap(verification, scenario, title: str | None = None):
    """Zones x periods coloured by verdict (met, borderline, missed, exempt), each cell
    showing the achieved value of the first target (service levels in %).
    Returns a matplotlib Figure."""
    import matplotlib
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from optimize.verify import cell_status

    families, labels = _fonts_and_labels(scenario)
    zones = list(scenario.zone_ids)
    periods = [_clock(s) for s in scenario.period_starts]
    status = cell_status(verification).unstack("start").reindex(index=zones, columns=periods)
    order = list(STATUS_COLORS)
    codes = status.apply(lambda col: col.map(order.index)).to_numpy(float)
    first = verification[verification["target"] == verification["target"].iloc[0]]
    achieved = first.pivot(index="zone", columns="start", values="achieved").reindex(index=zones, columns=periods)
    percent = KINDS[first["kind"].iloc[0]].percent
    with matplotlib.rc_context({"font.family": families, "font.size": 8}):
        fig = _figure(0.48 * len(periods) + 2.2, 0.3 * len(zones) + 1.4)
        ax = fig.add_subplot()
        ax.imshow(codes, cmap=ListedColormap([STATUS_COLORS[k] for k in order]), vmin=-0.5, vmax=len(order) - 0.5,
                  aspect="auto")
        for i in range(len(zones)):
            for j in range(len(periods)):
                value = achieved.iat[i, j]
                if np.isfinite(value):
                    text = f"{100 * value:.0f}" if percent else f"{value:.1f}"
                    ax.text(j, i, text, ha="center", va="center", fontsize=6, color="#222222")
        ax.set_xticks(range(len(periods)))
        ax.set_xticklabels(periods, rotation=90, fontsize=7)
        ax.set_yticks(range(len(zones)))
        ax.set_yticklabels([labels[z] for z in zones], fontsize=7)
        ax.tick_params(length=0)
        counts = status.stack().value_counts()
        ax.legend(handles=[Patch(color=STATUS_COLORS[k], label=f"{k} ({int(counts.get(k, 0))})") for k in order],
                  loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        target = verification["target"].iloc[0]
        fig.suptitle(title or f"{scenario.name}: verification of {target} per zone and period "
                              f"(cells: achieved{' %' if percent else ''})", x=0.01, ha="left", fontsize=10)
    return fig


def save_plots(result, out_dir) -> list[Path]:
    """Write ``coverage.png`` and ``verification.png`` for *result* into *out_dir*."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "coverage.png", out / "verification.png"]
    requirement_coverage(result).savefig(paths[0], dpi=110)
    verification_heatmap(result.verification, result.scenario).savefig(paths[1], dpi=110)
    return paths
